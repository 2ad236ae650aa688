// The mesh as a graph for people: virtual gateways → gateway routes → virtual services →
// routers → routes (with weights) → virtual nodes → their backends. Built from a MeshModel
// that may be invalid (it is drawn for docs and reviews too), so every reference is optional
// and a dangling one becomes a node marked `missing`.
import type { GatewayRouteSpec, RouteSpec, VirtualGatewaySpec, VirtualNodeSpec, VirtualRouterSpec, VirtualServiceSpec } from '../../schemas/types';
import { identityKey } from '../model/identity';
import { MeshModel } from '../model/mesh-model';
import { Resource } from '../model/resource';
import { GATEWAY_ROUTE_TYPES, routeBodyOf } from '../rules/route-types';
import { describeMatch, percentages } from './match-summary';

/** Columns of the graph, left to right. */
export const GRAPH_NODE_KINDS = ['VirtualGateway', 'GatewayRoute', 'VirtualService', 'VirtualRouter', 'Route', 'VirtualNode', 'Backend'] as const;
export type GraphNodeKind = (typeof GRAPH_NODE_KINDS)[number];

/** A proxy to flag on the graph: NACKing its config, or drifting (old version, never connected). */
export interface ProxyMark {
  /** proxyKey / identityKey of the proxy, e.g. `VirtualNode/apps/serviceB`. */
  proxy: string;
  state: 'nack' | 'drift';
  message?: string;
}

export interface GraphNode {
  /** The resource's identityKey; `Backend/<mesh>/<virtual service>` for a backend. */
  id: string;
  kind: GraphNodeKind;
  meshName: string;
  name: string;
  /** Short facts shown under the name: listeners, match, provider. */
  details: string[];
  /** Referenced but not defined in the model. */
  missing?: boolean;
  mark?: ProxyMark;
}

export type GraphEdgeKind = 'contains' | 'targets' | 'provider' | 'weighted' | 'backend';

export interface GraphEdge {
  from: string;
  to: string;
  kind: GraphEdgeKind;
  label?: string;
}

export interface MeshGraph {
  meshes: string[];
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface MeshGraphOptions {
  /** Only this mesh (default: every mesh of the model). */
  mesh?: string;
  marks?: readonly ProxyMark[];
}

type Spec<T> = Resource & { doc: { spec?: T } };

function specOf<T>(resource: Resource): T {
  return ((resource as Spec<T>).doc.spec ?? {}) as T;
}

function listeners(items: ReadonlyArray<{ portMapping?: { port?: number; protocol?: string } }> | undefined): string[] {
  const ports = (items ?? []).map((l) => `${l.portMapping?.protocol ?? '?'}:${l.portMapping?.port ?? '?'}`);
  return ports.length ? [`listens ${ports.join(', ')}`] : [];
}

/** Resources in key order, so the graph does not depend on the order of files and documents. */
function sortedByKey(resources: readonly Resource[]): Resource[] {
  return [...resources].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

class GraphBuilder {
  readonly nodes = new Map<string, GraphNode>();
  readonly edges: GraphEdge[] = [];
  private readonly edgeKeys = new Set<string>();

  constructor(
    private readonly model: MeshModel,
    private readonly marks: ReadonlyMap<string, ProxyMark>,
  ) {}

  node(kind: GraphNodeKind, meshName: string, name: string, details: string[], parentName?: string): GraphNode {
    const id = kind === 'Backend' ? `Backend/${meshName}/${name}` : identityKey({ kind, meshName, name, parentName });
    let node = this.nodes.get(id);
    if (!node) {
      node = { id, kind, meshName, name, details };
      const mark = this.marks.get(id);
      if (mark) node.mark = mark;
      this.nodes.set(id, node);
    }
    return node;
  }

  /** A node for a reference: the resource's own node, or a `missing` placeholder. */
  reference(kind: 'VirtualService' | 'VirtualRouter' | 'VirtualNode', meshName: string, name: string): GraphNode {
    const resource = this.model.get(kind, meshName, name);
    if (resource) return this.resource(resource);
    const node = this.node(kind, meshName, name, ['not defined']);
    node.missing = true;
    return node;
  }

  edge(from: GraphNode, to: GraphNode, kind: GraphEdgeKind, label?: string): void {
    const key = `${from.id}→${to.id}|${label ?? ''}`;
    if (this.edgeKeys.has(key)) return;
    this.edgeKeys.add(key);
    this.edges.push(label === undefined ? { from: from.id, to: to.id, kind } : { from: from.id, to: to.id, kind, label });
  }

  resource(r: Resource): GraphNode {
    const known = this.nodes.get(r.key);
    if (known) return known;
    const { meshName, name } = r.identity;
    switch (r.kind) {
      case 'VirtualGateway':
        return this.node('VirtualGateway', meshName, name, listeners(specOf<VirtualGatewaySpec>(r).listeners));
      case 'VirtualRouter':
        return this.node('VirtualRouter', meshName, name, listeners(specOf<VirtualRouterSpec>(r).listeners));
      case 'VirtualNode': {
        const spec = specOf<VirtualNodeSpec>(r);
        const discovery = spec.serviceDiscovery?.dns?.hostname ?? (spec.serviceDiscovery?.awsCloudMap ? `${spec.serviceDiscovery.awsCloudMap.serviceName}.${spec.serviceDiscovery.awsCloudMap.namespaceName}` : undefined);
        return this.node('VirtualNode', meshName, name, [...listeners(spec.listeners), ...(discovery ? [`discovery ${discovery}`] : [])]);
      }
      case 'VirtualService': {
        const provider = specOf<VirtualServiceSpec>(r).provider;
        const details = provider?.virtualRouter ? ['provider: router'] : provider?.virtualNode ? ['provider: node'] : ['no provider'];
        return this.node('VirtualService', meshName, name, details);
      }
      default:
        throw new Error(`no graph node for ${r.kind}`);
    }
  }

  addGateway(gateway: Resource): void {
    const gw = this.resource(gateway);
    for (const route of sortedByKey(this.model.childrenOf(gateway))) {
      const spec = specOf<GatewayRouteSpec>(route);
      const body = routeBodyOf(spec, GATEWAY_ROUTE_TYPES);
      const details = body ? describeMatch(body.type, body.body.match, spec.priority) : ['no route body'];
      const gr = this.node('GatewayRoute', route.identity.meshName, route.identity.name, details, route.identity.parentName);
      this.edge(gw, gr, 'contains');
      const target = (body?.body.action as { target?: { virtualService?: { virtualServiceName?: string }; port?: number } } | undefined)?.target;
      const vsName = target?.virtualService?.virtualServiceName;
      if (vsName) this.edge(gr, this.reference('VirtualService', gateway.identity.meshName, vsName), 'targets', target?.port !== undefined ? `port ${target.port}` : undefined);
    }
  }

  addService(service: Resource): void {
    const vs = this.resource(service);
    const provider = specOf<VirtualServiceSpec>(service).provider;
    const meshName = service.identity.meshName;
    if (provider?.virtualNode) this.edge(vs, this.reference('VirtualNode', meshName, provider.virtualNode.virtualNodeName), 'provider');
    if (provider?.virtualRouter) this.edge(vs, this.reference('VirtualRouter', meshName, provider.virtualRouter.virtualRouterName), 'provider');
  }

  addRouter(router: Resource): void {
    const vr = this.resource(router);
    for (const route of sortedByKey(this.model.childrenOf(router))) {
      const spec = specOf<RouteSpec>(route);
      const body = routeBodyOf(spec);
      const details = body ? describeMatch(body.type, body.body.match, spec.priority) : ['no route body'];
      const rt = this.node('Route', route.identity.meshName, route.identity.name, details, route.identity.parentName);
      this.edge(vr, rt, 'contains');
      const targets = ((body?.body.action as { weightedTargets?: Array<{ virtualNode: string; weight: number; port?: number }> } | undefined)?.weightedTargets ?? []).filter(
        (t) => typeof t?.virtualNode === 'string',
      );
      const shares = percentages(targets.map((t) => t.weight));
      targets.forEach((t, i) => {
        // Weights matter where a route splits traffic; a single target takes it all.
        const weight = targets.length > 1 ? `${t.weight} (${shares[i]})` : undefined;
        const port = t.port !== undefined ? `port ${t.port}` : undefined;
        const label = [weight, port].filter(Boolean).join(' ') || undefined;
        this.edge(rt, this.reference('VirtualNode', route.identity.meshName, t.virtualNode), 'weighted', label);
      });
    }
  }

  addNode(node: Resource): void {
    const vn = this.resource(node);
    for (const backend of specOf<VirtualNodeSpec>(node).backends ?? []) {
      const name = backend.virtualService?.virtualServiceName;
      if (!name) continue;
      const defined = this.model.get('VirtualService', node.identity.meshName, name) !== undefined;
      const target = this.node('Backend', node.identity.meshName, name, defined ? [] : ['virtual service not defined']);
      if (!defined) target.missing = true;
      this.edge(vn, target, 'backend');
    }
  }
}

/** The graph of one model; nodes and edges in a stable order (by kind column, mesh, name). */
export function buildMeshGraph(model: MeshModel, options: MeshGraphOptions = {}): MeshGraph {
  const marks = new Map((options.marks ?? []).map((m) => [m.proxy, m]));
  const builder = new GraphBuilder(model, marks);
  const wanted = (r: Resource) => options.mesh === undefined || r.identity.meshName === options.mesh;
  const sorted = (kind: Parameters<MeshModel['list']>[0]) => sortedByKey(model.list(kind).filter(wanted));
  for (const r of sorted('VirtualGateway')) builder.addGateway(r);
  for (const r of sorted('VirtualService')) builder.addService(r);
  for (const r of sorted('VirtualRouter')) builder.addRouter(r);
  for (const r of sorted('VirtualNode')) builder.addNode(r);
  const column = (kind: GraphNodeKind) => GRAPH_NODE_KINDS.indexOf(kind);
  const nodes = [...builder.nodes.values()].sort((a, b) => column(a.kind) - column(b.kind) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const meshes = [...new Set([...model.list('Mesh').filter(wanted).map((m) => m.identity.meshName), ...nodes.map((n) => n.meshName)])].sort();
  return { meshes, nodes, edges: builder.edges };
}

/** Human names of the kinds, for headings and legends. */
export const KIND_TITLES: Record<GraphNodeKind, string> = {
  VirtualGateway: 'Virtual gateways',
  GatewayRoute: 'Gateway routes',
  VirtualService: 'Virtual services',
  VirtualRouter: 'Virtual routers',
  Route: 'Routes',
  VirtualNode: 'Virtual nodes',
  Backend: 'Backends',
};
