// The contract between the Envoy translation (provider/envoy) and the xDS server (reconciler/xds):
// per proxy and flavour, the encoded Envoy v3 resources by type.

export const TYPE_URLS = {
  listener: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  routeConfiguration: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  cluster: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  clusterLoadAssignment: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  secret: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret',
} as const;

export type TypeUrl = (typeof TYPE_URLS)[keyof typeof TYPE_URLS];

/** Make-before-break push order (DESIGN §4): CDS, EDS, LDS, RDS; SDS secrets before the listeners and clusters that use them. */
export const PUSH_ORDER: readonly TypeUrl[] = [
  TYPE_URLS.secret,
  TYPE_URLS.cluster,
  TYPE_URLS.clusterLoadAssignment,
  TYPE_URLS.listener,
  TYPE_URLS.routeConfiguration,
];

/**
 * `envoy`: sidecars and gateways (wildcard LDS/CDS, App Mesh names).
 * `grpc`: proxyless gRPC clients (named API listeners `<virtual service>:<port>`, gRFC A27/A28).
 */
export type Flavour = 'envoy' | 'grpc';

export interface ProxyIdentity {
  kind: 'VirtualNode' | 'VirtualGateway';
  meshName: string;
  name: string;
}

/**
 * `VirtualNode/apps/serviceA`: the key of a proxy identity (same as the resource's identityKey).
 * Joined, not concatenated: V8 keeps a concatenation as a rope of 32-byte nodes over its parts
 * (~150 bytes per key kept, e.g. per connected proxy), a join as one flat string.
 */
export function proxyKey(id: ProxyIdentity): string {
  return [id.kind, id.meshName, id.name].join('/');
}

/** One resource, built and encoded once; every snapshot that needs it holds the same object. */
export interface EncodedResource {
  name: string;
  typeUrl: TypeUrl;
  /** The serialized Envoy v3 message (the value of the `google.protobuf.Any`). */
  bytes: Uint8Array;
  /** Hex SHA-256 of `bytes`: identical content gives an identical hash on every replica. */
  hash: string;
}

export interface ProxySnapshot {
  proxy: ProxyIdentity;
  flavour: Flavour;
  /** Per type URL, resources by name. A type absent from the map has no resources. */
  resources: ReadonlyMap<TypeUrl, ReadonlyMap<string, EncodedResource>>;
}

/** An instance of a service, as discovery (the endpoint registry, static config) knows it. */
export interface Endpoint {
  address: string;
  port: number;
  healthy: boolean;
  attributes?: Readonly<Record<string, string>>;
}

/** How a virtual node's instances are discovered (its `serviceDiscovery`), as asked of the endpoint source. */
export type DiscoveryQuery =
  | { type: 'dns'; hostname: string }
  | { type: 'cloudMap'; namespaceName: string; serviceName: string; attributes: Readonly<Record<string, string>> };

/**
 * Endpoints known for a discovery query, or undefined when the source knows none (the
 * translation then falls back to DNS clusters for `dns` discovery).
 */
export interface EndpointSource {
  lookup(query: DiscoveryQuery): readonly Endpoint[] | undefined;
}
