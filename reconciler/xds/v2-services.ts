// xDS v2 service methods, answered only with what to change: without this a v2 client (grpc-go
// before 1.36 without the v3 opt-in, an Envoy with a v2 bootstrap) gets a bare UNIMPLEMENTED and no
// hint that the server speaks v3.
import { XdsStreamError, xdsErrors } from './errors';

/** Every v2 discovery service and its streaming/unary methods (ADS, and the per-type services). */
const V2_SERVICES: Record<string, string[]> = {
  'envoy.service.discovery.v2.AggregatedDiscoveryService': ['StreamAggregatedResources', 'DeltaAggregatedResources'],
  'envoy.api.v2.ListenerDiscoveryService': ['StreamListeners', 'DeltaListeners', 'FetchListeners'],
  'envoy.api.v2.RouteDiscoveryService': ['StreamRoutes', 'DeltaRoutes', 'FetchRoutes'],
  'envoy.api.v2.ClusterDiscoveryService': ['StreamClusters', 'DeltaClusters', 'FetchClusters'],
  'envoy.api.v2.EndpointDiscoveryService': ['StreamEndpoints', 'DeltaEndpoints', 'FetchEndpoints'],
  'envoy.service.discovery.v2.SecretDiscoveryService': ['StreamSecrets', 'DeltaSecrets', 'FetchSecrets'],
};

/** Paths of every v2 method (`/envoy.api.v2.ListenerDiscoveryService/StreamListeners`, …). */
const V2_PATHS: ReadonlySet<string> = new Set(Object.entries(V2_SERVICES).flatMap(([service, names]) => names.map((name) => `/${service}/${name}`)));

/** The refusal for a v2 method (UNIMPLEMENTED with the v3 guidance), or undefined for any other path. */
export function v2Refusal(path: string): XdsStreamError | undefined {
  return V2_PATHS.has(path) ? xdsErrors.xdsV2(`${path.slice(1)} is xDS v2`) : undefined;
}

/** Type URLs of the v2 API (`type.googleapis.com/envoy.api.v2.Cluster`, `…/envoy.api.v2.auth.Secret`). */
export function isV2TypeUrl(typeUrl: string): boolean {
  return typeUrl.startsWith('type.googleapis.com/envoy.api.v2.');
}
