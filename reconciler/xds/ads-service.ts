// The AggregatedDiscoveryService definition for grpc-js, with our own (de)serializers so that
// responses are assembled from pre-encoded resources instead of being re-encoded per proxy.
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

/** Both methods carry raw bytes; the stream handlers decode requests and encode responses themselves. */
export const ADS_SERVICE: grpc.ServiceDefinition = {
  StreamAggregatedResources: rawStream('StreamAggregatedResources'),
  DeltaAggregatedResources: rawStream('DeltaAggregatedResources'),
};

/** A client constructor for the same service (protocol tests, the load generator). */
export const AdsClient = grpc.makeGenericClientConstructor(ADS_SERVICE, 'AggregatedDiscoveryService');
