// The mesh graph: a model of who routes to whom, and its renderers (Mermaid, DOT, SVG).
export { buildMeshGraph, GRAPH_NODE_KINDS, KIND_TITLES } from './mesh-graph';
export type { GraphEdge, GraphEdgeKind, GraphNode, GraphNodeKind, MeshGraph, MeshGraphOptions, ProxyMark } from './mesh-graph';
export { describeMatch, describeHeader, percentages } from './match-summary';
export { layoutGraph } from './layout';
export type { GraphLayout } from './layout';
export { renderMermaid } from './mermaid';
export { renderDot } from './dot';
export { renderSvg, escapeXml } from './svg';

import { MeshGraph } from './mesh-graph';
import { renderDot } from './dot';
import { renderMermaid } from './mermaid';
import { renderSvg } from './svg';

export const GRAPH_FORMATS = ['mermaid', 'dot', 'svg'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

export function renderGraph(graph: MeshGraph, format: GraphFormat): string {
  switch (format) {
    case 'mermaid':
      return renderMermaid(graph);
    case 'dot':
      return renderDot(graph);
    case 'svg':
      return renderSvg(graph);
  }
}
