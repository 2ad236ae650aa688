// "Where does this request go?" for one proxy of an environment: the proxy's Envoy configuration
// is translated from the model (the same EnvoyTranslator the daemon serves from), the request is
// run through it (simulate.ts), and each step is tied back to the App Mesh resources that made
// it: the Route or GatewayRoute with its priority, the virtual node behind each cluster, and the
// per-request timeout the target's own listener enforces.
import type { EnvironmentConfig } from '../../provider/environment/environment-config';
import { decodeMessage, Json } from '../../provider/envoy/proto-codec';
import { EnvoyTranslator } from '../../provider/envoy/translator';
import { EndpointSource, Flavour, ProxyIdentity, proxyKey, TYPE_URLS } from '../../provider/envoy/snapshot';
import { egressClusterName, GATEWAY_TARGET_HEADER, ingressRouteConfigName } from '../../provider/envoy/names';
import { MeshModel } from '../../provider/model/mesh-model';
import { Resource } from '../../provider/model/resource';
import { routeBodyOf } from '../../provider/rules/route-types';
import { didYouMean } from '../../provider/validate/did-you-mean';
import type { VirtualNodeSpec, VirtualServiceSpec } from '../../schemas/types';
import { routeExplainErrors } from './errors';
import { ExplainRequest } from './request';
import { decodeSnapshot, formatDuration, Hop, Outcome, simulateGateway, simulateGrpcClient, simulateSidecar } from './simulate';

const NO_ENDPOINTS: EndpointSource = { lookup: () => undefined };

export interface ExplainInput {
  model: MeshModel;
  config: EnvironmentConfig;
  /** A virtual node or gateway name, `VirtualNode/<mesh>/<name>`, `mesh/<mesh>/virtualNode/<name>` or its ARN. */
  from: string;
  mesh?: string;
  request: ExplainRequest;
  /** `envoy` (sidecar or gateway, the default) or `grpc` (a proxyless gRPC client with this identity). */
  flavour?: Flavour;
  endpoints?: EndpointSource;
  /** A translator already holding the model (the daemon's); otherwise one is made. */
  translator?: EnvoyTranslator;
}

/** Which App Mesh resource a chosen Envoy route comes from. */
export type RouteSource =
  | { kind: 'Route' | 'GatewayRoute'; key: string; name: string; parent: string; priority?: number; file: string; retryPolicy: 'route' | 'default' | 'none' }
  | { kind: 'provider-node'; virtualService: string; virtualNode: string; retryPolicy: 'default' | 'none' };

export interface ClusterTarget {
  cluster: string;
  weight: number;
  share: string;
  virtualNode?: string;
  port?: number;
  protocol?: string;
  /** The per-request timeout of the target listener's own ingress route (App Mesh: the listener timeout). */
  targetTimeout?: string;
  /** How the proxy finds the target's instances. */
  discovery?: string;
}

export interface ExplainedHop extends Hop {
  /** The virtual service this hop routes to (from the virtual host or the gateway's target header). */
  virtualService?: string;
  source?: RouteSource;
  targets?: ClusterTarget[];
}

export interface RouteExplanation {
  proxy: ProxyIdentity & { key: string };
  flavour: Flavour;
  request: ExplainRequest;
  hops: ExplainedHop[];
  outcome: Outcome;
  problem?: string;
  /** Hints about the usual causes (missing backend, listener timeout shorter than the route's). */
  notes: string[];
}

/** The proxy `--from` names; usage errors name what exists. */
export function resolveProxy(model: MeshModel, from: string, environment: string, mesh?: string): ProxyIdentity {
  const proxies = [...model.list('VirtualNode'), ...model.list('VirtualGateway')].filter((r) => mesh === undefined || r.identity.meshName === mesh);
  const identity = (r: Resource): ProxyIdentity => ({ kind: r.kind as ProxyIdentity['kind'], meshName: r.identity.meshName, name: r.identity.name });
  const path = /(?:^|:)mesh\/([^/]+)\/(virtualNode|virtualGateway)\/([^/]+)$/.exec(from);
  const key = /^(VirtualNode|VirtualGateway)\/([^/]+)\/([^/]+)$/.exec(from);
  const wanted = path
    ? { kind: path[2] === 'virtualNode' ? 'VirtualNode' : 'VirtualGateway', meshName: path[1], name: path[3] }
    : key
      ? { kind: key[1], meshName: key[2], name: key[3] }
      : undefined;
  const matches = proxies.filter((r) => (wanted ? r.kind === wanted.kind && r.identity.meshName === wanted.meshName && r.identity.name === wanted.name : r.identity.name === from));
  if (matches.length === 1) return identity(matches[0]);
  if (matches.length > 1) throw routeExplainErrors.ambiguousProxy(from, matches.map((r) => r.key));
  const names = proxies.map((r) => r.identity.name);
  throw routeExplainErrors.unknownProxy(from, environment, proxies.map((r) => r.key), didYouMean(wanted?.name ?? from, names));
}

function spec<T>(resource: Resource | undefined): T | undefined {
  return (resource?.doc as { spec?: T } | undefined)?.spec;
}

/** `serviceb.apps.local:80` → the virtual service name (a virtual host or gateway target). */
function serviceOf(name: string | undefined): string | undefined {
  return name?.replace(/:\d+$/, '');
}

function sourceOf(model: MeshModel, proxy: ProxyIdentity, hop: Hop, virtualService: string | undefined): RouteSource | undefined {
  if (!hop.route) return undefined;
  const meshName = proxy.meshName;
  if (hop.stage === 'gateway-listener') {
    const resource = model.get('GatewayRoute', meshName, hop.route.name, proxy.name);
    if (!resource) return undefined;
    // Stage one never retries: the target's route (stage two) carries the retry policy.
    return { kind: 'GatewayRoute', key: resource.key, name: resource.identity.name, parent: proxy.name, priority: spec<{ priority?: number }>(resource)?.priority, file: resource.source.file, retryPolicy: 'none' };
  }
  const provider = virtualService ? spec<VirtualServiceSpec>(model.get('VirtualService', meshName, virtualService))?.provider : undefined;
  const retry = hop.route.action.retryPolicy ? 'default' : 'none';
  if (provider?.virtualNode) return { kind: 'provider-node', virtualService: virtualService!, virtualNode: provider.virtualNode.virtualNodeName, retryPolicy: retry };
  const router = provider?.virtualRouter?.virtualRouterName;
  const resource = router ? model.get('Route', meshName, hop.route.name, router) : undefined;
  if (!resource || !router) return undefined;
  const body = routeBodyOf(spec(resource));
  const hasOwn = Boolean(body && (body.body as { retryPolicy?: unknown }).retryPolicy);
  return {
    kind: 'Route',
    key: resource.key,
    name: resource.identity.name,
    parent: router,
    priority: spec<{ priority?: number }>(resource)?.priority,
    file: resource.source.file,
    retryPolicy: hasOwn ? 'route' : hop.route.action.retryPolicy ? 'default' : 'none',
  };
}

interface ClusterOwner {
  virtualNode: string;
  port: number;
  protocol: string;
}

function clusterOwners(model: MeshModel, meshName: string): Map<string, ClusterOwner> {
  const owners = new Map<string, ClusterOwner>();
  for (const node of model.inMesh('VirtualNode', meshName)) {
    for (const listener of spec<VirtualNodeSpec>(node)?.listeners ?? []) {
      const { port, protocol } = listener.portMapping;
      owners.set(egressClusterName(meshName, node.identity.name, protocol, port), { virtualNode: node.identity.name, port, protocol });
    }
  }
  return owners;
}

function discoveryOf(cluster: Json | undefined): string | undefined {
  if (!cluster) return undefined;
  const type = (cluster.type as string | undefined) ?? (cluster.eds_cluster_config ? 'EDS' : undefined);
  const endpoints = ((cluster.load_assignment as Json | undefined)?.endpoints as Json[] | undefined) ?? [];
  const address = ((((endpoints[0]?.lb_endpoints as Json[] | undefined)?.[0]?.endpoint as Json | undefined)?.address as Json | undefined)?.socket_address as Json | undefined);
  if (address) return `${type ?? 'STATIC'} ${address.address as string}:${address.port_value as number}`;
  return type ?? (cluster.eds_cluster_config !== undefined ? 'EDS' : undefined);
}

export function explainRoute(input: ExplainInput): RouteExplanation {
  const flavour = input.flavour ?? 'envoy';
  const proxy = resolveProxy(input.model, input.from, input.config.name, input.mesh);
  const translator = input.translator ?? new EnvoyTranslator();
  if (!input.translator) translator.update(input.model, input.config, input.endpoints ?? NO_ENDPOINTS);
  const snapshot = translator.snapshot(proxy, flavour);
  const decoded = decodeSnapshot(snapshot!);
  const notes: string[] = [];
  const request = { ...input.request };
  if (proxy.kind === 'VirtualGateway' && flavour === 'envoy' && !request.explicitPort) {
    const ports = [...decoded.listeners.values()].filter((l) => l.traffic_direction === 'INBOUND').map((l) => ((l.address as Json).socket_address as Json).port_value as number);
    if (ports.length === 1 && ports[0] !== request.port) {
      notes.push(`the URL names no port; assuming the gateway's only listener port ${ports[0]}`);
      request.port = ports[0];
    }
  }
  const simulation = flavour === 'grpc' ? simulateGrpcClient(decoded, request) : proxy.kind === 'VirtualGateway' ? simulateGateway(decoded, request) : simulateSidecar(decoded, request);
  const owners = clusterOwners(input.model, proxy.meshName);
  const hops: ExplainedHop[] = simulation.hops.map((hop) => {
    const targetHeader = hop.stage === 'gateway-egress' ? hop.request.headers[GATEWAY_TARGET_HEADER] : undefined;
    const virtualService = hop.stage === 'gateway-listener' ? undefined : serviceOf(targetHeader ?? (hop.virtualHost?.name !== 'gateway_targets' ? hop.virtualHost?.name : undefined));
    const explained: ExplainedHop = { ...hop, ...(virtualService ? { virtualService } : {}) };
    if (targetHeader !== undefined) narrowToTarget(explained, targetHeader);
    const source = sourceOf(input.model, proxy, hop, virtualService);
    if (source) explained.source = source;
    const clusters = hop.route?.action.clusters ?? hop.tcp?.clusters;
    if (clusters && hop.stage !== 'gateway-listener') explained.targets = clusters.map((c) => target(c, owners, decoded.clusters.get(c.name), translator, proxy.meshName));
    return explained;
  });
  notes.push(...hints(input.model, proxy, hops, simulation.outcome, request, flavour));
  return { proxy: { ...proxy, key: proxyKey(proxy) }, flavour, request: input.request, hops, outcome: simulation.outcome, ...(simulation.problem ? { problem: simulation.problem } : {}), notes };
}

/**
 * Stage two of a gateway holds the routes of every target; only those of the target stage one
 * chose can match, so the others are left out and the internal target header is not shown.
 */
function narrowToTarget(hop: ExplainedHop, target: string): void {
  const condition = `, ${GATEWAY_TARGET_HEADER} = ${JSON.stringify(target)}`;
  const strip = (match: string) => match.replace(condition, '');
  hop.candidates = hop.candidates.filter((c) => c.match.includes(condition)).map((c) => ({ ...c, match: strip(c.match) }));
  if (hop.route) hop.route = { ...hop.route, match: strip(hop.route.match) };
}

function target(c: { name: string; weight: number; share: string }, owners: Map<string, ClusterOwner>, cluster: Json | undefined, translator: EnvoyTranslator, meshName: string): ClusterTarget {
  const owner = owners.get(c.name);
  const out: ClusterTarget = { cluster: c.name, weight: c.weight, share: c.share };
  const discovery = discoveryOf(cluster);
  if (discovery) out.discovery = discovery;
  if (!owner) return out;
  Object.assign(out, owner);
  // The target's sidecar applies its listener's timeout to every request it receives.
  const server = translator.snapshot({ kind: 'VirtualNode', meshName, name: owner.virtualNode }, 'envoy');
  const ingress = server?.resources.get(TYPE_URLS.routeConfiguration)?.get(ingressRouteConfigName(owner.protocol, owner.port));
  if (ingress) {
    const config = decodeMessage(TYPE_URLS.routeConfiguration, ingress.bytes);
    const route = ((config.virtual_hosts as Json[] | undefined)?.[0]?.routes as Json[] | undefined)?.[0]?.route as Json | undefined;
    const timeout = formatDuration(route?.timeout);
    if (timeout) out.targetTimeout = timeout;
  }
  return out;
}

function seconds(text: string | undefined): number | undefined {
  if (!text) return undefined;
  if (text.startsWith('0s')) return Number.POSITIVE_INFINITY;
  const ms = /^(\d+(?:\.\d+)?)ms$/.exec(text);
  if (ms) return Number(ms[1]) / 1000;
  const s = /^(\d+(?:\.\d+)?)s/.exec(text);
  return s ? Number(s[1]) : undefined;
}

/** The usual reasons behind a 404/503 or a timeout that "does not apply", in App Mesh terms. */
function hints(model: MeshModel, proxy: ProxyIdentity, hops: readonly ExplainedHop[], outcome: Outcome, request: ExplainRequest, flavour: Flavour): string[] {
  const notes: string[] = [];
  const last = hops[hops.length - 1];
  if ((outcome === 'no-virtual-host' || outcome === 'no-filter-chain' || outcome === 'no-listener') && proxy.kind === 'VirtualNode') {
    const host = serviceOf(request.authority)!;
    const service = model.get('VirtualService', proxy.meshName, host);
    const backends = (spec<VirtualNodeSpec>(model.get('VirtualNode', proxy.meshName, proxy.name))?.backends ?? []).map((b) => b.virtualService?.virtualServiceName);
    if (service && !backends.includes(host)) notes.push(`virtual service ${host} exists but is not a backend of ${proxy.name}: add it to spec.backends of VirtualNode ${proxy.name}`);
    else if (!service) notes.push(`mesh ${proxy.meshName} has no virtual service named ${host}${flavour === 'envoy' ? '; with egressFilter DROP_ALL the request cannot leave the mesh' : ''}`);
    else if (outcome === 'no-filter-chain') notes.push(`${host} is a backend, but no provider listener is on port ${request.port}: call the port its router or node listens on`);
  }
  for (const hop of hops) {
    const routeSeconds = seconds(hop.route?.action.timeout);
    for (const t of hop.targets ?? []) {
      const targetSeconds = seconds(t.targetTimeout);
      if (routeSeconds !== undefined && targetSeconds !== undefined && targetSeconds < routeSeconds) {
        notes.push(
          `the route allows ${hop.route!.action.timeout} but ${t.virtualNode}'s listener ${t.protocol}:${t.port} ends requests after ${t.targetTimeout}: the shorter one wins. Set timeout.${t.protocol}.perRequest on that listener too.`,
        );
      }
    }
  }
  if (last?.source?.kind === 'provider-node') {
    notes.push(`virtual service ${last.source.virtualService} is provided by virtual node ${last.source.virtualNode} directly: no route of yours applies, only the listener timeout and App Mesh's default retry policy; put a virtual router in front to set them per route`);
  }
  return notes;
}
