// Virtual services → Envoy routes (envoy-mapping.md §6): a router provider's routes (matches,
// weighted targets, retries, timeouts, in priority order), or the one synthetic route of a node
// provider, which carries App Mesh's default retry policy; plus the ingress route to the local app.
import type { HttpRetryPolicy, HttpTimeout, Listener, RouteSpec, TcpTimeout, VirtualNodeSpec, VirtualRouterSpec, WeightedTarget } from '../../schemas/types';
import { routeBodyOf } from '../rules/route-types';
import { Json } from './proto-codec';
import { Flavour } from './envoy-values';
import { EgressTarget, egressTargetClusterName } from './clusters';
import { Found, MeshView } from './mesh-view';
import { GrpcMatchInput, grpcRouteMatch, httpRouteMatch, HttpMatchInput } from './route-match';
import { retryPolicy, routeTimeouts, tcpIdleTimeout } from './retry-timeouts';
import { ingressClusterName } from './names';

export type ServiceProvider =
  | { kind: 'node'; node: Found<VirtualNodeSpec>; listener: Listener }
  | { kind: 'router'; router: Found<VirtualRouterSpec> };

/** One port a virtual service is reachable on, as its provider listens. */
export interface ServicePort {
  meshName: string;
  virtualService: string;
  port: number;
  protocol: string;
  provider: ServiceProvider;
}

/** The ports of a virtual service; none when it has no provider (App Mesh routes no traffic then). */
export function servicePorts(view: MeshView, meshName: string, virtualService: string): ServicePort[] {
  const provider = view.virtualService(meshName, virtualService)?.spec.provider;
  const base = { meshName, virtualService };
  if (provider?.virtualNode) {
    const node = view.virtualNode(meshName, provider.virtualNode.virtualNodeName);
    if (!node) return [];
    return (node.spec.listeners ?? []).map((listener) => ({ ...base, ...listener.portMapping, provider: { kind: 'node', node, listener } }));
  }
  if (provider?.virtualRouter) {
    const router = view.virtualRouter(meshName, provider.virtualRouter.virtualRouterName);
    if (!router) return [];
    return (router.spec.listeners ?? []).map((listener) => ({ ...base, ...listener.portMapping, provider: { kind: 'router', router } }));
  }
  return [];
}

export function isHttpFamily(protocol: string): boolean {
  return protocol === 'http' || protocol === 'http2' || protocol === 'grpc';
}

/** The listener of a weighted target: the one on `port`, else the one speaking the route's protocol. */
export function resolveTarget(view: MeshView, meshName: string, nodeName: string, port: number | undefined, protocol: string): EgressTarget | undefined {
  const node = view.virtualNode(meshName, nodeName);
  const listeners = node?.spec.listeners ?? [];
  const listener =
    port !== undefined ? listeners.find((l) => l.portMapping.port === port) : (listeners.find((l) => l.portMapping.protocol === protocol) ?? listeners[0]);
  return node && listener ? { meshName, node, listener } : undefined;
}

/** Ordering key of a match: exact paths, then regexes, then longer prefixes, then more conditions. */
export function matchSpecificity(match: HttpMatchInput & { serviceName?: string; methodName?: string; metadata?: unknown[] }): number[] {
  const conditions = (match.headers?.length ?? 0) + (match.queryParameters?.length ?? 0) + (match.metadata?.length ?? 0) + (match.method ? 1 : 0) + (match.scheme ? 1 : 0);
  if (match.path?.exact !== undefined || match.methodName) return [0, 0, -conditions];
  if (match.path?.regex !== undefined) return [1, 0, -conditions];
  const prefix = match.prefix ?? (match.serviceName ? `/${match.serviceName}/` : '/');
  return [2, -prefix.length, -conditions];
}

export interface Ordered {
  name: string;
  priority?: number;
  specificity: number[];
}

/**
 * Priority 0 first (App Mesh: 0 is highest); [I] routes without a priority come after every
 * prioritised one, most specific match first, then by name so the order is stable.
 */
export function compareOrdered(a: Ordered, b: Ordered): number {
  const pa = a.priority ?? Number.POSITIVE_INFINITY;
  const pb = b.priority ?? Number.POSITIVE_INFINITY;
  if (pa !== pb) return pa - pb;
  for (let i = 0; i < Math.max(a.specificity.length, b.specificity.length); i++) {
    const d = (a.specificity[i] ?? 0) - (b.specificity[i] ?? 0);
    if (d) return d;
  }
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

interface WeightedCluster {
  name: string;
  weight: number;
}

function weightedClusters(view: MeshView, meshName: string, targets: readonly WeightedTarget[], protocol: string, out: EgressTarget[]): WeightedCluster[] {
  const clusters: WeightedCluster[] = [];
  for (const t of targets) {
    if (!(t.weight > 0)) continue;
    const target = resolveTarget(view, meshName, t.virtualNode, t.port, protocol);
    if (!target) continue;
    out.push(target);
    const name = egressTargetClusterName(target);
    const same = clusters.find((c) => c.name === name);
    if (same) same.weight += t.weight;
    else clusters.push({ name, weight: t.weight });
  }
  return clusters;
}

/**
 * App Mesh weights are relative (3/1 is a 75/25 split). `total_weight` is their sum: gRPC C-core
 * ≤ 1.5x and grpc-go ≤ 1.4x take a missing total as 100 and NACK any other sum; Envoy and newer
 * gRPC clients sum the weights themselves and accept a total equal to that sum. Writing the sum
 * (rather than normalising to 100) keeps every split exact.
 */
function clusterSpecifier(clusters: readonly WeightedCluster[]): Json {
  if (clusters.length === 1) return { cluster: clusters[0].name };
  const total = clusters.reduce((sum, c) => sum + c.weight, 0);
  return { weighted_clusters: { clusters: clusters.map((c) => ({ name: c.name, weight: { value: c.weight } })), total_weight: { value: total } } };
}

/** What one virtual-service port routes to: HTTP routes, or a TCP proxy target. */
export interface ServiceRoutes {
  routes: Json[];
  tcp?: { clusters: WeightedCluster[]; idleTimeout: Json };
  targets: EgressTarget[];
}

interface RouteCandidate extends Ordered {
  spec: RouteSpec;
}

/** The router's routes that serve one of its listeners, in Envoy's first-match order. */
function routesForPort(view: MeshView, sp: ServicePort & { provider: { kind: 'router' } }): RouteCandidate[] {
  const candidates: RouteCandidate[] = [];
  for (const route of view.routes(sp.meshName, sp.provider.router.name)) {
    const body = routeBodyOf(route.spec);
    if (!body || body.protocol !== sp.protocol) continue;
    const match = (body.body.match ?? {}) as HttpMatchInput & { port?: number };
    if (match.port !== undefined && match.port !== sp.port) continue;
    candidates.push({ name: route.name, priority: route.spec.priority, specificity: matchSpecificity(match), spec: route.spec });
  }
  return candidates.sort(compareOrdered);
}

/**
 * The routes of one virtual-service port. `extraHeaders` are added to every match (the
 * gateway's second stage selects its target with them).
 */
export function serviceRoutes(view: MeshView, sp: ServicePort, flavour: Flavour, extraHeaders: Json[] = []): ServiceRoutes {
  const targets: EgressTarget[] = [];
  const useDefaultRetry = view.config.defaultRetryPolicy;
  if (sp.provider.kind === 'node') {
    const target: EgressTarget = { meshName: sp.meshName, node: sp.provider.node, listener: sp.provider.listener };
    targets.push(target);
    const cluster = egressTargetClusterName(target);
    if (!isHttpFamily(sp.protocol)) return { routes: [], tcp: { clusters: [{ name: cluster, weight: 1 }], idleTimeout: tcpIdleTimeout(sp.provider.listener.timeout?.tcp) }, targets };
    // [I] The synthetic route takes the provider listener's timeouts (App Mesh has no route to hold them).
    const timeout = sp.provider.listener.timeout?.[sp.protocol as 'http' | 'http2' | 'grpc'];
    const action: Json = { cluster, ...routeTimeouts(timeout, flavour) };
    const retry = retryPolicy(undefined, flavour, useDefaultRetry);
    if (retry) action.retry_policy = retry;
    const match: Json = { prefix: '/' };
    if (extraHeaders.length) match.headers = extraHeaders;
    return { routes: [{ name: sp.virtualService, match, route: action }], targets };
  }
  const routes: Json[] = [];
  let tcp: ServiceRoutes['tcp'];
  for (const candidate of routesForPort(view, sp as ServicePort & { provider: { kind: 'router' } })) {
    const body = routeBodyOf(candidate.spec)!;
    const spec = body.body as { action?: { weightedTargets?: WeightedTarget[] }; match?: Json; retryPolicy?: HttpRetryPolicy; timeout?: HttpTimeout & TcpTimeout };
    const clusters = weightedClusters(view, sp.meshName, spec.action?.weightedTargets ?? [], sp.protocol, targets);
    if (!clusters.length) continue;
    if (body.type === 'tcpRoute') {
      // L4 has no match criteria: the first TCP route takes the port (§9.2).
      tcp ??= { clusters, idleTimeout: tcpIdleTimeout(spec.timeout) };
      continue;
    }
    const match = (spec.match ?? {}) as HttpMatchInput;
    // gRPC has no query string (gRFC A28): a route that needs one can never match a gRPC call.
    if (flavour === 'grpc' && match.queryParameters?.length) continue;
    const action: Json = { ...clusterSpecifier(clusters), ...routeTimeouts(spec.timeout, flavour) };
    const retry = retryPolicy(spec.retryPolicy, flavour, useDefaultRetry);
    if (retry) action.retry_policy = retry;
    const envoyMatch = body.type === 'grpcRoute' ? grpcRouteMatch(match as GrpcMatchInput, flavour, extraHeaders) : httpRouteMatch(match, flavour, extraHeaders);
    routes.push({ name: candidate.name, match: envoyMatch, route: action });
  }
  return { routes, tcp, targets };
}

/** The virtual host a client's egress uses for a service port: found by the service name, with or without the port. */
export function serviceVirtualHost(sp: ServicePort, routes: Json[]): Json {
  const host: Json = { name: `${sp.virtualService}:${sp.port}`, domains: [sp.virtualService, `${sp.virtualService}:${sp.port}`] };
  if (routes.length) host.routes = routes;
  return host;
}

/** The ingress route table of a VN listener: everything to the local app, with the listener's timeouts. */
export function ingressRouteConfig(name: string, meshName: string, nodeName: string, listener: Listener): Json {
  const { port, protocol } = listener.portMapping;
  const timeout = listener.timeout?.[protocol as 'http' | 'http2' | 'grpc'];
  return {
    name,
    virtual_hosts: [
      {
        name: `ingress_${protocol}_${port}`,
        domains: ['*'],
        routes: [{ name: 'local', match: { prefix: '/' }, route: { cluster: ingressClusterName(meshName, nodeName, protocol, port), ...routeTimeouts(timeout, 'envoy') } }],
      },
    ],
  };
}
