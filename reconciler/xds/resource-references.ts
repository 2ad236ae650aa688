// Which served resources a resource names, so a proxy's sync can be judged on everything it needs:
// a listener names route configurations (RDS) and clusters (TCP proxy), a route configuration names
// clusters, an EDS cluster names its load assignment, and TLS contexts name ADS secrets.
import { decodeMessage, Json } from '../../provider/envoy/proto-codec';
import { EncodedResource, TYPE_URLS, TypeUrl } from '../../provider/envoy/snapshot';

export interface ResourceRef {
  typeUrl: TypeUrl;
  name: string;
}

/** Resources are interned (one object per content), so each is decoded once. */
const cache = new WeakMap<EncodedResource, readonly ResourceRef[]>();

export function referencesOf(resource: EncodedResource): readonly ResourceRef[] {
  let refs = cache.get(resource);
  if (!refs) {
    refs = collect(resource);
    cache.set(resource, refs);
  }
  return refs;
}

function collect(resource: EncodedResource): ResourceRef[] {
  const refs = new Map<string, ResourceRef>();
  const add = (typeUrl: TypeUrl, name: unknown) => {
    if (typeof name === 'string' && name !== '') refs.set(`${typeUrl}|${name}`, { typeUrl, name });
  };
  const value = decodeMessage(resource.typeUrl, resource.bytes);
  const namesClusters = resource.typeUrl === TYPE_URLS.listener || resource.typeUrl === TYPE_URLS.routeConfiguration;
  if (resource.typeUrl === TYPE_URLS.cluster && value.type === 'EDS') {
    add(TYPE_URLS.clusterLoadAssignment, (value.eds_cluster_config as Json | undefined)?.service_name || value.name || resource.name);
  }
  walk(value, (node) => {
    if (isObject(node.rds)) add(TYPE_URLS.routeConfiguration, node.rds.route_config_name);
    if (namesClusters && typeof node.cluster === 'string') add(TYPE_URLS.cluster, node.cluster);
    if (namesClusters && isObject(node.weighted_clusters) && Array.isArray(node.weighted_clusters.clusters)) {
      // A cluster weighted 0 gets no traffic, and some clients never ask for it.
      for (const entry of node.weighted_clusters.clusters as Json[]) if (weightOf(entry.weight) !== 0) add(TYPE_URLS.cluster, entry.name);
    }
    for (const [key, config] of Object.entries(node)) {
      if (!key.endsWith('sds_secret_config') && !key.endsWith('sds_secret_configs')) continue;
      // Only secrets served over ADS; a local SDS source is the proxy's own business.
      for (const secret of Array.isArray(config) ? (config as Json[]) : [config as Json]) {
        if (isObject(secret) && isObject(secret.sds_config) && 'ads' in secret.sds_config) add(TYPE_URLS.secret, secret.name);
      }
    }
  });
  return [...refs.values()];
}

function weightOf(weight: unknown): number | undefined {
  if (typeof weight === 'number') return weight;
  if (isObject(weight)) return typeof weight.value === 'number' ? weight.value : 0;
  return undefined;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function walk(value: unknown, visit: (node: Json) => void): void {
  if (Array.isArray(value)) for (const item of value) walk(item, visit);
  else if (isObject(value)) {
    visit(value);
    for (const child of Object.values(value)) walk(child, visit);
  }
}
