// Service discovery of a virtual node → how its egress clusters find endpoints
// (envoy-mapping.md §5.2, §4.5): EDS with a ClusterLoadAssignment when the endpoint source
// knows the instances (always for Cloud Map), else DNS: LOADBALANCER → LOGICAL_DNS (one IP),
// ENDPOINTS → STRICT_DNS (every IP).
import { isIPv4, isIPv6 } from 'node:net';
import type { MeshSpec, VirtualNodeSpec } from '../../schemas/types';
import { Json } from './proto-codec';
import { ADS_CONFIG_SOURCE, Flavour, socketAddress } from './envoy-values';
import { MeshView } from './mesh-view';
import { DiscoveryQuery, Endpoint } from './snapshot';

export type IpPreference = 'IPv6_PREFERRED' | 'IPv4_PREFERRED' | 'IPv4_ONLY' | 'IPv6_ONLY';

/** The node's preference overrides the mesh's. */
export function ipPreferenceOf(node: VirtualNodeSpec | undefined, mesh: MeshSpec): IpPreference | undefined {
  const sd = node?.serviceDiscovery;
  return sd?.dns?.ipPreference ?? sd?.awsCloudMap?.ipPreference ?? mesh.serviceDiscovery?.ipPreference;
}

/** Envoy's DNS lookup family; the default (no preference) is Envoy's own AUTO: IPv6 first, then IPv4. */
const LOOKUP_FAMILY: Record<IpPreference, string | undefined> = {
  IPv6_PREFERRED: undefined,
  IPv4_PREFERRED: 'V4_PREFERRED',
  IPv4_ONLY: 'V4_ONLY',
  IPv6_ONLY: 'V6_ONLY',
};

export function discoveryQuery(node: VirtualNodeSpec | undefined): DiscoveryQuery | undefined {
  const sd = node?.serviceDiscovery;
  if (sd?.dns?.hostname) return { type: 'dns', hostname: sd.dns.hostname };
  if (sd?.awsCloudMap) {
    const attributes: Record<string, string> = {};
    for (const { key, value } of sd.awsCloudMap.attributes ?? []) attributes[key] = value;
    return { type: 'cloudMap', namespaceName: sd.awsCloudMap.namespaceName, serviceName: sd.awsCloudMap.serviceName, attributes };
  }
  return undefined;
}

/** The name a node's certificate must carry: the DNS hostname, or `<service>.<namespace>` (§11.2). */
export function discoveryName(node: VirtualNodeSpec | undefined): string | undefined {
  const sd = node?.serviceDiscovery;
  if (sd?.dns?.hostname) return sd.dns.hostname;
  if (sd?.awsCloudMap) return `${sd.awsCloudMap.serviceName}.${sd.awsCloudMap.namespaceName}`;
  return undefined;
}

export interface ClusterDiscovery {
  /** Fields merged into the Cluster. */
  fields: Json;
  /** The ClusterLoadAssignment resource, for EDS clusters. */
  loadAssignment?: Json;
}

/** Cloud Map-style filtering by address family for the *_ONLY preferences (§4.5). */
function allowedByFamily(endpoint: Endpoint, preference: IpPreference | undefined): boolean {
  if (preference === 'IPv4_ONLY') return !isIPv6(endpoint.address);
  if (preference === 'IPv6_ONLY') return !isIPv4(endpoint.address);
  return true;
}

function lbEndpoint(address: string, port: number, healthCheckPort: number | undefined): Json {
  const endpoint: Json = { address: socketAddress(address, port) };
  if (healthCheckPort !== undefined && healthCheckPort !== port) endpoint.health_check_config = { port_value: healthCheckPort };
  return { endpoint };
}

/**
 * Endpoints in one locality, the environment's region. gRPC's xDS client requires a locality
 * with a weight (it drops weightless localities).
 */
export function loadAssignment(clusterName: string, region: string, endpoints: readonly Endpoint[], healthCheckPort: number | undefined): Json {
  const lbEndpoints = [...endpoints]
    .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : a.port - b.port))
    .map((e) => ({ ...lbEndpoint(e.address, e.port, healthCheckPort), health_status: e.healthy ? 'HEALTHY' : 'UNHEALTHY' }));
  if (!lbEndpoints.length) return { cluster_name: clusterName };
  return { cluster_name: clusterName, endpoints: [{ locality: { region }, lb_endpoints: lbEndpoints, load_balancing_weight: { value: 1 } }] };
}

/**
 * How the egress cluster `clusterName` for a node's listener on `port` discovers endpoints.
 * A node without service discovery expects no inbound traffic: an EDS cluster with no endpoints.
 */
export function clusterDiscovery(
  view: MeshView,
  meshName: string,
  node: VirtualNodeSpec | undefined,
  clusterName: string,
  port: number,
  flavour: Flavour,
  healthCheckPort: number | undefined,
): ClusterDiscovery {
  const preference = ipPreferenceOf(node, view.mesh(meshName));
  const query = discoveryQuery(node);
  const endpoints = query ? view.endpoints(query) : undefined;
  const dns = node?.serviceDiscovery?.dns;
  if (endpoints === undefined && query?.type === 'dns' && dns) {
    // gRPC's xDS client has LOGICAL_DNS only (gRFC A27); it resolves every address itself.
    const strict = dns.responseType === 'ENDPOINTS' && flavour === 'envoy';
    const fields: Json = {
      type: strict ? 'STRICT_DNS' : 'LOGICAL_DNS',
      load_assignment: { cluster_name: clusterName, endpoints: [{ lb_endpoints: [lbEndpoint(dns.hostname, port, healthCheckPort)] }] },
    };
    const family = preference && LOOKUP_FAMILY[preference];
    if (family) fields.dns_lookup_family = family;
    return { fields };
  }
  const usable = (endpoints ?? []).filter((e) => allowedByFamily(e, preference));
  return {
    fields: { type: 'EDS', eds_cluster_config: { eds_config: ADS_CONFIG_SOURCE } },
    loadAssignment: loadAssignment(clusterName, view.config.region, usable, healthCheckPort),
  };
}
