// xDS v2 service methods, registered only to answer with what to change: without them a v2 client
// (grpc-go before 1.36 without the v3 opt-in, an Envoy with a v2 bootstrap) gets a bare
// UNIMPLEMENTED and no hint that the server speaks v3.
import * as grpc from '@grpc/grpc-js';
import { xdsErrors } from './errors';

/** Every v2 discovery service and its streaming/unary methods (ADS, and the per-type services). */
const V2_SERVICES: Record<string, string[]> = {
  'envoy.service.discovery.v2.AggregatedDiscoveryService': ['StreamAggregatedResources', 'DeltaAggregatedResources'],
  'envoy.api.v2.ListenerDiscoveryService': ['StreamListeners', 'DeltaListeners', 'FetchListeners'],
  'envoy.api.v2.RouteDiscoveryService': ['StreamRoutes', 'DeltaRoutes', 'FetchRoutes'],
  'envoy.api.v2.ClusterDiscoveryService': ['StreamClusters', 'DeltaClusters', 'FetchClusters'],
  'envoy.api.v2.EndpointDiscoveryService': ['StreamEndpoints', 'DeltaEndpoints', 'FetchEndpoints'],
  'envoy.service.discovery.v2.SecretDiscoveryService': ['StreamSecrets', 'DeltaSecrets', 'FetchSecrets'],
};

const passThrough = (value: Buffer): Buffer => value;

function method(service: string, name: string): grpc.MethodDefinition<Buffer, Buffer> {
  const streaming = !name.startsWith('Fetch');
  return {
    path: `/${service}/${name}`,
    requestStream: streaming,
    responseStream: streaming,
    requestSerialize: passThrough,
    requestDeserialize: passThrough,
    responseSerialize: passThrough,
    responseDeserialize: passThrough,
  };
}

/** Registers the v2 methods on `server`; each ends the call at once with UNIMPLEMENTED and the v3 guidance. */
export function addV2Guidance(server: grpc.Server): void {
  for (const [service, names] of Object.entries(V2_SERVICES)) {
    const definition: Record<string, grpc.MethodDefinition<Buffer, Buffer>> = {};
    const handlers: grpc.UntypedServiceImplementation = {};
    for (const name of names) {
      definition[name] = method(service, name);
      const error = xdsErrors.xdsV2(`${service}/${name} is xDS v2`);
      const refusal = { code: error.code, details: error.message };
      handlers[name] = name.startsWith('Fetch')
        ? (_call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => callback(refusal)
        : (call: grpc.ServerDuplexStream<Buffer, Buffer>) => call.emit('error', refusal);
    }
    server.addService(definition, handlers);
  }
}

/** Type URLs of the v2 API (`type.googleapis.com/envoy.api.v2.Cluster`, `…/envoy.api.v2.auth.Secret`). */
export function isV2TypeUrl(typeUrl: string): boolean {
  return typeUrl.startsWith('type.googleapis.com/envoy.api.v2.');
}
