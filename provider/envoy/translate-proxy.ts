// One proxy's Envoy resources from the model: a pure function of the model, the environment,
// the endpoint source and the secret source. Pieces shared between proxies come from the
// fragment cache and the resource pool, so they are built and encoded once.
import type { ClientPolicyTls, ListenerTls, VirtualGatewaySpec, VirtualNodeSpec } from '../../schemas/types';
import type { EnvironmentConfig } from '../environment/environment-config';
import { MeshModel } from '../model/mesh-model';
import { accessLogs } from './access-log';
import { egressCluster, EgressTarget, egressTargetClusterName, ingressCluster, originalDestinationCluster, selfRedirectCluster } from './clusters';
import { discoveryName, ipPreferenceOf } from './discovery';
import { FragmentCache } from './fragment-cache';
import { gatewayRouteConfig, targetHeaderMatcher, targetKey } from './gateway-routes';
import { apiListener, filterChains, httpConnectionManager, listener, tcpProxy } from './listeners';
import { Found, MeshView } from './mesh-view';
import {
  amazonawsClusterName,
  apiListenerName,
  apiRouteConfigName,
  EGRESS_LISTENER,
  EGRESS_PORT,
  egressRouteConfigName,
  GATEWAY_TARGET_HEADER,
  gatewayListenerName,
  INGRESS_LISTENER,
  INGRESS_PORT,
  ingressRouteConfigName,
  passthroughClusterName,
  selfRedirectClusterName,
  statPrefix,
} from './names';
import { EncodedPart, encodePart, Json, ResourcePool } from './proto-codec';

const VIRTUAL_HOST = 'envoy.config.route.v3.VirtualHost';
import { tcpIdleTimeout } from './retry-timeouts';
import { ingressRouteConfig, isHttpFamily, ServicePort, servicePorts, serviceRoutes, serviceVirtualHost } from './routes';
import { EncodedResource, EndpointSource, Flavour, ProxyIdentity, ProxySnapshot, TYPE_URLS, TypeUrl } from './snapshot';
import { AdsSecrets, downstreamTls, upstreamTls } from './tls';

/** Certificate material for the SDS secrets that ACM sources map to (provided by the operator). */
export interface SecretMaterial {
  certificateChain?: string;
  privateKey?: string;
  trustedCa?: string;
}

export interface SecretSource {
  lookup(name: string): SecretMaterial | undefined;
}

export interface TranslationContext {
  view: MeshView;
  pool: ResourcePool;
  fragments: FragmentCache;
  secrets?: SecretSource;
  /**
   * Model keys changed since the translation the proxies' own parts (ProxyParts) come from; a part
   * that read none of them is reused. Undefined: nothing is reused.
   */
  changed?: ReadonlySet<string>;
}

/** A piece of one proxy's resources that no other proxy has, with the keys it read. */
export interface ProxyPart {
  resources: EncodedResource[];
  secrets: readonly string[];
  reads: readonly string[];
}

/** What the previous translation of a proxy kept to reuse (its ingress: listener, clusters, route tables). */
export interface ProxyParts {
  ingress?: ProxyPart;
}

export function createTranslationContext(
  model: MeshModel,
  config: EnvironmentConfig,
  endpoints: EndpointSource,
  options: { secrets?: SecretSource; pool?: ResourcePool; fragments?: FragmentCache } = {},
): TranslationContext {
  return {
    view: new MeshView(model, config, endpoints),
    pool: options.pool ?? new ResourcePool(),
    fragments: options.fragments ?? new FragmentCache(),
    secrets: options.secrets,
  };
}

/** Resources of one snapshot by type and name; the first resource of a name wins. */
class ResourceSet {
  private readonly byType = new Map<TypeUrl, Map<string, EncodedResource>>();

  add(resource: EncodedResource | undefined): void {
    if (!resource) return;
    let named = this.byType.get(resource.typeUrl);
    if (!named) this.byType.set(resource.typeUrl, (named = new Map()));
    if (!named.has(resource.name)) named.set(resource.name, resource);
  }

  snapshot(proxy: ProxyIdentity, flavour: Flavour): ProxySnapshot {
    return { proxy, flavour, resources: this.byType };
  }

  /** Every resource: by type, each type's in the order added. */
  list(): EncodedResource[] {
    return [...this.byType.values()].flatMap((named) => [...named.values()]);
  }
}

interface ClusterFragment {
  cluster: EncodedResource;
  loadAssignment?: EncodedResource;
  secrets: string[];
}

/** A client's cluster (and endpoints) for one backend listener; shared by every client with the same TLS policy. */
function clusterFragment(ctx: TranslationContext, target: EgressTarget, flavour: Flavour, policy: ClientPolicyTls | undefined): ClusterFragment {
  const { view, pool } = ctx;
  const port = target.listener.portMapping.port;
  const policyKey = flavour === 'envoy' && policy ? JSON.stringify(policy) : '';
  return ctx.fragments.get(view, `cluster|${flavour}|${target.node.key}|${port}|${policyKey}`, () => {
    const node = view.virtualNode(target.meshName, target.node.name) ?? target.node;
    const fresh: EgressTarget = { meshName: target.meshName, node, listener: node.spec.listeners?.find((l) => l.portMapping.port === port) ?? target.listener };
    const secrets: AdsSecrets = new Set();
    const tls =
      flavour === 'envoy'
        ? upstreamTls({ policy, port, serverTls: fresh.listener.tls as ListenerTls | undefined, discoveryName: discoveryName(node.spec) }, secrets)
        : undefined;
    const built = egressCluster(view, fresh, flavour, tls);
    const name = egressTargetClusterName(fresh);
    return {
      cluster: pool.encode(TYPE_URLS.cluster, name, built.cluster),
      loadAssignment: built.loadAssignment && pool.encode(TYPE_URLS.clusterLoadAssignment, name, built.loadAssignment),
      secrets: [...secrets],
    };
  });
}

interface ServiceFragment {
  port: ServicePort;
  virtualHost?: EncodedPart;
  tcp?: ReturnType<typeof serviceRoutes>['tcp'];
  targets: EgressTarget[];
}

/** What a client needs for each port of a virtual service; shared by every client of the service. */
function serviceFragments(ctx: TranslationContext, meshName: string, virtualService: string, flavour: Flavour): ServiceFragment[] {
  const { view } = ctx;
  return ctx.fragments.get(view, `service|${flavour}|${meshName}|${virtualService}`, () =>
    servicePorts(view, meshName, virtualService).map((sp) => {
      const routes = serviceRoutes(view, sp, flavour);
      return {
        port: sp,
        virtualHost: isHttpFamily(sp.protocol) ? encodePart(VIRTUAL_HOST, serviceVirtualHost(sp, routes.routes)) : undefined,
        tcp: routes.tcp,
        targets: routes.targets,
      };
    }),
  );
}

function addClusters(ctx: TranslationContext, set: ResourceSet, secrets: AdsSecrets, targets: readonly EgressTarget[], flavour: Flavour, policy: ClientPolicyTls | undefined): void {
  for (const target of targets) {
    const fragment = clusterFragment(ctx, target, flavour, policy);
    set.add(fragment.cluster);
    set.add(fragment.loadAssignment);
    for (const name of fragment.secrets) secrets.add(name);
  }
}

function addSecrets(ctx: TranslationContext, set: ResourceSet, secrets: AdsSecrets): void {
  for (const name of [...secrets].sort()) {
    const material = ctx.secrets?.lookup(name);
    if (!material) continue; // Envoy waits for it (the listener or cluster warms) until the operator provides it.
    const secret: Json = { name };
    if (material.trustedCa !== undefined) secret.validation_context = { trusted_ca: { inline_string: material.trustedCa } };
    else secret.tls_certificate = { certificate_chain: { inline_string: material.certificateChain ?? '' }, private_key: { inline_string: material.privateKey ?? '' } };
    set.add(ctx.pool.encode(TYPE_URLS.secret, name, secret));
  }
}

const NO_SECRETS: readonly string[] = [];

/** The node's ingress, reused from its previous translation when nothing it read changed. */
function addIngressPart(ctx: TranslationContext, set: ResourceSet, secrets: AdsSecrets, node: Found<VirtualNodeSpec>, parts: ProxyParts): void {
  const { view, changed } = ctx;
  let part = parts.ingress;
  if (part && changed && !part.reads.some((read) => changed.has(read))) view.addReads(part.reads);
  else {
    const { value, reads } = view.collect(() => {
      const built = new ResourceSet();
      const used: AdsSecrets = new Set();
      // Found again inside the collection, so the part's reads include the node.
      addIngress(ctx, built, used, view.virtualNode(node.meshName, node.name) ?? node);
      return { resources: built.list(), secrets: used.size ? [...used] : NO_SECRETS };
    });
    part = parts.ingress = { ...value, reads: [...reads] };
  }
  for (const resource of part.resources) set.add(resource);
  for (const name of part.secrets) secrets.add(name);
}

/** The ingress listener (one chain per VN listener), its route tables and local-app clusters. */
function addIngress(ctx: TranslationContext, set: ResourceSet, secrets: AdsSecrets, node: Found<VirtualNodeSpec>): void {
  const { pool, view } = ctx;
  const listeners = node.spec.listeners ?? [];
  if (!listeners.length) return; // A node with no listeners gets no ingress listener (§4.1).
  const several = listeners.length > 1;
  const accessLog = accessLogs(node.spec.logging);
  const preference = ipPreferenceOf(node.spec, view.mesh(node.meshName));
  const chains: Json[] = [];
  let permissive = false;
  for (const l of listeners) {
    const { port, protocol } = l.portMapping;
    const cluster = ingressCluster(node.meshName, node.name, l, preference);
    set.add(pool.encode(TYPE_URLS.cluster, cluster.name as string, cluster));
    const prefix = statPrefix('ingress', protocol, port, several);
    let filter: Json;
    if (isHttpFamily(protocol)) {
      const rdsName = ingressRouteConfigName(protocol, port);
      set.add(pool.encode(TYPE_URLS.routeConfiguration, rdsName, ingressRouteConfig(rdsName, node.meshName, node.name, l)));
      filter = httpConnectionManager({ statPrefix: prefix, routeConfigName: rdsName, websocket: protocol === 'http', accessLog });
    } else {
      filter = tcpProxy({ statPrefix: prefix, clusters: [{ name: cluster.name as string, weight: 1 }], idleTimeout: tcpIdleTimeout(l.timeout?.tcp), accessLog });
    }
    const tls = downstreamTls(l.tls, secrets);
    permissive ||= tls !== undefined && l.tls?.mode === 'PERMISSIVE';
    chains.push(...filterChains({ name: `ingress_${protocol}_${port}`, port, filter, tls, permissive: l.tls?.mode === 'PERMISSIVE' }));
  }
  const ingress = listener({
    name: INGRESS_LISTENER,
    port: INGRESS_PORT,
    direction: 'INBOUND',
    chains,
    originalDestination: true,
    tlsInspector: permissive,
    dualStack: preference !== undefined,
  });
  set.add(pool.encodeShared(TYPE_URLS.listener, INGRESS_LISTENER, ingress));
}

interface EgressPort {
  hosts: EncodedPart[];
  protocols: Set<string>;
  tcp?: ServiceFragment['tcp'];
}

interface EgressFragment {
  resources: EncodedResource[];
  secrets: string[];
}

/**
 * The egress listener, its route tables and clusters: built from the node's backends, backend
 * defaults and logging only, so it is shared by every node of the mesh that has the same ones
 * (a change to a service they all call is built once per distinct set of backends, not per proxy).
 */
function addEgress(ctx: TranslationContext, set: ResourceSet, secrets: AdsSecrets, node: Found<VirtualNodeSpec>): void {
  const { backends, backendDefaults, logging } = node.spec;
  const key = `egress|${node.meshName}|${JSON.stringify([backends, backendDefaults, logging])}`;
  const fragment = ctx.fragments.get(ctx.view, key, (): EgressFragment => {
    const built = new ResourceSet();
    const used: AdsSecrets = new Set();
    buildEgress(ctx, built, used, node.meshName, node.spec);
    return { resources: built.list(), secrets: [...used] };
  });
  for (const resource of fragment.resources) set.add(resource);
  for (const name of fragment.secrets) secrets.add(name);
}

/** The egress listener: a chain per destination port of the backends, then the mesh's egress filter. */
function buildEgress(ctx: TranslationContext, set: ResourceSet, secrets: AdsSecrets, meshName: string, spec: VirtualNodeSpec): void {
  const { pool, view } = ctx;
  const ports = new Map<number, EgressPort>();
  const seen = new Set<string>();
  for (const backend of spec.backends ?? []) {
    const vs = backend.virtualService;
    if (!vs || seen.has(vs.virtualServiceName)) continue;
    seen.add(vs.virtualServiceName);
    const policy = vs.clientPolicy?.tls ?? spec.backendDefaults?.clientPolicy?.tls;
    for (const fragment of serviceFragments(ctx, meshName, vs.virtualServiceName, 'envoy')) {
      const port = fragment.port.port;
      let entry = ports.get(port);
      if (!entry) ports.set(port, (entry = { hosts: [], protocols: new Set() }));
      if (fragment.virtualHost) {
        entry.hosts.push(fragment.virtualHost);
        entry.protocols.add(fragment.port.protocol);
      } else {
        entry.tcp ??= fragment.tcp; // [I] One TCP service per port: L4 cannot tell them apart (§9.2).
      }
      addClusters(ctx, set, secrets, fragment.targets, 'envoy', policy);
    }
  }
  const accessLog = accessLogs(spec.logging);
  const several = ports.size > 1;
  const chains: Json[] = [];
  for (const port of [...ports.keys()].sort((a, b) => a - b)) {
    const entry = ports.get(port)!;
    if (entry.hosts.length) {
      // [I] An HTTP service takes the port over a TCP one on the same port.
      const protocol = entry.protocols.size === 1 ? [...entry.protocols][0] : 'http';
      const rdsName = egressRouteConfigName(protocol, port);
      const hosts = [...entry.hosts].sort((a, b) => ((a.value.name as string) < (b.value.name as string) ? -1 : 1));
      set.add(pool.encodeWithParts(TYPE_URLS.routeConfiguration, rdsName, { name: rdsName }, 'virtual_hosts', hosts));
      const filter = httpConnectionManager({ statPrefix: statPrefix('egress', protocol, port, several), routeConfigName: rdsName, websocket: entry.protocols.has('http'), accessLog });
      chains.push(...filterChains({ name: `egress_${protocol}_${port}`, port, filter }));
    } else if (entry.tcp) {
      const filter = tcpProxy({ statPrefix: statPrefix('egress', 'tcp', port, several), clusters: entry.tcp.clusters, idleTimeout: entry.tcp.idleTimeout, accessLog });
      chains.push(...filterChains({ name: `egress_tcp_${port}`, port, filter }));
    }
  }
  // AWS services stay reachable under DROP_ALL (§9.1); [I] recognised by TLS SNI.
  const aws = amazonawsClusterName(meshName);
  set.add(pool.encodeShared(TYPE_URLS.cluster, aws, originalDestinationCluster(aws)));
  chains.push({
    name: 'egress_amazonaws',
    filter_chain_match: { server_names: ['*.amazonaws.com'], transport_protocol: 'tls' },
    filters: [tcpProxy({ statPrefix: 'egress.amazonaws', clusters: [{ name: aws, weight: 1 }], accessLog })],
  });
  let defaultChain: Json | undefined;
  if (view.mesh(meshName).egressFilter?.type === 'ALLOW_ALL') {
    const passthrough = passthroughClusterName(meshName);
    set.add(pool.encodeShared(TYPE_URLS.cluster, passthrough, originalDestinationCluster(passthrough)));
    defaultChain = { name: 'egress_allow_all', filters: [tcpProxy({ statPrefix: 'egress.allow_all', clusters: [{ name: passthrough, weight: 1 }], accessLog })] };
  }
  const egress = listener({ name: EGRESS_LISTENER, port: EGRESS_PORT, direction: 'OUTBOUND', chains, defaultChain, originalDestination: true, tlsInspector: true });
  set.add(pool.encodeShared(TYPE_URLS.listener, EGRESS_LISTENER, egress));
}

/** A gateway: stage one on each of its listeners, stage two on its egress listener (see gateway-routes.ts). */
function addGateway(ctx: TranslationContext, set: ResourceSet, secrets: AdsSecrets, gateway: Found<VirtualGatewaySpec>): void {
  const { pool, view } = ctx;
  const listeners = gateway.spec.listeners ?? [];
  const several = listeners.length > 1;
  const accessLog = accessLogs(gateway.spec.logging);
  const targets = new Map<string, ServicePort>();
  for (const l of listeners) {
    const { port, protocol } = l.portMapping;
    const clusterName = selfRedirectClusterName(gateway.meshName, gateway.name, protocol, port, several);
    set.add(pool.encode(TYPE_URLS.cluster, clusterName, selfRedirectCluster(clusterName, protocol, l.connectionPool)));
    const rdsName = ingressRouteConfigName(protocol, port);
    const stage = gatewayRouteConfig(view, gateway, l, rdsName, clusterName);
    set.add(pool.encode(TYPE_URLS.routeConfiguration, rdsName, stage.routeConfig));
    for (const target of stage.targets) targets.set(targetKey(target), target);
    const filter = httpConnectionManager({ statPrefix: statPrefix('ingress', protocol, port, several), routeConfigName: rdsName, websocket: protocol === 'http', accessLog });
    const tls = downstreamTls(l.tls as ListenerTls | undefined, secrets);
    const permissive = tls !== undefined && l.tls?.mode === 'PERMISSIVE';
    const name = gatewayListenerName(port);
    // Gateways listen on IPv4 and IPv6 whatever the IP preference (§4.4).
    const built = listener({ name, port, direction: 'INBOUND', chains: filterChains({ name: `ingress_${protocol}_${port}`, filter, tls, permissive }), tlsInspector: permissive, dualStack: true });
    set.add(pool.encode(TYPE_URLS.listener, name, built));
  }
  const policy = gateway.spec.backendDefaults?.clientPolicy?.tls as ClientPolicyTls | undefined;
  const routes: Json[] = [];
  for (const key of [...targets.keys()].sort()) {
    const sp = targets.get(key)!;
    const built = ctx.fragments.get(view, `gateway-target|${sp.meshName}|${key}`, () => {
      const fresh = servicePorts(view, sp.meshName, sp.virtualService).find((p) => p.port === sp.port) ?? sp;
      return serviceRoutes(view, fresh, 'envoy', [targetHeaderMatcher(fresh)]);
    });
    routes.push(...built.routes);
    addClusters(ctx, set, secrets, built.targets, 'envoy', policy);
  }
  const rdsName = egressRouteConfigName('http', EGRESS_PORT);
  const host: Json = { name: 'gateway_targets', domains: ['*'] };
  if (routes.length) host.routes = routes;
  host.request_headers_to_remove = [GATEWAY_TARGET_HEADER];
  set.add(pool.encode(TYPE_URLS.routeConfiguration, rdsName, { name: rdsName, virtual_hosts: [host] }));
  const filter = httpConnectionManager({ statPrefix: 'egress', routeConfigName: rdsName, websocket: true, accessLog });
  const egress = listener({ name: EGRESS_LISTENER, port: EGRESS_PORT, direction: 'OUTBOUND', chains: filterChains({ name: 'egress', filter }) });
  set.add(pool.encode(TYPE_URLS.listener, EGRESS_LISTENER, egress));
}

/** Proxyless gRPC: an API listener and route table per HTTP-family port of each service, and their clusters. */
function addApiListeners(ctx: TranslationContext, set: ResourceSet, meshName: string, virtualServices: Iterable<string>): void {
  const { pool, view } = ctx;
  for (const virtualService of virtualServices) {
    const httpPorts = () => serviceFragments(ctx, meshName, virtualService, 'grpc').filter((f) => f.virtualHost);
    const encoded = ctx.fragments.get(view, `api|${meshName}|${virtualService}`, () => {
      const fragments = httpPorts();
      return fragments.flatMap((fragment) => {
        const port = fragment.port.port;
        const rdsName = apiRouteConfigName(virtualService, port);
        // A service with one port also answers `xds:///<name>` without the port.
        const names = fragments.length === 1 ? [apiListenerName(virtualService, port), apiListenerName(virtualService)] : [apiListenerName(virtualService, port)];
        return [
          pool.encodeWithParts(TYPE_URLS.routeConfiguration, rdsName, { name: rdsName }, 'virtual_hosts', [fragment.virtualHost!]),
          ...names.map((name) => pool.encode(TYPE_URLS.listener, name, apiListener(name, rdsName))),
        ];
      });
    });
    for (const resource of encoded) set.add(resource);
    for (const fragment of httpPorts()) addClusters(ctx, set, new Set(), fragment.targets, 'grpc', undefined);
  }
}

/** The resources of one proxy in one flavour; undefined when the model has no such proxy. */
export function translateProxy(ctx: TranslationContext, proxy: ProxyIdentity, flavour: Flavour, parts: ProxyParts = {}): ProxySnapshot | undefined {
  const { view } = ctx;
  const set = new ResourceSet();
  const secrets: AdsSecrets = new Set();
  if (proxy.kind === 'VirtualNode') {
    const node = view.virtualNode(proxy.meshName, proxy.name);
    if (!node) return undefined;
    if (flavour === 'grpc') {
      const names = (node.spec.backends ?? []).flatMap((b) => (b.virtualService ? [b.virtualService.virtualServiceName] : []));
      addApiListeners(ctx, set, proxy.meshName, new Set(names));
    } else {
      addIngressPart(ctx, set, secrets, node, parts);
      addEgress(ctx, set, secrets, node);
    }
  } else {
    const gateway = view.virtualGateway(proxy.meshName, proxy.name);
    if (!gateway) return undefined;
    if (flavour === 'grpc') {
      // A proxyless client running as a gateway identity reaches the services its gateway routes target.
      const names = view.gatewayRoutes(proxy.meshName, proxy.name).flatMap((r) => {
        const target = (r.spec.httpRoute ?? r.spec.http2Route ?? r.spec.grpcRoute)?.action?.target?.virtualService?.virtualServiceName;
        return target ? [target] : [];
      });
      addApiListeners(ctx, set, proxy.meshName, new Set(names.sort()));
    } else {
      addGateway(ctx, set, secrets, gateway);
    }
  }
  addSecrets(ctx, set, secrets);
  return set.snapshot(proxy, flavour);
}
