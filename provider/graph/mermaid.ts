// The mesh graph as a Mermaid flowchart (GitHub renders it in Markdown and pull requests).
import { printable } from '../text/printable';
import { GraphNode, GraphNodeKind, MeshGraph } from './mesh-graph';

const SHAPES: Record<GraphNodeKind, [string, string]> = {
  VirtualGateway: ['{{', '}}'],
  GatewayRoute: ['(', ')'],
  VirtualService: ['([', '])'],
  VirtualRouter: ['[[', ']]'],
  Route: ['(', ')'],
  VirtualNode: ['[', ']'],
  Backend: ['>', ']'],
};

/** Mermaid's entity codes keep quotes and angle brackets from ending or breaking a label. */
function escape(text: string): string {
  return printable(text).replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

function label(node: GraphNode): string {
  const lines = [`<b>${escape(node.name)}</b>`, `<i>${node.kind}</i>`, ...node.details.map(escape)];
  if (node.mark) lines.push(`${node.mark.state === 'nack' ? 'NACK' : 'drift'}${node.mark.message ? `: ${escape(node.mark.message)}` : ''}`);
  return lines.join('<br/>');
}

export function renderMermaid(graph: MeshGraph): string {
  const ids = new Map(graph.nodes.map((n, i) => [n.id, `n${i}`]));
  const out = ['flowchart LR'];
  for (const mesh of graph.meshes) {
    const members = graph.nodes.filter((n) => n.meshName === mesh);
    if (!members.length) continue;
    out.push(`  subgraph mesh_${mesh.replace(/[^A-Za-z0-9_]/g, '_')}["mesh ${escape(mesh)}"]`);
    for (const node of members) {
      const [open, close] = SHAPES[node.kind];
      out.push(`    ${ids.get(node.id)}${open}"${label(node)}"${close}`);
    }
    out.push('  end');
  }
  for (const edge of graph.edges) {
    const arrow = edge.kind === 'backend' ? '-.->' : '-->';
    out.push(`  ${ids.get(edge.from)} ${arrow}${edge.label ? `|"${escape(edge.label)}"|` : ''} ${ids.get(edge.to)}`);
  }
  out.push('  classDef nack fill:#fde2e1,stroke:#c0392b,stroke-width:3px');
  out.push('  classDef drift fill:#fff4d6,stroke:#d68910,stroke-width:3px,stroke-dasharray:5 3');
  out.push('  classDef missing fill:#eeeeee,stroke:#888888,stroke-dasharray:2 2');
  for (const cls of ['nack', 'drift', 'missing'] as const) {
    const members = graph.nodes.filter((n) => (cls === 'missing' ? n.missing : n.mark?.state === cls)).map((n) => ids.get(n.id));
    if (members.length) out.push(`  class ${members.join(',')} ${cls}`);
  }
  return out.join('\n') + '\n';
}
