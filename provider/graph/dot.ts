// The mesh graph in Graphviz DOT (`dot -Tsvg`), one cluster per mesh.
import { printable } from '../text/printable';
import { GraphNode, GraphNodeKind, MeshGraph } from './mesh-graph';

const SHAPES: Record<GraphNodeKind, string> = {
  VirtualGateway: 'hexagon',
  GatewayRoute: 'box, style="rounded"',
  VirtualService: 'box, style="rounded,bold"',
  VirtualRouter: 'box3d',
  Route: 'box, style="rounded"',
  VirtualNode: 'box',
  Backend: 'cds',
};

// Lines are joined with \n before quoting: keep those as DOT line breaks, escape every other control character.
function quote(text: string): string {
  return `"${text.split('\n').map(printable).join('\n').replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function attributes(node: GraphNode): string {
  const lines = [node.name, `(${node.kind})`, ...node.details];
  if (node.mark) lines.push(`${node.mark.state === 'nack' ? 'NACK' : 'drift'}${node.mark.message ? `: ${node.mark.message}` : ''}`);
  const attrs = [`label=${quote(lines.join('\n'))}`, `shape=${SHAPES[node.kind]}`];
  if (node.mark?.state === 'nack') attrs.push('color="#c0392b"', 'penwidth=3', 'fillcolor="#fde2e1"', 'style="filled"');
  else if (node.mark?.state === 'drift') attrs.push('color="#d68910"', 'penwidth=3', 'fillcolor="#fff4d6"', 'style="filled,dashed"');
  else if (node.missing) attrs.push('color="#888888"', 'style="dashed"');
  return attrs.join(', ');
}

export function renderDot(graph: MeshGraph): string {
  const out = ['digraph mesh {', '  rankdir=LR;', '  node [fontname="Helvetica", fontsize=10];', '  edge [fontname="Helvetica", fontsize=9];'];
  for (const mesh of graph.meshes) {
    const members = graph.nodes.filter((n) => n.meshName === mesh);
    if (!members.length) continue;
    out.push(`  subgraph ${quote(`cluster_${mesh}`)} {`, `    label=${quote(`mesh ${mesh}`)};`);
    for (const node of members) out.push(`    ${quote(node.id)} [${attributes(node)}];`);
    out.push('  }');
  }
  for (const edge of graph.edges) {
    const attrs = [...(edge.label ? [`label=${quote(edge.label)}`] : []), ...(edge.kind === 'backend' ? ['style=dashed'] : [])];
    out.push(`  ${quote(edge.from)} -> ${quote(edge.to)}${attrs.length ? ` [${attrs.join(', ')}]` : ''};`);
  }
  out.push('}');
  return out.join('\n') + '\n';
}
