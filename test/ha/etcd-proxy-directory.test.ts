// The etcd proxy directory against a real etcd and real xDS servers: a replica's proxies appear in
// another replica's directory, follow its ACKs, NACKs and served revision (throttled writes; a push's
// progress waits while its ACKs come in), and
// vanish with the replica's membership lease, revoked or expired.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { ProxyIdentity, TYPE_URLS } from '../../provider/envoy/snapshot';
import { connectEtcd, EtcdConnection, EtcdCoordination, EtcdProxyDirectory, MIN_WRITE_INTERVAL_MS, PENDING_WRITE_INTERVAL_MS, PROXIES_PREFIX, ReplicaProxies, xdsLocalProxies } from '../../reconciler/ha';
import { EtcdStateStore } from '../../reconciler/state/etcd-state-store';
import { MemorySnapshotSource } from '../../reconciler/xds/snapshot-source';
import { XdsServer } from '../../reconciler/xds/xds-server';
import { EtcdCluster, skipWithoutEtcd } from '../helpers/etcd-cluster';
import { TcpProxy } from '../helpers/tcp-proxy';
import { AdsTestClient, envoyNode } from '../xds/helpers/ads-client';
import { cluster, snapshotOf } from '../xds/helpers/envoy-resources';
import { eventually } from '../helpers/eventually';

const serviceA: ProxyIdentity = { kind: 'VirtualNode', meshName: 'apps', name: 'serviceA' };
const TTL_SECONDS = 2;

interface Replica {
  id: string;
  connection: EtcdConnection;
  coordination: EtcdCoordination;
  directory: EtcdProxyDirectory;
  source: MemorySnapshotSource;
  xds: XdsServer;
  client: AdsTestClient;
  revision: number;
}

describe('etcd proxy directory', function () {
  this.timeout(30_000);
  let cluster1: EtcdCluster;
  let prefix: string;
  const made: Replica[] = [];
  const proxies: TcpProxy[] = [];

  before(async function () {
    skipWithoutEtcd(this);
    cluster1 = await EtcdCluster.start(1);
  });
  after(async () => cluster1?.stop());
  beforeEach(() => {
    prefix = `/pd-${randomBytes(4).toString('hex')}/`;
  });
  afterEach(async () => {
    for (const r of made.splice(0)) {
      r.client.close();
      await r.directory.stop();
      await r.xds.stop(500);
      await r.coordination.stop().catch(() => undefined);
      r.connection.close();
    }
    for (const proxy of proxies.splice(0)) await proxy.stop();
  });

  async function replica(id: string, endpoint = cluster1.endpoints[0]): Promise<Replica> {
    const connection = connectEtcd({ endpoints: [endpoint], prefix, leaseTtlSeconds: TTL_SECONDS });
    const coordination = new EtcdCoordination(connection, new EtcdStateStore(connection), { replicaId: id });
    const source = new MemorySnapshotSource();
    source.update([{ proxy: serviceA, snapshots: [snapshotOf(serviceA, 'envoy', [cluster('b')])] }]);
    const xds = new XdsServer({ source });
    const port = await xds.listen('127.0.0.1:0');
    const directory = new EtcdProxyDirectory(connection, coordination);
    const r: Replica = { id, connection, coordination, directory, source, xds, client: new AdsTestClient(`127.0.0.1:${port}`), revision: 1 };
    directory.start(xdsLocalProxies(xds, (proxy) => (source.knows(proxy) ? 'apps' : undefined), () => r.revision));
    coordination.start({ xdsAddress: `127.0.0.1:${port}` });
    made.push(r);
    return r;
  }

  /** The cluster type of the proxies `of` sees for apps at `revision`, by identity. */
  const clusters = (of: Replica, revision = 1) => of.directory.proxies('apps', revision).map((p) => ({ identity: p.identity, ...p.types.cluster }));

  it('a replica\'s proxies appear in another replica\'s directory and follow their ACKs, NACKs and its served revision', async () => {
    const [a, b] = [await replica('a'), await replica('b')];
    const stream = b.client.sotw();
    stream.send({ node: envoyNode('mesh/apps/virtualNode/serviceA'), type_url: TYPE_URLS.cluster });
    const first = await stream.next();
    const sent = await eventually('b\'s proxy in a\'s directory', () => clusters(a)[0]);
    assert.equal(sent.identity, 'VirtualNode/apps/serviceA');
    assert.equal(sent.sent?.version, first.version_info);
    assert.equal(b.directory.proxies('apps', 1).length, 1, 'b counts its own proxy from memory');
    assert.equal(a.directory.proxies('other', 1).length, 0);

    stream.send({ type_url: TYPE_URLS.cluster, version_info: first.version_info, response_nonce: first.nonce });
    const acked = await eventually('the ACK in a\'s directory', () => clusters(a).find((c) => c.state === 'synced'));
    assert.equal(acked.acked?.version, first.version_info);

    b.source.update([{ proxy: serviceA, snapshots: [snapshotOf(serviceA, 'envoy', [cluster('b'), cluster('b2')])] }]);
    const bad = await stream.next();
    stream.send({ type_url: TYPE_URLS.cluster, version_info: first.version_info, response_nonce: bad.nonce, error_detail: { code: 3, message: 'cluster b2: no endpoints' } });
    const nacked = await eventually('the NACK in a\'s directory', () => clusters(a).find((c) => c.state === 'nacked'));
    assert.deepEqual(nacked.lastNack, { version: bad.version_info, error: 'cluster b2: no endpoints' });

    // Asked about revision 2 while b serves 1, b's proxy is not on it; b serves 2 and says so.
    b.source.update([{ proxy: serviceA, snapshots: [snapshotOf(serviceA, 'envoy', [cluster('b')])] }]);
    const back = await stream.next();
    stream.send({ type_url: TYPE_URLS.cluster, version_info: back.version_info, response_nonce: back.nonce });
    await eventually('the second ACK in a\'s directory', () => clusters(a).find((c) => c.state === 'synced' && c.acked?.version === back.version_info));
    assert.equal(clusters(a, 2)[0].state, 'pending');
    b.revision = 2;
    b.directory.changed();
    await eventually('b\'s new revision in a\'s directory', () => clusters(a, 2).find((c) => c.state === 'synced'));
    assert.equal(clusters(a, 1)[0].state, 'pending');

    // Its own proxies and the others': a's proxy is counted with b's.
    const own = a.client.sotw();
    own.send({ node: envoyNode('mesh/apps/virtualNode/serviceA'), type_url: TYPE_URLS.cluster });
    const answer = await own.next();
    own.send({ type_url: TYPE_URLS.cluster, version_info: answer.version_info, response_nonce: answer.nonce });
    await eventually('a to count both proxies', () => a.directory.proxies('apps', 2).length === 2);
    stream.close();
    own.close();
  });

  it('writes at most one summary per interval however often the proxies change', async () => {
    const [a, b] = [await replica('a'), await replica('b')];
    const watcher = await a.connection.namespace.watch().key(`${PROXIES_PREFIX}b`).create();
    const written: ReplicaProxies[] = [];
    watcher.on('put', (kv) => written.push(JSON.parse(gunzipSync(kv.value).toString('utf8'))));
    const stream = b.client.sotw();
    stream.send({ node: envoyNode('mesh/apps/virtualNode/serviceA'), type_url: TYPE_URLS.cluster });
    // ACKed, so no push is in progress: the short interval applies (a pending push's progress has its own, next test).
    const first = await stream.next();
    stream.send({ type_url: TYPE_URLS.cluster, version_info: first.version_info, response_nonce: first.nonce });
    await eventually('the synced summary', () => written.at(-1)?.environments.apps?.proxies[0]?.types.cluster?.state === 'synced');
    written.length = 0;
    const started = Date.now();
    for (let revision = 10; revision < 60; revision++) {
      b.revision = revision;
      b.directory.changed();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const elapsed = Date.now() - started;
    await eventually('the last revision to be written', () => written.at(-1)?.environments.apps?.revision === 59, 3_000);
    await watcher.cancel();
    const allowed = Math.ceil(elapsed / MIN_WRITE_INTERVAL_MS) + 1;
    assert.ok(written.length >= 2 && written.length <= allowed, `${written.length} writes in ${elapsed} ms (at most ${allowed})`);
    await eventually('a to see b at revision 59', () => a.directory.proxies('apps', 59)[0]?.types.cluster.state === 'synced');
    stream.close();
  });

  it('while a push is being ACKed its progress is written at most once a second; the settled summary goes at once', async () => {
    const [a, b] = [await replica('a'), await replica('b')];
    const watcher = await a.connection.namespace.watch().key(`${PROXIES_PREFIX}b`).create();
    const written: Array<{ at: number; state: string | undefined; version: string | undefined }> = [];
    watcher.on('put', (kv) => {
      const summary = JSON.parse(gunzipSync(kv.value).toString('utf8')) as ReplicaProxies;
      const proxy = summary.environments.apps?.proxies[0];
      written.push({ at: Date.now(), state: proxy?.types.cluster?.state, version: proxy?.types.cluster?.acked?.version });
    });
    const stream = b.client.sotw();
    stream.send({ node: envoyNode('mesh/apps/virtualNode/serviceA'), type_url: TYPE_URLS.cluster });
    const first = await stream.next();
    stream.send({ type_url: TYPE_URLS.cluster, version_info: first.version_info, response_nonce: first.nonce });
    await eventually('the synced summary', () => written.find((w) => w.state === 'synced'));

    // A push, ACKed within the interval: nothing is written while it is pending, the ACK is written at once.
    written.length = 0;
    b.source.update([{ proxy: serviceA, snapshots: [snapshotOf(serviceA, 'envoy', [cluster('b'), cluster('b2')])] }]);
    const second = await stream.next();
    b.directory.changed();
    await new Promise((resolve) => setTimeout(resolve, 3 * MIN_WRITE_INTERVAL_MS));
    assert.equal(written.length, 0, 'no summary while the push is pending');
    const ackedAt = Date.now();
    stream.send({ type_url: TYPE_URLS.cluster, version_info: second.version_info, response_nonce: second.nonce });
    const settled = await eventually('the ACK in a\'s directory', () => written.find((w) => w.version === second.version_info));
    assert.ok(settled.at - ackedAt < PENDING_WRITE_INTERVAL_MS, `written ${settled.at - ackedAt} ms after the ACK`);
    assert.deepEqual(written.map((w) => w.state), ['synced'], 'one write for the push: the settled summary');

    // A push that is not ACKed (the daemon says when it serves a new revision): its pending state
    // is written once it has waited the interval, then nothing while nothing changes.
    written.length = 0;
    const pushedAt = Date.now();
    b.source.update([{ proxy: serviceA, snapshots: [snapshotOf(serviceA, 'envoy', [cluster('b')])] }]);
    await stream.next();
    b.directory.changed();
    const pending = await eventually('the pending proxy in a\'s directory', () => written.find((w) => w.state === 'pending'), 5_000);
    assert.ok(pending.at - pushedAt >= PENDING_WRITE_INTERVAL_MS, `written ${pending.at - pushedAt} ms after the push`);
    await new Promise((resolve) => setTimeout(resolve, PENDING_WRITE_INTERVAL_MS + 3 * MIN_WRITE_INTERVAL_MS));
    assert.equal(written.length, 1, 'nothing more to write while nothing changes');
    await watcher.cancel();
    stream.close();
  });

  it('a replica\'s proxies vanish when its lease is revoked (stop) or expires (partition), and return with its new lease', async () => {
    const partition = await TcpProxy.start(Number(new URL(cluster1.endpoints[0]).port));
    proxies.push(partition);
    const [a, b, c] = [await replica('a'), await replica('b'), await replica('c', partition.url)];
    for (const r of [b, c]) {
      const stream = r.client.sotw();
      stream.send({ node: envoyNode('mesh/apps/virtualNode/serviceA'), type_url: TYPE_URLS.cluster });
      await stream.next();
    }
    await eventually('a to see the proxies of b and c', () => a.directory.proxies('apps', 1).length === 2);

    await b.coordination.stop(); // a graceful stop revokes the membership lease
    await eventually('b\'s proxy to vanish at once', () => a.directory.proxies('apps', 1).length === 1, 1_500);
    const others = async () => (await a.connection.namespace.getAll().prefix(PROXIES_PREFIX).keys()).filter((key) => key !== `${PROXIES_PREFIX}a`);
    assert.deepEqual(await others(), [`${PROXIES_PREFIX}c`]);

    // c is cut off from etcd: its lease is no longer kept alive and expires within the TTL.
    const cutAt = Date.now();
    partition.cut();
    await eventually('c\'s proxy to vanish with its lease', () => a.directory.proxies('apps', 1).length === 0, (TTL_SECONDS + 3) * 1000);
    assert.ok(Date.now() - cutAt >= 1_000, 'the entry stayed while the lease lived');
    assert.deepEqual(await others(), []);

    // Back in touch, c registers on a new lease and publishes its proxies again.
    partition.heal();
    await eventually('c\'s proxy to return', () => a.directory.proxies('apps', 1).length === 1, 10_000);
  });
});
