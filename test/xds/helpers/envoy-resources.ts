// Hand-made Envoy v3 resources encoded with Envoy's protos, for server tests independent of the translator.
import { createHash } from 'node:crypto';
import { EncodedResource, Flavour, ProxyIdentity, ProxySnapshot, TYPE_URLS, TypeUrl } from '../../../provider/envoy/snapshot';
import { envoyProtoRoot } from '../../../reconciler/xds/envoy-protos';

const FILES: Record<TypeUrl, [string, string]> = {
  [TYPE_URLS.listener]: ['envoy/config/listener/v3/listener.proto', 'envoy.config.listener.v3.Listener'],
  [TYPE_URLS.routeConfiguration]: ['envoy/config/route/v3/route.proto', 'envoy.config.route.v3.RouteConfiguration'],
  [TYPE_URLS.cluster]: ['envoy/config/cluster/v3/cluster.proto', 'envoy.config.cluster.v3.Cluster'],
  [TYPE_URLS.clusterLoadAssignment]: ['envoy/config/endpoint/v3/endpoint.proto', 'envoy.config.endpoint.v3.ClusterLoadAssignment'],
  [TYPE_URLS.secret]: ['envoy/extensions/transport_sockets/tls/v3/secret.proto', 'envoy.extensions.transport_sockets.tls.v3.Secret'],
};

export function encodeResource(typeUrl: TypeUrl, name: string, message: Record<string, unknown>): EncodedResource {
  const [file, typeName] = FILES[typeUrl];
  const type = envoyProtoRoot([file, 'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto', 'envoy/extensions/filters/http/router/v3/router.proto']).lookupType(typeName);
  const bytes = type.encode(type.fromObject(message)).finish();
  return { name, typeUrl, bytes, hash: createHash('sha256').update(bytes).digest('hex') };
}

export function decodeResource(typeUrl: string, bytes: Uint8Array): Record<string, unknown> {
  const [file, typeName] = FILES[typeUrl as TypeUrl];
  const type = envoyProtoRoot([file]).lookupType(typeName);
  return type.toObject(type.decode(bytes), { longs: String, enums: String }) as Record<string, unknown>;
}

export const cluster = (name: string, extra: Record<string, unknown> = {}) =>
  encodeResource(TYPE_URLS.cluster, name, { name, type: 'EDS', eds_cluster_config: { eds_config: { ads: {} } }, ...extra });

export const endpoints = (name: string, port: number, address = '127.0.0.1') =>
  encodeResource(TYPE_URLS.clusterLoadAssignment, name, {
    cluster_name: name,
    endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address, port_value: port } } } }] }],
  });

export const routeConfig = (name: string, clusterWeights: Record<string, number>) =>
  encodeResource(TYPE_URLS.routeConfiguration, name, {
    name,
    virtual_hosts: [
      {
        name,
        domains: ['*'],
        routes: [
          {
            match: { prefix: '/' },
            route: { weighted_clusters: { clusters: Object.entries(clusterWeights).map(([cluster, weight]) => ({ name: cluster, weight: { value: weight } })) } },
          },
        ],
      },
    ],
  });

export const apiListener = (name: string, routeName: string) =>
  encodeResource(TYPE_URLS.listener, name, {
    name,
    api_listener: {
      api_listener: {
        '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
        rds: { route_config_name: routeName, config_source: { ads: {} } },
        http_filters: [{ name: 'router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } }],
      },
    },
  });

export function snapshotOf(proxy: ProxyIdentity, flavour: Flavour, resources: EncodedResource[]): ProxySnapshot {
  const byType = new Map<TypeUrl, Map<string, EncodedResource>>();
  for (const resource of resources) {
    let map = byType.get(resource.typeUrl);
    if (!map) byType.set(resource.typeUrl, (map = new Map()));
    map.set(resource.name, resource);
  }
  return { proxy, flavour, resources: byType };
}
