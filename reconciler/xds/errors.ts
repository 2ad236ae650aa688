// Every error the xDS server raises: what happened, why, and the fix. Stream refusals carry a gRPC
// status code chosen to match what App Mesh's Envoy management service returned (envoy-mapping §3.1).
import { status } from '@grpc/grpc-js';

export class XdsStreamError extends Error {
  override readonly name = 'XdsStreamError';
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
  }
}

/** What a client speaking xDS v2 is told (grpc-go/C-core/grpc-java before 1.36, Envoy with a v2 bootstrap). */
export const XDS_V2_GUIDANCE =
  'meshplane serves xDS v3 only; set `server_features: ["xds_v3"]` in the gRPC bootstrap (meshplane bootstrap --format grpc writes it; ' +
  'gRPC 1.32-1.35 also need GRPC_XDS_EXPERIMENTAL_V3_SUPPORT=true, older gRPC must be upgraded) / `transport_api_version: V3` and ' +
  '`resource_api_version: V3` in the Envoy bootstrap; see docs/xds.md#xds-v2-clients';

const NODE_ID_FORMS =
  'use the full ARN arn:aws:appmesh:<region>:<account>:mesh/<mesh>/virtualNode/<name> or the short form mesh/<mesh>/virtualNode/<name> (virtualGateway/<name> for gateways)';

export const xdsErrors = {
  missingNode: () =>
    new XdsStreamError(
      status.INVALID_ARGUMENT,
      'the first discovery request on the stream has no node.id, so the proxy cannot be identified; set node.id in the proxy bootstrap (meshplane bootstrap --node <id>)',
    ),
  malformedNodeId: (nodeId: string, why: string) =>
    new XdsStreamError(status.INVALID_ARGUMENT, `node.id "${nodeId}" is not a proxy identity: ${why}; ${NODE_ID_FORMS}`),
  wrongArnScope: (nodeId: string, field: string, got: string, expected: string) =>
    new XdsStreamError(
      status.NOT_FOUND,
      `node.id "${nodeId}" names ${field} ${got}, but this control plane serves ${field} ${expected}; fix APPMESH_RESOURCE_ARN / node.id, or use the short form mesh/<mesh>/virtualNode/<name>`,
    ),
  unknownProxy: (nodeId: string, described: string) =>
    new XdsStreamError(
      status.NOT_FOUND,
      `node.id "${nodeId}": ${described} does not exist in the applied configuration; check the name, or commit the resource and let it apply before starting the proxy`,
    ),
  proxyRemoved: (nodeId: string, described: string) =>
    new XdsStreamError(
      status.NOT_FOUND,
      `node.id "${nodeId}": ${described} was removed from the applied configuration, so its proxies no longer receive configuration; restore the resource or stop the proxy`,
    ),
  missingCredential: () => new XdsStreamError(status.UNAUTHENTICATED, 'Missing Authentication Token'),
  wrongToken: (nodeId: string) =>
    new XdsStreamError(
      status.PERMISSION_DENIED,
      `the bearer token presented is not the one bound to node.id "${nodeId}"; give the proxy the token configured for this identity under xds.auth.tokens`,
    ),
  certificateNotForIdentity: (nodeId: string, names: string) =>
    new XdsStreamError(
      status.PERMISSION_DENIED,
      `the client certificate names ${names || 'no URI or DNS subject alternative name'}, none of which is node.id "${nodeId}"; issue the proxy a certificate whose SAN is its identity (e.g. URI:spiffe://<trust-domain>/mesh/<mesh>/virtualNode/<name>)`,
    ),
  noClientCertificate: () =>
    new XdsStreamError(
      status.UNAUTHENTICATED,
      'Missing Authentication Token: xds.auth.mode is mtls but the connection has no verified client certificate; connect over TLS with a certificate signed by the configured client CA',
    ),
  proxyLimit: (nodeId: string, limit: number) =>
    new XdsStreamError(
      status.RESOURCE_EXHAUSTED,
      `node.id "${nodeId}" already has ${limit} connected proxies, the limit per identity (xds.proxyLimit); the existing proxies keep their streams — stop a proxy or raise xds.proxyLimit`,
    ),
  serverFull: (limit: number) =>
    new XdsStreamError(
      status.RESOURCE_EXHAUSTED,
      `this control plane already serves ${limit} proxies (xds.maxProxies); add a replica or raise xds.maxProxies`,
    ),
  undecodableRequest: (why: string) =>
    new XdsStreamError(status.INVALID_ARGUMENT, `the discovery request could not be decoded as envoy.service.discovery.v3 (${why}); only xDS v3 is served`),
  /** A v2 service method, or a v2 type URL on a v3 stream: say how to switch the client to v3. */
  xdsV2: (what: string) => new XdsStreamError(status.UNIMPLEMENTED, `${what}: ${XDS_V2_GUIDANCE}`),
  shuttingDown: () => new XdsStreamError(status.UNAVAILABLE, 'the control plane is shutting down; reconnect to another replica or retry'),
  tooManySubscriptions: (requested: number, limit: number) =>
    new XdsStreamError(
      status.RESOURCE_EXHAUSTED,
      `the stream would hold ${requested} subscribed resource names, more than the ${limit} allowed per stream (xds.limits.maxSubscriptionsPerStream); subscribe by wildcard or to fewer names, or raise the limit in the operator configuration`,
    ),
  nameTooLong: (bytes: number, limit: number) =>
    new XdsStreamError(
      status.INVALID_ARGUMENT,
      `a resource name of ${bytes} bytes exceeds the ${limit}-byte limit; meshplane's resource names are far shorter, so this request names nothing it serves`,
    ),
  idleStream: (ms: number) =>
    new XdsStreamError(
      status.DEADLINE_EXCEEDED,
      `no valid discovery request within ${ms / 1000} s of opening the stream (xds.limits.idleTimeoutSeconds); a proxy sends its first request at once — check the proxy's bootstrap`,
    ),
  unknownMethod: (path: string) => new XdsStreamError(status.UNIMPLEMENTED, `The server does not implement the method ${path}; meshplane serves /envoy.service.discovery.v3.AggregatedDiscoveryService (ADS)`),
  /** gRPC's own wording (what grpc-js says), so clients' logs read the same as before. */
  messageTooLarge: (direction: 'Received' | 'Sent', bytes: number | string, limit: number) =>
    new XdsStreamError(status.RESOURCE_EXHAUSTED, `${direction} message larger than max (${bytes} vs. ${limit}); raise xds.limits.maxMessageBytes if the proxy's requests are this large`),
  undecompressable: (encoding: string) => new XdsStreamError(status.INTERNAL, `Received message could not be decompressed (${encoding})`),
  unsupportedEncoding: (encoding: string) =>
    new XdsStreamError(status.UNIMPLEMENTED, `Compression algorithm "${encoding}" is not supported; send messages uncompressed (identity), deflate or gzip`),
};
