// The mesh graph as a standalone SVG (inline styles, no fonts or scripts to fetch), laid out by
// layout.ts. Nodes carry data-id / data-kind so the dashboard can link them; NACKing and
// drifting proxies are drawn in red and amber with the reason.
import { printable } from '../text/printable';
import { GraphLayout, layoutGraph, LAYOUT, nodeDetailLines, PlacedNode } from './layout';
import { GraphNodeKind, KIND_TITLES, MeshGraph } from './mesh-graph';

const FILL: Record<GraphNodeKind, string> = {
  VirtualGateway: '#e8e3f7',
  GatewayRoute: '#f1eefb',
  VirtualService: '#e1effa',
  VirtualRouter: '#e3f4ec',
  Route: '#eef8f3',
  VirtualNode: '#fdf0e1',
  Backend: '#f4f4f4',
};

const STYLE = `
  .mp-graph text { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; fill: #1d2430; }
  .mp-graph .column-title { font-size: 12px; font-weight: 600; fill: #5a6475; }
  .mp-graph .node rect { stroke: #7d8799; stroke-width: 1; }
  .mp-graph .node .name { font-size: 12px; font-weight: 600; }
  .mp-graph .node .detail { font-size: 11px; fill: #465063; }
  .mp-graph .node.missing rect { fill: #eeeeee; stroke: #888888; stroke-dasharray: 3 3; }
  .mp-graph .node.nack rect { fill: #fde2e1; stroke: #c0392b; stroke-width: 3; }
  .mp-graph .node.nack .mark { fill: #a93226; font-weight: 600; }
  .mp-graph .node.drift rect { fill: #fff4d6; stroke: #d68910; stroke-width: 3; stroke-dasharray: 6 3; }
  .mp-graph .node.drift .mark { fill: #9a6408; font-weight: 600; }
  .mp-graph .edge path { fill: none; stroke: #8a94a6; stroke-width: 1.3; }
  .mp-graph .edge.backend path { stroke-dasharray: 5 4; }
  .mp-graph .edge text { font-size: 10.5px; fill: #2c3e50; paint-order: stroke; stroke: #ffffff; stroke-width: 3px; stroke-linejoin: round; }
`;

/** Printable text (control characters are not even allowed in XML) with XML's special characters escaped. */
export function escapeXml(text: string): string {
  return printable(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Cuts a line to what fits in `width` pixels (the whole text stays in the node's tooltip). */
function fit(text: string, width: number, charWidth: number): string {
  const max = Math.floor((width - 2 * LAYOUT.padding) / charWidth);
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

function round(n: number): string {
  return String(Math.round(n * 10) / 10);
}

function renderNode(p: PlacedNode): string {
  const { node } = p;
  const classes = ['node', node.kind, ...(node.missing ? ['missing'] : []), ...(node.mark ? [node.mark.state] : [])];
  const details = nodeDetailLines(node);
  const tooltip = [`${node.kind} ${node.name} (mesh ${node.meshName})`, ...node.details, ...(node.mark ? [`${node.mark.state}: ${node.mark.message ?? ''}`] : [])];
  const lines = [
    `<g class="${classes.join(' ')}" data-id="${escapeXml(node.id)}" data-kind="${node.kind}"${node.mark ? ` data-mark="${node.mark.state}"` : ''}>`,
    `<title>${tooltip.map(escapeXml).join('\n')}</title>`,
    `<rect x="${round(p.x)}" y="${round(p.y)}" width="${round(p.width)}" height="${round(p.height)}" rx="6" fill="${FILL[node.kind]}"/>`,
    `<text class="name" x="${round(p.x + LAYOUT.padding)}" y="${round(p.y + LAYOUT.padding + 12)}">${escapeXml(fit(node.name, p.width, LAYOUT.titleCharWidth))}</text>`,
  ];
  details.forEach((line, i) => {
    const isMark = node.mark !== undefined && i === details.length - 1;
    const y = p.y + LAYOUT.padding + LAYOUT.titleLine + (i + 1) * LAYOUT.detailLine - 3;
    // The mark line is bold, so its letters are wider.
    const charWidth = isMark ? LAYOUT.detailCharWidth * 1.12 : LAYOUT.detailCharWidth;
    lines.push(`<text class="detail${isMark ? ' mark' : ''}" x="${round(p.x + LAYOUT.padding)}" y="${round(y)}">${escapeXml(fit(line, p.width, charWidth))}</text>`);
  });
  lines.push('</g>');
  return lines.join('');
}

export function renderSvg(graph: MeshGraph, layout: GraphLayout = layoutGraph(graph)): string {
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="mp-graph" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" role="img" aria-label="mesh graph">`,
    `<style>${STYLE}</style>`,
    '<defs><marker id="mp-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#8a94a6"/></marker></defs>',
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
  ];
  if (!graph.nodes.length) out.push(`<text x="${LAYOUT.margin}" y="${LAYOUT.margin + 14}">The environment has no mesh resources.</text>`);
  for (const column of layout.columns) {
    out.push(`<text class="column-title" x="${round(column.x)}" y="${LAYOUT.margin + 12}">${escapeXml(KIND_TITLES[column.kind])}</text>`);
  }
  for (const { edge, points, labelAt } of layout.edges) {
    const [s, c1, c2, e] = points;
    out.push(
      `<g class="edge ${edge.kind}" data-from="${escapeXml(edge.from)}" data-to="${escapeXml(edge.to)}">` +
        `<path d="M ${round(s[0])} ${round(s[1])} C ${round(c1[0])} ${round(c1[1])}, ${round(c2[0])} ${round(c2[1])}, ${round(e[0])} ${round(e[1])}" marker-end="url(#mp-arrow)"/>` +
        (edge.label ? `<text x="${round(labelAt[0])}" y="${round(labelAt[1] - 3)}" text-anchor="middle">${escapeXml(edge.label)}</text>` : '') +
        '</g>',
    );
  }
  for (const node of layout.nodes) out.push(renderNode(node));
  out.push('</svg>');
  return out.join('\n') + '\n';
}
