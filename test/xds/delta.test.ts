// Incremental (delta) ADS against a real grpc-js server, driven by a protocol-level client.
import { strict as assert } from 'node:assert';
import { ProxyIdentity, TYPE_URLS } from '../../provider/envoy/snapshot';
import { MemorySnapshotSource } from '../../reconciler/xds/snapshot-source';
import { versionOf } from '../../reconciler/xds/versions';
import { XdsServer } from '../../reconciler/xds/xds-server';
import { AdsTestClient, envoyNode } from './helpers/ads-client';
import { apiListener, cluster, endpoints, routeConfig, snapshotOf } from './helpers/envoy-resources';

const serviceA: ProxyIdentity = { kind: 'VirtualNode', meshName: 'apps', name: 'serviceA' };
const NODE = 'mesh/apps/virtualNode/serviceA';

describe('xds: delta ADS', () => {
  let source: MemorySnapshotSource;
  let server: XdsServer;
  let client: AdsTestClient;

  const publish = (...resources: ReturnType<typeof cluster>[]) =>
    source.update([{ proxy: serviceA, snapshots: [snapshotOf(serviceA, 'envoy', resources)] }]);

  beforeEach(async () => {
    source = new MemorySnapshotSource();
    publish(cluster('b'), cluster('b2'), endpoints('b', 8001), apiListener('l', 'r'), routeConfig('r', { b: 1 }));
    server = new XdsServer({ source });
    client = new AdsTestClient(`127.0.0.1:${await server.listen('127.0.0.1:0')}`);
  });

  afterEach(async () => {
    client?.close();
    await server?.stop(1000);
  });

  it('sends a wildcard subscription everything once, then only what changed, removals last', async () => {
    const stream = client.delta();
    stream.send({ node: envoyNode(NODE), type_url: TYPE_URLS.cluster });
    const first = await stream.next();
    assert.deepEqual(first.resources.map((r) => r.name).sort(), ['b', 'b2']);
    assert.equal(first.resources[0].version, cluster(first.resources[0].name).hash);
    assert.equal(first.system_version_info, versionOf([cluster('b'), cluster('b2')]));
    stream.send({ type_url: TYPE_URLS.cluster, response_nonce: first.nonce });
    stream.send({ type_url: TYPE_URLS.clusterLoadAssignment, resource_names_subscribe: ['b'] });
    const eds = await stream.next();
    stream.send({ type_url: TYPE_URLS.clusterLoadAssignment, response_nonce: eds.nonce });
    await stream.expectSilence(100);
    assert.equal(server.proxies()[0].types.cluster.acked?.version, first.system_version_info);
    assert.equal(server.proxies()[0].protocol, 'delta');

    // Change b's endpoints, add c, drop b2: CDS update, EDS update, then the CDS removal.
    publish(cluster('b'), cluster('c'), endpoints('b', 9001), apiListener('l', 'r'), routeConfig('r', { b: 1 }));
    const cdsUpdate = await stream.next();
    assert.equal(cdsUpdate.type_url, TYPE_URLS.cluster);
    assert.deepEqual(cdsUpdate.resources.map((r) => r.name), ['c']);
    assert.deepEqual(cdsUpdate.removed_resources, []);
    const edsUpdate = await stream.next();
    assert.equal(edsUpdate.type_url, TYPE_URLS.clusterLoadAssignment);
    assert.deepEqual(edsUpdate.resources.map((r) => r.name), ['b']);
    const cdsRemoval = await stream.next();
    assert.equal(cdsRemoval.type_url, TYPE_URLS.cluster);
    assert.deepEqual(cdsRemoval.resources, []);
    assert.deepEqual(cdsRemoval.removed_resources, ['b2']);
    assert.equal(cdsRemoval.system_version_info, versionOf([cluster('b'), cluster('c')]));
    // Envoy ACKs each in turn: the CDS update's ACK answers an older nonce, yet the removal's ACK
    // means the proxy holds all it was sent of the type, c included.
    for (const response of [cdsUpdate, edsUpdate, cdsRemoval]) stream.send({ type_url: response.type_url, response_nonce: response.nonce });
    await stream.expectSilence(100);
    const { cluster: clusters } = server.proxies()[0].types;
    assert.equal(clusters.acked?.version, cdsRemoval.system_version_info);
    assert.equal(clusters.state, 'synced', JSON.stringify(clusters));
    stream.close();
  });

  it('spares a reconnecting proxy what its initial_resource_versions already hold', async () => {
    const stream = client.delta();
    stream.send({
      node: envoyNode(NODE),
      type_url: TYPE_URLS.cluster,
      initial_resource_versions: { b: cluster('b').hash, b2: 'stale-version', gone: 'x' },
    });
    const response = await stream.next();
    assert.deepEqual(response.resources.map((r) => r.name), ['b2']);
    assert.deepEqual(response.removed_resources, ['gone']);
    stream.close();
  });

  it('follows subscribe and unsubscribe, and says which subscribed names do not exist', async () => {
    const stream = client.delta();
    stream.send({ node: envoyNode(NODE), type_url: TYPE_URLS.routeConfiguration, resource_names_subscribe: ['r', 'missing'] });
    const first = await stream.next();
    assert.deepEqual(first.resources.map((r) => r.name), ['r']);
    assert.deepEqual(first.removed_resources, ['missing']);
    stream.send({ type_url: TYPE_URLS.routeConfiguration, response_nonce: first.nonce, resource_names_unsubscribe: ['r'] });
    // Unsubscribing needs no answer; a later change to r is not sent.
    await stream.expectSilence(150);
    publish(cluster('b'), cluster('b2'), endpoints('b', 8001), apiListener('l', 'r'), routeConfig('r', { b: 2 }));
    await stream.expectSilence(150);
    stream.send({ type_url: TYPE_URLS.routeConfiguration, resource_names_subscribe: ['r'] });
    const again = await stream.next();
    assert.deepEqual(again.resources.map((r) => r.name), ['r']);
    stream.close();
  });

  it('records a NACK and never resends the rejected resource version', async () => {
    const stream = client.delta();
    stream.send({ node: envoyNode(NODE), type_url: TYPE_URLS.routeConfiguration, resource_names_subscribe: ['r'] });
    const good = await stream.next();
    stream.send({ type_url: TYPE_URLS.routeConfiguration, response_nonce: good.nonce });
    await stream.expectSilence(100);
    publish(cluster('b'), cluster('b2'), endpoints('b', 8001), apiListener('l', 'r'), routeConfig('r', { b: 0 }));
    const bad = await stream.next();
    stream.send({ type_url: TYPE_URLS.routeConfiguration, response_nonce: bad.nonce, error_detail: { code: 3, message: 'weights must sum above 0' } });
    await stream.expectSilence(100);
    const status = server.proxies()[0].types.routeConfiguration;
    assert.equal(status.acked?.version, good.system_version_info);
    assert.equal(status.lastNack?.error, 'weights must sum above 0');
    assert.equal(status.state, 'nacked');
    // Same rejected content republished (e.g. another resource changed): r is not sent again.
    publish(cluster('b'), cluster('b2'), endpoints('b', 8001), apiListener('l', 'r'), routeConfig('r', { b: 0 }), cluster('extra'));
    await stream.expectSilence(200);
    stream.close();
  });
});
