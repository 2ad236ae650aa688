// Envoy listeners (envoy-mapping.md §4): the sidecar's ingress (15000) and egress (15001)
// listeners with one filter chain per destination port, a gateway's listeners on their own
// ports, and the proxyless gRPC flavour's API listeners.
import { ANY_TYPES, Json } from './proto-codec';
import { ADS_CONFIG_SOURCE, socketAddress, typed } from './envoy-values';

const ROUTER_FILTER: Json = { name: 'envoy.filters.http.router', typed_config: typed(ANY_TYPES.router) };
const ORIGINAL_DST: Json = { name: 'envoy.filters.listener.original_dst', typed_config: typed(ANY_TYPES.originalDst) };
const TLS_INSPECTOR: Json = { name: 'envoy.filters.listener.tls_inspector', typed_config: typed(ANY_TYPES.tlsInspector) };

export interface HcmOptions {
  statPrefix: string;
  routeConfigName: string;
  /** `http` listeners accept WebSocket upgrades (zh:L4465). */
  websocket?: boolean;
  accessLog?: Json[];
}

/** An HTTP connection manager fed by RDS over ADS, with App Mesh's path normalisation (§6.2). */
export function httpConnectionManager(options: HcmOptions): Json {
  const hcm: Json = {
    stat_prefix: options.statPrefix,
    rds: { config_source: ADS_CONFIG_SOURCE, route_config_name: options.routeConfigName },
    http_filters: [ROUTER_FILTER],
    normalize_path: { value: true },
    merge_slashes: true,
  };
  if (options.websocket) hcm.upgrade_configs = [{ upgrade_type: 'websocket' }];
  if (options.accessLog) hcm.access_log = options.accessLog;
  return { name: 'envoy.filters.network.http_connection_manager', typed_config: typed(ANY_TYPES.httpConnectionManager, hcm) };
}

export interface TcpProxyOptions {
  statPrefix: string;
  clusters: ReadonlyArray<{ name: string; weight: number }>;
  idleTimeout?: Json;
  accessLog?: Json[];
}

export function tcpProxy(options: TcpProxyOptions): Json {
  const proxy: Json = { stat_prefix: options.statPrefix };
  if (options.clusters.length === 1) proxy.cluster = options.clusters[0].name;
  else proxy.weighted_clusters = { clusters: options.clusters.map((c) => ({ name: c.name, weight: c.weight })) };
  if (options.idleTimeout) proxy.idle_timeout = options.idleTimeout;
  if (options.accessLog) proxy.access_log = options.accessLog;
  return { name: 'envoy.filters.network.tcp_proxy', typed_config: typed(ANY_TYPES.tcpProxy, proxy) };
}

export interface PortChain {
  name: string;
  port?: number;
  filter: Json;
  /** DownstreamTlsContext transport socket, when the port terminates TLS. */
  tls?: Json;
  /** PERMISSIVE: TLS and plaintext both accepted on the port. */
  permissive?: boolean;
}

/** Filter chains for one port: one chain, or a TLS and a plaintext chain when PERMISSIVE (§11.3 [I]). */
export function filterChains(chain: PortChain): Json[] {
  const match = (extra: Json = {}): Json => {
    const m: Json = { ...extra };
    if (chain.port !== undefined) m.destination_port = { value: chain.port };
    return Object.keys(m).length ? { filter_chain_match: m } : {};
  };
  if (!chain.tls) return [{ name: chain.name, ...match(), filters: [chain.filter] }];
  if (!chain.permissive) return [{ name: chain.name, ...match(), filters: [chain.filter], transport_socket: chain.tls }];
  return [
    { name: `${chain.name}_tls`, ...match({ transport_protocol: 'tls' }), filters: [chain.filter], transport_socket: chain.tls },
    { name: `${chain.name}_plaintext`, ...match({ transport_protocol: 'raw_buffer' }), filters: [chain.filter] },
  ];
}

export interface ListenerOptions {
  name: string;
  port: number;
  direction: 'INBOUND' | 'OUTBOUND';
  chains: Json[];
  defaultChain?: Json;
  /** Redirected by iptables: restore the original destination before choosing a chain. */
  originalDestination?: boolean;
  tlsInspector?: boolean;
  /** Also listen on IPv6 (`::`) at the same port. */
  dualStack?: boolean;
}

export function listener(options: ListenerOptions): Json {
  const out: Json = { name: options.name, address: socketAddress('0.0.0.0', options.port) };
  if (options.dualStack) out.additional_addresses = [{ address: socketAddress('::', options.port) }];
  if (options.chains.length) out.filter_chains = options.chains;
  if (options.defaultChain) out.default_filter_chain = options.defaultChain;
  const listenerFilters = [...(options.originalDestination ? [ORIGINAL_DST] : []), ...(options.tlsInspector ? [TLS_INSPECTOR] : [])];
  if (listenerFilters.length) out.listener_filters = listenerFilters;
  out.traffic_direction = options.direction;
  return out;
}

/** What `xds:///<service>:<port>` resolves to in gRPC (gRFC A27): an HCM with RDS over ADS and the router filter. */
export function apiListener(name: string, routeConfigName: string): Json {
  const hcm: Json = {
    stat_prefix: name,
    rds: { config_source: ADS_CONFIG_SOURCE, route_config_name: routeConfigName },
    http_filters: [ROUTER_FILTER],
  };
  return { name, api_listener: { api_listener: typed(ANY_TYPES.httpConnectionManager, hcm) } };
}
