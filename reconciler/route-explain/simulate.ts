// Follows one request through a proxy's decoded Envoy resources the way Envoy (or gRPC's xDS
// client) would: listener → filter chain → HTTP connection manager → route configuration →
// virtual host → first matching route → action (rewrites, weighted clusters, timeouts, retries),
// and on into the proxy's own listener again when a cluster loops back (the gateway's stage two).
import type { Json } from '../../provider/envoy/proto-codec';
import { decodeMessage } from '../../provider/envoy/proto-codec';
import { ProxySnapshot, TYPE_URLS } from '../../provider/envoy/snapshot';
import { percentages } from '../../provider/graph/match-summary';
import { describeRouteMatch, MatchRequest, normalizePath, regexReplaceAll, routeMatches } from './envoy-matchers';
import { ExplainRequest } from './request';

/** A proxy's resources in readable form (proto field names), by name. */
export interface DecodedSnapshot {
  listeners: Map<string, Json>;
  routeConfigs: Map<string, Json>;
  clusters: Map<string, Json>;
}

export function decodeSnapshot(snapshot: ProxySnapshot): DecodedSnapshot {
  const decode = (typeUrl: string) => new Map([...(snapshot.resources.get(typeUrl as never) ?? new Map())].map(([name, r]) => [name, decodeMessage(typeUrl, r.bytes)]));
  return { listeners: decode(TYPE_URLS.listener), routeConfigs: decode(TYPE_URLS.routeConfiguration), clusters: decode(TYPE_URLS.cluster) };
}

/** The request as it reaches one hop (after earlier rewrites). */
export interface HopRequest extends MatchRequest {
  port: number;
}

export interface CandidateRoute {
  name: string;
  match: string;
  matched: boolean;
  reason?: string;
}

export interface WeightedCluster {
  name: string;
  weight: number;
  share: string;
}

export interface RetryPolicyView {
  retryOn: string;
  numRetries: number;
  perTryTimeout?: string;
  retriableStatusCodes?: number[];
}

export interface RouteActionView {
  clusters: WeightedCluster[];
  /** Envoy `timeout` (per request, 15 s when unset); `0s` disables it. */
  timeout?: string;
  idleTimeout?: string;
  /** gRPC clients: `max_stream_duration` (the per-call deadline the client applies). */
  maxStreamDuration?: string;
  retryPolicy?: RetryPolicyView;
  hostRewrite?: string;
  pathRewrite?: { from: string; to: string; rule: string };
  headersAdded: Array<{ name: string; value: string }>;
  headersRemoved: string[];
}

export type HopStage = 'egress' | 'gateway-listener' | 'gateway-egress' | 'api-listener';

export interface Hop {
  stage: HopStage;
  listener: string;
  filterChain?: string;
  routeConfig?: string;
  request: HopRequest;
  virtualHost?: { name: string; domains: string[]; matchedDomain: string };
  candidates: CandidateRoute[];
  route?: { name: string; match: string; action: RouteActionView };
  /** A TCP filter chain: no HTTP routing, straight to these clusters. */
  tcp?: { clusters: WeightedCluster[]; idleTimeout?: string };
}

export type Outcome = 'routed' | 'tcp' | 'passthrough' | 'no-listener' | 'no-filter-chain' | 'no-route-config' | 'no-virtual-host' | 'no-route';

export interface Simulation {
  hops: Hop[];
  outcome: Outcome;
  /** What the client sees when the request is not routed, in Envoy's own terms. */
  problem?: string;
}

/** `15s`, `2.5s`, `300ms`, `0s (disabled)` from a decoded google.protobuf.Duration. */
export function formatDuration(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const d = value as { seconds?: number | string; nanos?: number };
  const ms = Number(d.seconds ?? 0) * 1000 + Math.round(Number(d.nanos ?? 0) / 1e6);
  if (ms === 0) return '0s (disabled)';
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return ms < 1000 ? `${ms}ms` : `${ms / 1000}s`;
}

function weighted(list: Array<{ name: string; weight: number }>): WeightedCluster[] {
  const shares = percentages(list.map((c) => c.weight));
  return list.map((c, i) => ({ name: c.name, weight: c.weight, share: shares[i] }));
}

function clustersOf(action: Json): WeightedCluster[] {
  if (typeof action.cluster === 'string') return weighted([{ name: action.cluster, weight: 1 }]);
  const clusters = ((action.weighted_clusters as Json | undefined)?.clusters as Json[] | undefined) ?? [];
  return weighted(clusters.map((c) => ({ name: c.name as string, weight: Number((c.weight as Json | undefined)?.value ?? 0) })));
}

function retryView(policy: Json | undefined): RetryPolicyView | undefined {
  if (!policy) return undefined;
  const view: RetryPolicyView = { retryOn: (policy.retry_on as string) ?? '', numRetries: Number((policy.num_retries as Json | undefined)?.value ?? 1) };
  const perTry = formatDuration(policy.per_try_timeout);
  if (perTry) view.perTryTimeout = perTry;
  if (Array.isArray(policy.retriable_status_codes)) view.retriableStatusCodes = policy.retriable_status_codes as number[];
  return view;
}

/** Envoy's virtual host selection: exact domain, then the longest `*.suffix`, then the longest `prefix*`, then `*`. */
export function selectVirtualHost(hosts: readonly Json[], authority: string): { host: Json; domain: string } | undefined {
  const host = authority.toLowerCase();
  const all = hosts.flatMap((h) => ((h.domains as string[] | undefined) ?? []).map((d) => ({ h, d: d.toLowerCase() })));
  const exact = all.find((e) => e.d === host);
  if (exact) return { host: exact.h, domain: exact.d };
  const suffix = all.filter((e) => e.d.startsWith('*') && e.d.length > 1 && host.endsWith(e.d.slice(1)) && host.length > e.d.length - 1).sort((a, b) => b.d.length - a.d.length)[0];
  if (suffix) return { host: suffix.h, domain: suffix.d };
  const prefix = all.filter((e) => e.d.endsWith('*') && e.d.length > 1 && host.startsWith(e.d.slice(0, -1)) && host.length > e.d.length - 1).sort((a, b) => b.d.length - a.d.length)[0];
  if (prefix) return { host: prefix.h, domain: prefix.d };
  const any = all.find((e) => e.d === '*');
  return any ? { host: any.h, domain: '*' } : undefined;
}

function portOf(listener: Json): number | undefined {
  return ((listener.address as Json | undefined)?.socket_address as Json | undefined)?.port_value as number | undefined;
}

interface ChainChoice {
  chain?: Json;
  isDefault: boolean;
}

/** Envoy's filter chain match, in its order: destination port, then server name (SNI), then transport protocol. */
export function selectFilterChain(listener: Json, request: HopRequest): ChainChoice {
  const chains = (listener.filter_chains as Json[] | undefined) ?? [];
  const m = (c: Json) => (c.filter_chain_match as Json | undefined) ?? {};
  const portOfChain = (c: Json) => (m(c).destination_port as Json | undefined)?.value as number | undefined;
  let candidates = chains.filter((c) => portOfChain(c) === request.port);
  if (!candidates.length) candidates = chains.filter((c) => portOfChain(c) === undefined);
  const tls = request.scheme === 'https';
  const sni = tls ? request.authority.replace(/:\d+$/, '') : undefined;
  const names = (c: Json) => (m(c).server_names as string[] | undefined) ?? [];
  const byName =
    candidates.filter((c) => sni !== undefined && names(c).includes(sni)).length > 0
      ? candidates.filter((c) => sni !== undefined && names(c).includes(sni))
      : candidates.filter((c) => sni !== undefined && names(c).some((n) => n.startsWith('*.') && sni.endsWith(n.slice(1)))).length > 0
        ? candidates.filter((c) => sni !== undefined && names(c).some((n) => n.startsWith('*.') && sni.endsWith(n.slice(1))))
        : candidates.filter((c) => names(c).length === 0);
  const protocol = tls ? 'tls' : 'raw_buffer';
  const exactProtocol = byName.filter((c) => m(c).transport_protocol === protocol);
  const chosen = exactProtocol[0] ?? byName.find((c) => m(c).transport_protocol === undefined);
  if (chosen) return { chain: chosen, isDefault: false };
  const fallback = listener.default_filter_chain as Json | undefined;
  return fallback ? { chain: fallback, isDefault: true } : { isDefault: false };
}

function networkFilter(chain: Json, suffix: string): Json | undefined {
  const filter = ((chain.filters as Json[] | undefined) ?? []).find((f) => ((f.typed_config as Json | undefined)?.['@type'] as string | undefined)?.endsWith(suffix));
  return filter?.typed_config as Json | undefined;
}

function tcpClusters(tcp: Json): WeightedCluster[] {
  if (typeof tcp.cluster === 'string') return weighted([{ name: tcp.cluster, weight: 1 }]);
  const clusters = ((tcp.weighted_clusters as Json | undefined)?.clusters as Json[] | undefined) ?? [];
  return weighted(clusters.map((c) => ({ name: c.name as string, weight: Number(c.weight ?? 0) })));
}

/** The loopback port a STATIC cluster sends to, when it points back into this proxy's own listener. */
function loopbackPort(snapshot: DecodedSnapshot, clusterName: string): number | undefined {
  const cluster = snapshot.clusters.get(clusterName);
  if (!cluster || cluster.type !== 'STATIC') return undefined;
  const endpoints = ((cluster.load_assignment as Json | undefined)?.endpoints as Json[] | undefined) ?? [];
  const address = (((endpoints[0]?.lb_endpoints as Json[] | undefined)?.[0]?.endpoint as Json | undefined)?.address as Json | undefined)?.socket_address as Json | undefined;
  if (address?.address !== '127.0.0.1' && address?.address !== '::1') return undefined;
  const port = address.port_value as number;
  return [...snapshot.listeners.values()].some((l) => portOf(l) === port) ? port : undefined;
}

/** Applies a route's rewrites and header changes: the request as the next hop sees it. */
function forward(request: HopRequest, route: Json, host: Json, action: RouteActionView, matchedPrefix: string | undefined): HopRequest {
  const next: HopRequest = { ...request, headers: { ...request.headers } };
  const routeAction = route.route as Json;
  if (typeof routeAction.host_rewrite_literal === 'string') {
    next.authority = routeAction.host_rewrite_literal;
    action.hostRewrite = routeAction.host_rewrite_literal;
  }
  const regexRewrite = routeAction.regex_rewrite as Json | undefined;
  if (regexRewrite) {
    const pattern = (regexRewrite.pattern as Json).regex as string;
    const substitution = (regexRewrite.substitution as string | undefined) ?? '';
    next.path = regexReplaceAll(pattern, request.path, substitution);
    action.pathRewrite = { from: request.path, to: next.path, rule: `regex /${pattern}/ → ${JSON.stringify(substitution)}` };
  } else if (typeof routeAction.prefix_rewrite === 'string' && matchedPrefix !== undefined) {
    next.path = routeAction.prefix_rewrite + request.path.slice(matchedPrefix.length);
    action.pathRewrite = { from: request.path, to: next.path, rule: `prefix ${matchedPrefix} → ${routeAction.prefix_rewrite}` };
  }
  for (const add of (route.request_headers_to_add as Json[] | undefined) ?? []) {
    const header = add.header as Json;
    const name = (header.key as string).toLowerCase();
    const value = (header.value as string | undefined) ?? '';
    const append = add.append_action === 'APPEND_IF_EXISTS_OR_ADD' || (add.append_action === undefined && (add.append as Json | undefined)?.value !== false);
    next.headers[name] = append && next.headers[name] !== undefined ? `${next.headers[name]},${value}` : value;
    action.headersAdded.push({ name, value });
  }
  for (const name of [...((route.request_headers_to_remove as string[] | undefined) ?? []), ...((host.request_headers_to_remove as string[] | undefined) ?? [])]) {
    delete next.headers[name.toLowerCase()];
    action.headersRemoved.push(name.toLowerCase());
  }
  return next;
}

const MAX_HOPS = 4;

/** Routes a request through an HTTP connection manager's route table (one hop). */
function routeHop(snapshot: DecodedSnapshot, hop: Hop, hcm: Json, flavour: 'envoy' | 'grpc'): { outcome?: Outcome; problem?: string; next?: HopRequest; nextPort?: number } {
  const rdsName = (hcm.rds as Json | undefined)?.route_config_name as string | undefined;
  hop.routeConfig = rdsName;
  const config = rdsName !== undefined ? snapshot.routeConfigs.get(rdsName) : undefined;
  if (!config) return { outcome: 'no-route-config', problem: `the route configuration ${rdsName ?? '(none)'} is not in the proxy's configuration; the listener waits for it and answers nothing` };
  if (flavour === 'envoy') {
    hop.request.path = normalizePath(hop.request.path, { normalize: (hcm.normalize_path as Json | undefined)?.value === true, mergeSlashes: hcm.merge_slashes === true });
  }
  const hosts = (config.virtual_hosts as Json[] | undefined) ?? [];
  const selected = selectVirtualHost(hosts, hop.request.authority);
  if (!selected) {
    const domains = hosts.flatMap((h) => (h.domains as string[] | undefined) ?? []);
    return {
      outcome: 'no-virtual-host',
      problem:
        flavour === 'grpc'
          ? `no virtual host of ${rdsName} serves ${hop.request.authority}; the call fails with UNAVAILABLE`
          : `no virtual host of ${rdsName} serves Host ${hop.request.authority}: Envoy answers 404 (NR). Domains served on this port: ${domains.join(', ') || 'none'}`,
    };
  }
  hop.virtualHost = { name: selected.host.name as string, domains: (selected.host.domains as string[] | undefined) ?? [], matchedDomain: selected.domain };
  let chosen: Json | undefined;
  for (const route of (selected.host.routes as Json[] | undefined) ?? []) {
    const match = (route.match as Json | undefined) ?? {};
    if (chosen) {
      hop.candidates.push({ name: (route.name as string) ?? '', match: describeRouteMatch(match), matched: false, reason: 'not reached: an earlier route matched' });
      continue;
    }
    const result = routeMatches(match, hop.request);
    hop.candidates.push({ name: (route.name as string) ?? '', match: describeRouteMatch(match), matched: result.matched, ...(result.reason ? { reason: result.reason } : {}) });
    if (result.matched) chosen = route;
  }
  if (!chosen) {
    return {
      outcome: 'no-route',
      problem:
        flavour === 'grpc'
          ? 'no route of the virtual host matches; the call fails with UNAVAILABLE ("No matching route found")'
          : 'no route of the virtual host matches: Envoy answers 404 (NR, "route not found"); App Mesh users often see it as a 404 or 503 from the client side',
    };
  }
  const routeAction = (chosen.route as Json | undefined) ?? {};
  const action: RouteActionView = { clusters: clustersOf(routeAction), headersAdded: [], headersRemoved: [] };
  const timeout = formatDuration(routeAction.timeout);
  if (flavour === 'envoy') action.timeout = timeout ?? '15s (Envoy default)';
  const idle = formatDuration(routeAction.idle_timeout);
  if (idle) action.idleTimeout = idle;
  const maxStream = formatDuration((routeAction.max_stream_duration as Json | undefined)?.max_stream_duration);
  if (maxStream) action.maxStreamDuration = maxStream;
  const retry = retryView(routeAction.retry_policy as Json | undefined);
  if (retry) action.retryPolicy = retry;
  const match = (chosen.match as Json | undefined) ?? {};
  const next = forward(hop.request, chosen, selected.host, action, typeof match.prefix === 'string' ? match.prefix : match.path === undefined && match.safe_regex === undefined ? '' : undefined);
  hop.route = { name: (chosen.name as string) ?? '', match: describeRouteMatch(match), action };
  const loop = action.clusters.length === 1 ? loopbackPort(snapshot, action.clusters[0].name) : undefined;
  if (loop !== undefined) return { next: { ...next, port: loop }, nextPort: loop };
  return { outcome: 'routed' };
}

function listenerHop(snapshot: DecodedSnapshot, listener: Json, request: HopRequest, stage: HopStage, hops: Hop[]): Simulation {
  const hop: Hop = { stage, listener: listener.name as string, request: { ...request, headers: { ...request.headers } }, candidates: [] };
  hops.push(hop);
  const choice = selectFilterChain(listener, hop.request);
  if (!choice.chain) {
    const ports = ((listener.filter_chains as Json[] | undefined) ?? [])
      .map((c) => ((c.filter_chain_match as Json | undefined)?.destination_port as Json | undefined)?.value)
      .filter((p) => p !== undefined);
    return {
      hops,
      outcome: 'no-filter-chain',
      problem: `no filter chain of ${listener.name as string} takes port ${request.port} ("No matching filter chain found"): Envoy closes the connection, which the application sees as a reset or a 503. Ports with a chain: ${[...new Set(ports)].join(', ') || 'none'}`,
    };
  }
  hop.filterChain = (choice.chain.name as string | undefined) ?? (choice.isDefault ? 'default' : undefined);
  const hcm = networkFilter(choice.chain, '.HttpConnectionManager');
  if (hcm) {
    const step = routeHop(snapshot, hop, hcm, 'envoy');
    if (step.next && step.nextPort !== undefined) {
      const next = [...snapshot.listeners.values()].find((l) => portOf(l) === step.nextPort);
      if (next && hops.length < MAX_HOPS) return listenerHop(snapshot, next, step.next, 'gateway-egress', hops);
    }
    return { hops, outcome: step.outcome ?? 'routed', ...(step.problem ? { problem: step.problem } : {}) };
  }
  const tcp = networkFilter(choice.chain, '.TcpProxy');
  if (tcp) {
    const clusters = tcpClusters(tcp);
    hop.tcp = { clusters, ...(formatDuration(tcp.idle_timeout) ? { idleTimeout: formatDuration(tcp.idle_timeout) } : {}) };
    const passthrough = clusters.length === 1 && snapshot.clusters.get(clusters[0].name)?.type === 'ORIGINAL_DST';
    return { hops, outcome: passthrough ? 'passthrough' : 'tcp' };
  }
  return { hops, outcome: 'no-filter-chain', problem: `the filter chain ${hop.filterChain ?? ''} of ${listener.name as string} has no HTTP or TCP proxy filter` };
}

/** A sidecar's outbound request: the app's connection is redirected into the egress listener, keeping its original port. */
export function simulateSidecar(snapshot: DecodedSnapshot, request: ExplainRequest): Simulation {
  const egress = [...snapshot.listeners.values()].find((l) => l.traffic_direction === 'OUTBOUND');
  if (!egress) return { hops: [], outcome: 'no-listener', problem: 'the proxy has no egress listener' };
  return listenerHop(snapshot, egress, { ...request }, 'egress', []);
}

/** A request arriving at a gateway: the listener bound to the request's port. */
export function simulateGateway(snapshot: DecodedSnapshot, request: ExplainRequest): Simulation {
  const inbound = [...snapshot.listeners.values()].filter((l) => l.traffic_direction === 'INBOUND');
  const listener = inbound.find((l) => portOf(l) === request.port);
  if (!listener) {
    const ports = inbound.map(portOf).filter((p) => p !== undefined);
    return { hops: [], outcome: 'no-listener', problem: `the gateway listens on port ${ports.join(', ') || 'no port'}, not ${request.port}: the connection is refused` };
  }
  return listenerHop(snapshot, listener, { ...request }, 'gateway-listener', []);
}

/** A proxyless gRPC client calling `xds:///<authority>`: the API listener of that name. */
export function simulateGrpcClient(snapshot: DecodedSnapshot, request: ExplainRequest): Simulation {
  const listener = snapshot.listeners.get(request.authority);
  if (!listener) {
    return {
      hops: [],
      outcome: 'no-listener',
      problem: `the client has no API listener ${request.authority} (xds:///${request.authority} fails with UNAVAILABLE: "does not exist"). It has: ${[...snapshot.listeners.keys()].join(', ') || 'none — is the service among its backends?'}`,
    };
  }
  const hop: Hop = { stage: 'api-listener', listener: request.authority, request: { ...request, headers: { ...request.headers } }, candidates: [] };
  const hcm = ((listener.api_listener as Json | undefined)?.api_listener as Json | undefined) ?? {};
  const step = routeHop(snapshot, hop, hcm, 'grpc');
  return { hops: [hop], outcome: step.outcome ?? 'routed', ...(step.problem ? { problem: step.problem } : {}) };
}
