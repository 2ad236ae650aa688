// A deterministic layered layout: one column per kind (left to right as traffic flows),
// nodes ordered inside a column by the mean position of their neighbours (a few barycentre
// sweeps, ties by id), so the same graph always gives the same picture.
import { GRAPH_NODE_KINDS, GraphEdge, GraphNode, GraphNodeKind, MeshGraph } from './mesh-graph';

export interface PlacedNode {
  node: GraphNode;
  x: number;
  y: number;
  width: number;
  height: number;
  column: number;
}

export interface PlacedColumn {
  kind: GraphNodeKind;
  x: number;
  width: number;
}

export interface PlacedEdge {
  edge: GraphEdge;
  /** Cubic Bézier: start, two control points, end. */
  points: [number, number][];
  labelAt: [number, number];
}

export interface GraphLayout {
  width: number;
  height: number;
  columns: PlacedColumn[];
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

export const LAYOUT = {
  margin: 20,
  header: 28,
  columnGap: 90,
  rowGap: 16,
  titleLine: 17,
  detailLine: 14,
  padding: 8,
  titleCharWidth: 7.4,
  detailCharWidth: 6.3,
  minWidth: 110,
  maxWidth: 300,
  maxDetails: 4,
};

/** The lines a node shows below its name (details, then the proxy mark), capped. */
export function nodeDetailLines(node: GraphNode): string[] {
  const lines = node.details.slice(0, LAYOUT.maxDetails);
  if (node.mark) lines.push(`${node.mark.state === 'nack' ? '⚠ NACK' : '≠ drift'}${node.mark.message ? `: ${node.mark.message}` : ''}`);
  return lines;
}

function naturalWidth(node: GraphNode): number {
  const title = node.name.length * LAYOUT.titleCharWidth;
  const details = Math.max(0, ...nodeDetailLines(node).map((l) => l.length * LAYOUT.detailCharWidth));
  return Math.min(LAYOUT.maxWidth, Math.max(LAYOUT.minWidth, Math.ceil(Math.max(title, details) + 2 * LAYOUT.padding)));
}

function nodeHeight(node: GraphNode): number {
  return Math.ceil(2 * LAYOUT.padding + LAYOUT.titleLine + nodeDetailLines(node).length * LAYOUT.detailLine);
}

function byId(a: GraphNode, b: GraphNode): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function layoutGraph(graph: MeshGraph): GraphLayout {
  const kinds = GRAPH_NODE_KINDS.filter((k) => graph.nodes.some((n) => n.kind === k));
  const columnOf = new Map(graph.nodes.map((n) => [n.id, kinds.indexOf(n.kind)]));
  const meshRank = new Map(graph.meshes.map((m, i) => [m, i]));
  const columns: GraphNode[][] = kinds.map((k) => graph.nodes.filter((n) => n.kind === k).sort((a, b) => (meshRank.get(a.meshName) ?? 0) - (meshRank.get(b.meshName) ?? 0) || byId(a, b)));
  const neighbours = new Map<string, { before: string[]; after: string[] }>(graph.nodes.map((n) => [n.id, { before: [], after: [] }]));
  for (const e of graph.edges) {
    neighbours.get(e.to)?.before.push(e.from);
    neighbours.get(e.from)?.after.push(e.to);
  }
  const position = new Map<string, number>();
  const record = () => columns.forEach((col) => col.forEach((n, i) => position.set(n.id, i / Math.max(1, col.length - 1))));
  record();
  const sweep = (indexes: number[], side: 'before' | 'after') => {
    for (const c of indexes) {
      const score = (n: GraphNode) => {
        const linked = neighbours.get(n.id)![side].filter((id) => position.has(id));
        return linked.length ? linked.reduce((sum, id) => sum + position.get(id)!, 0) / linked.length : position.get(n.id)!;
      };
      const scores = new Map(columns[c].map((n) => [n.id, score(n)]));
      // Meshes stay in their own bands; inside a mesh, follow the neighbours.
      columns[c].sort((a, b) => (meshRank.get(a.meshName) ?? 0) - (meshRank.get(b.meshName) ?? 0) || scores.get(a.id)! - scores.get(b.id)! || byId(a, b));
      columns[c].forEach((n, i) => position.set(n.id, i / Math.max(1, columns[c].length - 1)));
    }
  };
  const forward = columns.map((_, i) => i).slice(1);
  const backward = columns.map((_, i) => i).reverse().slice(1);
  sweep(forward, 'before');
  sweep(backward, 'after');
  sweep(forward, 'before');

  const placedColumns: PlacedColumn[] = [];
  const placed = new Map<string, PlacedNode>();
  let x = LAYOUT.margin;
  const heights = columns.map((col) => col.reduce((sum, n) => sum + nodeHeight(n), 0) + Math.max(0, col.length - 1) * LAYOUT.rowGap);
  const tallest = Math.max(0, ...heights);
  columns.forEach((col, c) => {
    const width = Math.max(LAYOUT.minWidth, ...col.map(naturalWidth));
    placedColumns.push({ kind: kinds[c], x, width });
    let y = LAYOUT.margin + LAYOUT.header + (tallest - heights[c]) / 2;
    for (const node of col) {
      const height = nodeHeight(node);
      placed.set(node.id, { node, x, y, width, height, column: c });
      y += height + LAYOUT.rowGap;
    }
    x += width + LAYOUT.columnGap;
  });
  const edges: PlacedEdge[] = [];
  for (const edge of graph.edges) {
    const from = placed.get(edge.from);
    const to = placed.get(edge.to);
    if (!from || !to || columnOf.get(edge.from)! >= columnOf.get(edge.to)!) continue;
    const start: [number, number] = [from.x + from.width, from.y + from.height / 2];
    const end: [number, number] = [to.x, to.y + to.height / 2];
    const bend = Math.max(30, (end[0] - start[0]) / 2);
    const c1: [number, number] = [start[0] + bend, start[1]];
    const c2: [number, number] = [end[0] - bend, end[1]];
    // Labels at the middle: a route's few targets have spread apart there, and edges arriving
    // at one node from different routes have not yet converged.
    const t = 0.5;
    const at = (i: 0 | 1) => (1 - t) ** 3 * start[i] + 3 * (1 - t) ** 2 * t * c1[i] + 3 * (1 - t) * t ** 2 * c2[i] + t ** 3 * end[i];
    edges.push({ edge, points: [start, c1, c2, end], labelAt: [at(0), at(1)] });
  }
  const width = Math.ceil(x - LAYOUT.columnGap + LAYOUT.margin);
  return { width: Math.max(width, 2 * LAYOUT.margin), height: Math.ceil(LAYOUT.margin * 2 + LAYOUT.header + tallest), columns: placedColumns, nodes: [...placed.values()], edges };
}
