// The AggregatedDiscoveryService definition for grpc-js, with our own (de)serializers so that
// responses are assembled from pre-encoded resources instead of being re-encoded per proxy.
import * as grpc from '@grpc/grpc-js';

const SERVICE = '/envoy.service.discovery.v3.AggregatedDiscoveryService';

const passThrough = (value: Buffer): Buffer => value;

/** Both methods carry raw bytes; the stream handlers decode requests and encode responses themselves. */
export const ADS_SERVICE: grpc.ServiceDefinition = {
  StreamAggregatedResources: {
    path: `${SERVICE}/StreamAggregatedResources`,
    requestStream: true,
    responseStream: true,
    requestSerialize: passThrough,
    requestDeserialize: passThrough,
    responseSerialize: passThrough,
    responseDeserialize: passThrough,
    originalName: 'streamAggregatedResources',
  },
  DeltaAggregatedResources: {
    path: `${SERVICE}/DeltaAggregatedResources`,
    requestStream: true,
    responseStream: true,
    requestSerialize: passThrough,
    requestDeserialize: passThrough,
    responseSerialize: passThrough,
    responseDeserialize: passThrough,
    originalName: 'deltaAggregatedResources',
  },
};

/** A client constructor for the same service (protocol tests, the load generator). */
export const AdsClient = grpc.makeGenericClientConstructor(ADS_SERVICE, 'AggregatedDiscoveryService');
