// State-of-the-world ADS against a real grpc-js server, driven by a protocol-level client.
import { strict as assert } from 'node:assert';
import { ProxyIdentity, TYPE_URLS } from '../../provider/envoy/snapshot';
import { MemorySnapshotSource } from '../../reconciler/xds/snapshot-source';
import { versionOf } from '../../reconciler/xds/versions';
import { XdsServer } from '../../reconciler/xds/xds-server';
import { AdsTestClient, envoyNode, grpcNode } from './helpers/ads-client';
import { apiListener, cluster, endpoints, routeConfig, snapshotOf } from './helpers/envoy-resources';

const serviceA: ProxyIdentity = { kind: 'VirtualNode', meshName: 'apps', name: 'serviceA' };
const NODE = 'mesh/apps/virtualNode/serviceA';

function baseResources(weights: Record<string, number> = { b: 75, b2: 25 }) {
  return [
    cluster('b'),
    cluster('b2'),
    endpoints('b', 8001),
    endpoints('b2', 8002),
    apiListener('serviceb.apps.local:80', 'route-b'),
    routeConfig('route-b', weights),
  ];
}

describe('xds: state-of-the-world ADS', () => {
  let source: MemorySnapshotSource;
  let server: XdsServer;
  let client: AdsTestClient;

  beforeEach(async () => {
    source = new MemorySnapshotSource();
    source.update([{ proxy: serviceA, snapshots: [snapshotOf(serviceA, 'envoy', baseResources()), snapshotOf(serviceA, 'grpc', baseResources())] }]);
    server = new XdsServer({ source });
    const port = await server.listen('127.0.0.1:0');
    client = new AdsTestClient(`127.0.0.1:${port}`);
  });

  afterEach(async () => {
    client?.close();
    await server?.stop(1000);
  });

  it('answers a wildcard CDS subscription with every cluster, versioned by content, and is silent on ACK', async () => {
    const stream = client.sotw();
    stream.send({ node: envoyNode(NODE), type_url: TYPE_URLS.cluster });
    const response = await stream.next();
    assert.equal(response.type_url, TYPE_URLS.cluster);
    assert.deepEqual(response.resources.map((r) => r.type_url), [TYPE_URLS.cluster, TYPE_URLS.cluster]);
    assert.equal(response.version_info, versionOf([cluster('b'), cluster('b2')]));
    assert.ok(response.nonce);
    stream.send({ type_url: TYPE_URLS.cluster, version_info: response.version_info, response_nonce: response.nonce });
    await stream.expectSilence();
    const [status] = server.proxies();
    assert.equal(status.flavour, 'envoy');
    assert.equal(status.types.cluster.acked?.version, response.version_info);
    assert.equal(status.types.cluster.state, 'synced');
    stream.close();
  });

  it('serves named subscriptions and follows subscription changes mid-stream', async () => {
    const stream = client.sotw();
    stream.send({ node: grpcNode(NODE), type_url: TYPE_URLS.listener, resource_names: ['serviceb.apps.local:80'] });
    const lds = await stream.next();
    assert.equal(lds.resources.length, 1);
    stream.send({ type_url: TYPE_URLS.listener, version_info: lds.version_info, response_nonce: lds.nonce, resource_names: ['serviceb.apps.local:80'] });
    stream.send({ type_url: TYPE_URLS.clusterLoadAssignment, resource_names: ['b'] });
    const eds = await stream.next();
    assert.equal(eds.resources.length, 1);
    assert.equal(eds.version_info, versionOf([endpoints('b', 8001)]));
    // Add b2 with an ACK of the previous response: a new response with both.
    stream.send({ type_url: TYPE_URLS.clusterLoadAssignment, version_info: eds.version_info, response_nonce: eds.nonce, resource_names: ['b', 'b2'] });
    const eds2 = await stream.next();
    assert.equal(eds2.resources.length, 2);
    // Names that do not exist are left out; the subscription still counts.
    stream.send({ type_url: TYPE_URLS.clusterLoadAssignment, version_info: eds2.version_info, response_nonce: eds2.nonce, resource_names: ['b2', 'nope'] });
    const eds3 = await stream.next();
    assert.equal(eds3.resources.length, 1);
    assert.equal(server.proxies()[0].flavour, 'grpc');
    stream.close();
  });

  it('does not resend unchanged resources and ignores requests with a stale nonce', async () => {
    const stream = client.sotw();
    stream.send({ node: envoyNode(NODE), type_url: TYPE_URLS.clusterLoadAssignment, resource_names: ['b'] });
    const first = await stream.next();
    // Same content again (new objects, same bytes): no push.
    source.update([{ proxy: serviceA, snapshots: [snapshotOf(serviceA, 'envoy', baseResources())] }]);
    await stream.expectSilence();
    // A changed endpoint is pushed with a new version.
    source.update([{ proxy: serviceA, snapshots: [snapshotOf(serviceA, 'envoy', [...baseResources().filter((r) => r.name !== 'b'), endpoints('b', 9001)])] }]);
    const second = await stream.next();
    assert.notEqual(second.version_info, first.version_info);
    // A request carrying the first (stale) nonce, even with a new subscription, is ignored.
    stream.send({ type_url: TYPE_URLS.clusterLoadAssignment, version_info: first.version_info, response_nonce: first.nonce, resource_names: ['b', 'b2'] });
    await stream.expectSilence();
    assert.equal(server.proxies()[0].types.clusterLoadAssignment.acked, undefined);
    stream.close();
  });

  it('serves identical versions from a restarted server, and does not push what a reconnecting proxy already has', async () => {
    const stream = client.sotw();
    stream.send({ node: envoyNode(NODE), type_url: TYPE_URLS.cluster });
    const before = await stream.next();
    stream.close();
    await server.stop(1000);
    server = new XdsServer({ source });
    const port = await server.listen('127.0.0.1:0');
    client.close();
    client = new AdsTestClient(`127.0.0.1:${port}`);
    const fresh = client.sotw();
    fresh.send({ node: envoyNode(NODE), type_url: TYPE_URLS.cluster });
    assert.equal((await fresh.next()).version_info, before.version_info);
    const reconnect = client.sotw();
    reconnect.send({ node: envoyNode(NODE), type_url: TYPE_URLS.cluster, version_info: before.version_info });
    await reconnect.expectSilence();
    fresh.close();
    reconnect.close();
  });

  it('pushes make-before-break: CDS, EDS, LDS, RDS, then the removal', async () => {
    const stream = client.sotw();
    const node = envoyNode(NODE);
    stream.send({ node, type_url: TYPE_URLS.cluster });
    const cds = await stream.next();
    stream.send({ type_url: TYPE_URLS.cluster, version_info: cds.version_info, response_nonce: cds.nonce });
    stream.send({ type_url: TYPE_URLS.clusterLoadAssignment, resource_names: ['b', 'b2'] });
    const eds = await stream.next();
    stream.send({ type_url: TYPE_URLS.clusterLoadAssignment, version_info: eds.version_info, response_nonce: eds.nonce, resource_names: ['b', 'b2'] });
    stream.send({ type_url: TYPE_URLS.listener });
    const lds = await stream.next();
    stream.send({ type_url: TYPE_URLS.listener, version_info: lds.version_info, response_nonce: lds.nonce });
    stream.send({ type_url: TYPE_URLS.routeConfiguration, resource_names: ['route-b'] });
    await stream.next();
    // Retire b (cluster and endpoints), add c, route everything to c, and rename the listener.
    source.update([
      {
        proxy: serviceA,
        snapshots: [
          snapshotOf(serviceA, 'envoy', [
            cluster('b2'),
            cluster('c'),
            endpoints('b2', 8002),
            endpoints('c', 8003),
            apiListener('serviceb.apps.local:8080', 'route-b'),
            routeConfig('route-b', { c: 100 }),
          ]),
        ],
      },
    ]);
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await stream.next();
      order.push(`${response.type_url.split('.').pop()}:${response.resources.length}`);
    }
    // CDS keeps b until the routes no longer use it; LDS keeps the old listener until routes are out.
    assert.deepEqual(order, ['Cluster:3', 'ClusterLoadAssignment:1', 'Listener:2', 'RouteConfiguration:1', 'Listener:1', 'Cluster:2']);
    stream.close();
  });

  it('records a NACK with its error text, keeps the ACKed version, and never resends the rejected version', async () => {
    const stream = client.sotw();
    stream.send({ node: envoyNode(NODE), type_url: TYPE_URLS.routeConfiguration, resource_names: ['route-b'] });
    const good = await stream.next();
    stream.send({ type_url: TYPE_URLS.routeConfiguration, version_info: good.version_info, response_nonce: good.nonce, resource_names: ['route-b'] });
    await stream.expectSilence(100);
    source.update([{ proxy: serviceA, snapshots: [snapshotOf(serviceA, 'envoy', baseResources({ b: 0, b2: 0 }))] }]);
    const bad = await stream.next();
    stream.send({
      type_url: TYPE_URLS.routeConfiguration,
      version_info: good.version_info,
      response_nonce: bad.nonce,
      resource_names: ['route-b'],
      error_detail: { code: 3, message: 'route-b: total weight of weighted clusters must be > 0' },
    });
    await stream.expectSilence(100);
    const status = server.proxies()[0].types.routeConfiguration;
    assert.equal(status.acked?.version, good.version_info);
    assert.equal(status.sent?.version, bad.version_info);
    assert.equal(status.lastNack?.version, bad.version_info);
    assert.equal(status.lastNack?.error, 'route-b: total weight of weighted clusters must be > 0');
    assert.equal(status.state, 'nacked');
    // Flip to good content and back to the rejected content: the rejected version is not sent again.
    source.update([{ proxy: serviceA, snapshots: [snapshotOf(serviceA, 'envoy', baseResources({ b: 50, b2: 50 }))] }]);
    const fixed = await stream.next();
    stream.send({ type_url: TYPE_URLS.routeConfiguration, version_info: fixed.version_info, response_nonce: fixed.nonce, resource_names: ['route-b'] });
    source.update([{ proxy: serviceA, snapshots: [snapshotOf(serviceA, 'envoy', baseResources({ b: 0, b2: 0 }))] }]);
    await stream.expectSilence();
    assert.equal(server.proxies()[0].types.routeConfiguration.state, 'synced');
    stream.close();
  });

  it('sends a proxy only its own identity\'s configuration', async () => {
    const serviceC: ProxyIdentity = { kind: 'VirtualNode', meshName: 'apps', name: 'serviceC' };
    source.update([{ proxy: serviceC, snapshots: [snapshotOf(serviceC, 'envoy', [cluster('only-for-c')])] }]);
    const a = client.sotw();
    const c = client.sotw();
    a.send({ node: envoyNode(NODE), type_url: TYPE_URLS.cluster });
    c.send({ node: envoyNode('mesh/apps/virtualNode/serviceC'), type_url: TYPE_URLS.cluster });
    const [forA, forC] = await Promise.all([a.next(), c.next()]);
    assert.equal(forA.resources.length, 2);
    assert.equal(forC.resources.length, 1);
    assert.equal(forC.version_info, versionOf([cluster('only-for-c')]));
    // A change to serviceC pushes to serviceC only.
    source.update([{ proxy: serviceC, snapshots: [snapshotOf(serviceC, 'envoy', [cluster('only-for-c'), cluster('c2')])] }]);
    assert.equal((await c.next()).resources.length, 2);
    await a.expectSilence(200);
    a.close();
    c.close();
  });

  it('ends streams with OK on graceful shutdown', async () => {
    const stream = client.sotw();
    stream.send({ node: envoyNode(NODE), type_url: TYPE_URLS.cluster });
    await stream.next();
    await server.stop(1000);
    const status = await stream.status;
    assert.equal(status.code, 0);
  });
});
