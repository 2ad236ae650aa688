// A client that speaks xDS v2 (grpc-go before 1.36 without the v3 opt-in, Envoy with a v2 bootstrap)
// is told what to change, by a real @grpc/grpc-js client on the v2 methods and on a v3 stream.
import { strict as assert } from 'node:assert';
import * as grpc from '@grpc/grpc-js';
import { ProxyIdentity, TYPE_URLS } from '../../provider/envoy/snapshot';
import { encodeDiscoveryRequest } from '../../reconciler/xds/discovery-messages';
import { MemorySnapshotSource } from '../../reconciler/xds/snapshot-source';
import { XdsServer } from '../../reconciler/xds/xds-server';
import { AdsTestClient, grpcNode } from './helpers/ads-client';
import { cluster, snapshotOf } from './helpers/envoy-resources';

const serviceA: ProxyIdentity = { kind: 'VirtualNode', meshName: 'apps', name: 'serviceA' };
const GUIDANCE = /meshplane serves xDS v3 only; set `server_features: \["xds_v3"\]` in the gRPC bootstrap.*`transport_api_version: V3`/;

const bytes = (value: Buffer): Buffer => value;
const method = (path: string, streaming: boolean): grpc.MethodDefinition<Buffer, Buffer> => ({
  path,
  requestStream: streaming,
  responseStream: streaming,
  requestSerialize: bytes,
  requestDeserialize: bytes,
  responseSerialize: bytes,
  responseDeserialize: bytes,
});

/** The v2 ADS and CDS services as a v2 client has them compiled in. */
const V2Client = grpc.makeGenericClientConstructor(
  {
    StreamAggregatedResources: method('/envoy.service.discovery.v2.AggregatedDiscoveryService/StreamAggregatedResources', true),
    FetchClusters: method('/envoy.api.v2.ClusterDiscoveryService/FetchClusters', false),
  },
  'V2',
);

describe('xds: v2 clients get v3 guidance', () => {
  let server: XdsServer;
  let address: string;

  beforeEach(async () => {
    const source = new MemorySnapshotSource();
    source.update([{ proxy: serviceA, snapshots: [snapshotOf(serviceA, 'grpc', [cluster('b')])] }]);
    server = new XdsServer({ source });
    address = `127.0.0.1:${await server.listen('127.0.0.1:0')}`;
  });

  afterEach(async () => {
    await server.stop(500);
  });

  it('answers the v2 ADS stream with UNIMPLEMENTED and how to switch the client to v3', async () => {
    const client = new V2Client(address, grpc.credentials.createInsecure());
    try {
      const call = (client as unknown as { StreamAggregatedResources(): grpc.ClientDuplexStream<Buffer, Buffer> }).StreamAggregatedResources();
      call.on('error', () => undefined);
      // What grpc-go 1.33 sends first: a v2 LDS request (the v2 and v3 DiscoveryRequest share field numbers).
      call.write(encodeDiscoveryRequest({ node: grpcNode('mesh/apps/virtualNode/serviceA'), type_url: 'type.googleapis.com/envoy.api.v2.Listener', resource_names: ['serviceb.apps.local:80'] }));
      const status = await new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
      assert.equal(status.code, grpc.status.UNIMPLEMENTED);
      assert.match(status.details, /^envoy\.service\.discovery\.v2\.AggregatedDiscoveryService\/StreamAggregatedResources is xDS v2: /);
      assert.match(status.details, GUIDANCE);
      assert.match(status.details, /GRPC_XDS_EXPERIMENTAL_V3_SUPPORT=true/);
    } finally {
      client.close();
    }
  });

  it('answers a unary v2 fetch the same way', async () => {
    const client = new V2Client(address, grpc.credentials.createInsecure());
    try {
      const error = await new Promise<grpc.ServiceError>((resolve, reject) =>
        (client as unknown as { FetchClusters(request: Buffer, callback: (error: grpc.ServiceError | null) => void): void }).FetchClusters(Buffer.alloc(0), (e) =>
          e ? resolve(e) : reject(new Error('FetchClusters succeeded')),
        ),
      );
      assert.equal(error.code, grpc.status.UNIMPLEMENTED);
      assert.match(error.details, GUIDANCE);
    } finally {
      client.close();
    }
  });

  it('closes a v3 stream that asks for a v2 resource type with the same guidance, and admits no proxy', async () => {
    const client = new AdsTestClient(address);
    try {
      const stream = client.sotw();
      stream.send({ node: grpcNode('mesh/apps/virtualNode/serviceA'), type_url: 'type.googleapis.com/envoy.api.v2.Cluster', resource_names: ['b'] });
      const status = await stream.status;
      assert.equal(status.code, grpc.status.UNIMPLEMENTED);
      assert.match(status.details, /^type_url "type\.googleapis\.com\/envoy\.api\.v2\.Cluster" is an xDS v2 resource type: /);
      assert.match(status.details, GUIDANCE);
      assert.equal(server.proxies().length, 0);
      // The same stream kind with v3 types is served as before.
      const v3 = client.delta();
      v3.send({ node: grpcNode('mesh/apps/virtualNode/serviceA'), type_url: TYPE_URLS.cluster, resource_names_subscribe: ['b'] });
      assert.equal((await v3.next()).resources.length, 1);
      v3.close();
    } finally {
      client.close();
    }
  });
});
