// The AggregatedDiscoveryService: its method paths, which the xDS server serves, and a grpc-js
// definition with raw-bytes (de)serializers for clients (protocol tests, the load generator,
// the demo) that encode requests and decode responses themselves.
import * as grpc from '@grpc/grpc-js';

const SERVICE = '/envoy.service.discovery.v3.AggregatedDiscoveryService';

const passThrough = (value: Buffer): Buffer => value;

/** A bidirectional-streaming method of the service that carries raw bytes both ways. */
function rawStream(name: string): grpc.MethodDefinition<Buffer, Buffer> {
  return {
    path: `${SERVICE}/${name}`,
    requestStream: true,
    responseStream: true,
    requestSerialize: passThrough,
    requestDeserialize: passThrough,
    responseSerialize: passThrough,
    responseDeserialize: passThrough,
    originalName: name.charAt(0).toLowerCase() + name.slice(1),
  };
}

/** Both methods carry raw bytes. */
export const ADS_SERVICE: grpc.ServiceDefinition = {
  StreamAggregatedResources: rawStream('StreamAggregatedResources'),
  DeltaAggregatedResources: rawStream('DeltaAggregatedResources'),
};

/** A client constructor for the same service (protocol tests, the load generator). */
export const AdsClient = grpc.makeGenericClientConstructor(ADS_SERVICE, 'AggregatedDiscoveryService');

/** The paths of the state-of-the-world and the delta method. */
export const ADS_METHOD_PATHS = { sotw: ADS_SERVICE.StreamAggregatedResources.path, delta: ADS_SERVICE.DeltaAggregatedResources.path } as const;
