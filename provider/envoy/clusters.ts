// Envoy clusters (envoy-mapping.md §5): the local-app ingress cluster of each VN listener, a
// client's egress cluster for each backend VN listener, the egress passthrough/AWS clusters
// and a gateway's self-redirect clusters.
import type { Listener, VirtualGatewayConnectionPool, VirtualNodeConnectionPool, VirtualNodeSpec } from '../../schemas/types';
import { ANY_TYPES, Json } from './proto-codec';
import { duration, Flavour, millisOr, socketAddress, typed, wrapped } from './envoy-values';
import { clusterDiscovery, IpPreference } from './discovery';
import { Found, MeshView } from './mesh-view';
import { EGRESS_PORT, egressClusterName, ingressClusterName } from './names';

/** App Mesh's default thresholds, which switch circuit breaking off (§5.3). */
export const UNLIMITED = 2147483647;

/** Circuit-breaker thresholds; a listener connection pool overrides the fields it sets (§5.4). */
export function circuitBreakers(pool: VirtualNodeConnectionPool | VirtualGatewayConnectionPool | undefined): Json {
  const limits = { max_connections: UNLIMITED, max_pending_requests: UNLIMITED, max_requests: UNLIMITED, max_retries: UNLIMITED };
  const tcp = (pool as VirtualNodeConnectionPool | undefined)?.tcp;
  if (tcp) limits.max_connections = tcp.maxConnections;
  if (pool?.http) {
    limits.max_connections = pool.http.maxConnections;
    if (pool.http.maxPendingRequests !== undefined) limits.max_pending_requests = pool.http.maxPendingRequests;
  }
  const streams = pool?.http2 ?? pool?.grpc;
  if (streams) limits.max_requests = streams.maxRequests;
  const threshold: Json = {};
  for (const [key, value] of Object.entries(limits)) threshold[key] = wrapped(value);
  return { thresholds: [threshold] };
}

/** HTTP/2 towards the upstream for http2 and grpc listeners. */
function protocolOptions(protocol: string): Json {
  if (protocol !== 'http2' && protocol !== 'grpc') return {};
  return {
    typed_extension_protocol_options: {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': typed(ANY_TYPES.httpProtocolOptions, { explicit_http_config: { http2_protocol_options: {} } }),
    },
  };
}

function staticCluster(name: string, address: string, port: number): Json {
  return {
    name,
    type: 'STATIC',
    load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: socketAddress(address, port) } }] }] },
  };
}

/** The local application behind a VN listener, on loopback (IPv6 loopback when the node prefers IPv6, §4.5). */
export function ingressCluster(meshName: string, nodeName: string, listener: Listener, preference: IpPreference | undefined): Json {
  const { port, protocol } = listener.portMapping;
  const loopback = preference === 'IPv6_PREFERRED' || preference === 'IPv6_ONLY' ? '::1' : '127.0.0.1';
  return {
    ...staticCluster(ingressClusterName(meshName, nodeName, protocol, port), loopback, port),
    circuit_breakers: circuitBreakers(listener.connectionPool),
    ...protocolOptions(protocol),
  };
}

/** Passive health checking configured on the server listener, enforced by clients (§5.5). */
function outlierDetection(listener: Listener, flavour: Flavour): Json | undefined {
  const od = listener.outlierDetection;
  if (!od) return undefined;
  const detection: Json = {
    consecutive_5xx: wrapped(od.maxServerErrors),
    interval: duration(millisOr(od.interval, 0)),
    base_ejection_time: duration(millisOr(od.baseEjectionDuration, 0)),
    max_ejection_percent: wrapped(od.maxEjectionPercent),
    // App Mesh ejects on consecutive server errors only; Envoy's success-rate detection stays off.
    enforcing_success_rate: wrapped(0),
  };
  if (flavour === 'grpc') {
    // [I] gRPC has no consecutive-error ejection (gRFC A50): the nearest it enforces is failure-percentage
    // ejection, here of a host that failed at least maxServerErrors calls, most of them, in an interval.
    Object.assign(detection, {
      enforcing_failure_percentage: wrapped(100),
      failure_percentage_threshold: wrapped(GRPC_FAILURE_PERCENTAGE_THRESHOLD),
      failure_percentage_request_volume: wrapped(od.maxServerErrors),
      failure_percentage_minimum_hosts: wrapped(1),
    });
  }
  return detection;
}

/** Share of failed calls at which a gRPC client ejects a host (Envoy's own default threshold). */
const GRPC_FAILURE_PERCENTAGE_THRESHOLD = 85;

/** Active health checks from the server listener, run by every client (§5.6). */
function healthChecks(listener: Listener): Json[] | undefined {
  const hc = listener.healthCheck;
  if (!hc) return undefined;
  const check: Json = {
    timeout: duration(hc.timeoutMillis),
    interval: duration(hc.intervalMillis),
    unhealthy_threshold: wrapped(hc.unhealthyThreshold),
    healthy_threshold: wrapped(hc.healthyThreshold),
  };
  if (hc.protocol === 'tcp') check.tcp_health_check = {};
  else if (hc.protocol === 'grpc') check.grpc_health_check = {};
  else check.http_health_check = { path: hc.path || '/', ...(hc.protocol === 'http2' ? { codec_client_type: 'HTTP2' } : {}) };
  return [check];
}

export interface EgressTarget {
  meshName: string;
  node: Found<VirtualNodeSpec>;
  listener: Listener;
}

export function egressTargetClusterName(target: EgressTarget): string {
  const { port, protocol } = target.listener.portMapping;
  return egressClusterName(target.meshName, target.node.name, protocol, port);
}

/**
 * A client's cluster for one listener of a backend node. `transportSocket` is the client's TLS
 * towards it (Envoy flavour only: gRPC's xDS security needs bootstrap certificate providers).
 */
export function egressCluster(view: MeshView, target: EgressTarget, flavour: Flavour, transportSocket: Json | undefined): { cluster: Json; loadAssignment?: Json } {
  const name = egressTargetClusterName(target);
  const { port, protocol } = target.listener.portMapping;
  const healthCheckPort = target.listener.healthCheck?.port;
  const discovery = clusterDiscovery(view, target.meshName, target.node.spec, name, port, flavour, healthCheckPort);
  const cluster: Json = { name, ...discovery.fields, circuit_breakers: circuitBreakers(undefined) };
  const od = outlierDetection(target.listener, flavour);
  if (od) cluster.outlier_detection = od;
  if (flavour === 'envoy') {
    const checks = healthChecks(target.listener);
    if (checks) cluster.health_checks = checks;
    if (transportSocket) cluster.transport_socket = transportSocket;
    Object.assign(cluster, protocolOptions(protocol));
  }
  return { cluster, loadAssignment: discovery.loadAssignment };
}

/** Forwards to the address the application dialled (egress ALLOW_ALL passthrough, AWS services). */
export function originalDestinationCluster(name: string): Json {
  return { name, type: 'ORIGINAL_DST', lb_policy: 'CLUSTER_PROVIDED', circuit_breakers: circuitBreakers(undefined) };
}

/** A gateway listener's way into its own egress listener (stage two of gateway routing, §5.1). */
export function selfRedirectCluster(name: string, protocol: string, pool: VirtualGatewayConnectionPool | undefined): Json {
  return { ...staticCluster(name, '127.0.0.1', EGRESS_PORT), circuit_breakers: circuitBreakers(pool), ...protocolOptions(protocol) };
}
