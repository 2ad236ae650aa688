// The etcd state store against a real single-member etcd: the StateStore contract (CAS commits,
// history, locks, damaged values detected), the applied-revision watch, and fenced commits.
import * as assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { connectEtcd, EtcdConnection, FencedWriteError, NotLeaderError } from '../../reconciler/ha';
import { applyEnvironment } from '../../reconciler/plan';
import { StateConflictError, StateCorruptError, StateLockedError } from '../../reconciler/state';
import { EtcdStateStore } from '../../reconciler/state/etcd-state-store';
import { EtcdCluster, skipWithoutEtcd } from '../helpers/etcd-cluster';
import { markedResources, markerOf, SETTINGS } from '../state/state-fixtures';

describe('etcd state store', function () {
  this.timeout(30_000);
  let cluster: EtcdCluster;
  let connection: EtcdConnection;
  let store: EtcdStateStore;

  before(async function () {
    skipWithoutEtcd(this);
    cluster = await EtcdCluster.start(1);
  });
  after(async () => cluster?.stop());
  beforeEach(() => {
    // A fresh prefix per test: the same cluster, isolated keys.
    connection = connectEtcd({ endpoints: cluster.endpoints, prefix: `/t-${randomBytes(4).toString('hex')}/`, leaseTtlSeconds: 2 });
    store = new EtcdStateStore(connection);
  });
  afterEach(() => connection?.close());

  const applyMarker = (marker: number, target = store) =>
    applyEnvironment({ store: target, config: SETTINGS, desired: markedResources(marker, 3), commit: `c${marker}` });

  it('reads nothing before the first apply, then the applied revision and its history', async () => {
    assert.equal(await store.read('apps'), undefined);
    assert.deepEqual(await store.history('apps'), []);
    const first = await applyMarker(1);
    const second = await applyMarker(2);
    assert.equal(second.status, 'applied');
    assert.deepEqual(await store.read('apps'), second.revision);
    assert.deepEqual((await store.history('apps')).map((h) => [h.revision, h.commit]), [[1, 'c1'], [2, 'c2']]);
    assert.deepEqual(await store.readRevision('apps', 1), first.revision);
    assert.equal(await store.readRevision('apps', 3), undefined);
    assert.equal((await applyMarker(2)).status, 'no-changes');
  });

  it('stores history compressed, so an environment of thousands of resources fits etcd\'s request limit', async () => {
    const big = await applyEnvironment({ store, config: SETTINGS, desired: markedResources(1, 3000), commit: 'big' });
    const stored = (await connection.namespace.get(store.historyKey('apps', 1)).buffer())!;
    assert.ok(stored.length < 1024 * 1024, `${stored.length} bytes`);
    assert.deepEqual(await store.read('apps'), big.revision);
  });

  it('commits with compare-and-swap on the applied key', async () => {
    const first = await applyMarker(1);
    await assert.rejects(store.commit('apps', { ...first.revision!, revision: 2 }, 0), /expected revision 0, found 1/);
    // Two stores (two replicas) racing for revision 2: exactly one wins.
    const other = new EtcdStateStore(connection);
    const next = (marker: number) => ({ ...first.revision!, revision: 2, commit: `race${marker}` });
    const results = await Promise.allSettled([store.commit('apps', next(1), 1), other.commit('apps', next(2), 1)]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.ok(failed.reason instanceof StateConflictError, String(failed.reason));
    assert.equal((await store.history('apps')).length, 2);
  });

  it('never mixes two concurrent applies: each revision is whole', async () => {
    const stores = [store, new EtcdStateStore(connection), new EtcdStateStore(connection)];
    await Promise.all(stores.map(async (s, i) => {
      for (let round = 0; round < 4; round++) {
        await applyEnvironment({ store: s, config: SETTINGS, desired: markedResources(10 * i + round, 3), commit: `c${i}-${round}`, lockTimeoutMs: 10_000 });
      }
    }));
    const history = await store.history('apps');
    assert.equal(history.length, 12);
    for (const entry of history) markerOf((await store.readRevision('apps', entry.revision))!.resources);
  });

  it('locks an environment with a lease: a second writer is told who holds it', async () => {
    const lock = await store.lock('apps', 'meshplane apply');
    await assert.rejects(store.lock('apps', 'meshplane serve'), (error: unknown) => {
      assert.ok(error instanceof StateLockedError);
      assert.match(error.message, /locked by process \d+ .*meshplane apply/);
      return true;
    });
    await lock.release();
    const again = await store.lock('apps', 'meshplane serve');
    await again.release();
  });

  it('a lock whose holder died expires with its lease', async () => {
    const holder = fork(path.join(__dirname, 'lock-holder-child.js'), [cluster.endpoints.join(','), connection.settings.prefix, 'apps'], { stdio: 'inherit' });
    await new Promise((resolve) => holder.once('message', resolve));
    await assert.rejects(store.lock('apps', 'meshplane serve'), StateLockedError);
    holder.kill('SIGKILL');
    const started = Date.now();
    const lock = await store.lock('apps', 'meshplane serve', { timeoutMs: 10_000 });
    assert.ok(Date.now() - started < 6_000, `took ${Date.now() - started} ms`);
    await lock.release();
  });

  it('detects damaged values instead of reading them as empty', async () => {
    await applyMarker(1);
    await connection.namespace.put(store.historyKey('apps', 1)).value('{"format":"meshplane-state/1","checksum":"sha256:00","revision":{}}').exec();
    await assert.rejects(store.read('apps'), (error: unknown) => error instanceof StateCorruptError && /checksum does not match/.test(error.message));
    await connection.namespace.put(store.historyKey('apps', 1)).value(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0])).exec();
    await assert.rejects(store.read('apps'), /compressed content is damaged/);
    await connection.namespace.put(store.appliedKey('apps')).value('garbage').exec();
    await assert.rejects(store.read('apps'), StateCorruptError);
  });

  /** Records the keys the store reads one by one (each a round trip to etcd). */
  const spyOnGets = (target: EtcdConnection): string[] => {
    const keys: string[] = [];
    const get = target.namespace.get.bind(target.namespace);
    target.namespace.get = (key: string | Buffer) => (keys.push(key.toString()), get(key));
    return keys;
  };

  it('an apply after the first is two etcd round trips on its path: the lock transaction (which reads the pointer, on the store\'s one lease) and the commit', async () => {
    await applyMarker(1);
    const trips: string[] = [];
    const ns = connection.namespace as unknown as Record<string, (...args: unknown[]) => Record<string, (...args: unknown[]) => unknown>>;
    const spy = (method: string, finish: string, label: (args: unknown[]) => string) => {
      const original = ns[method].bind(ns);
      ns[method] = (...args: unknown[]) => {
        const builder = original(...args);
        const run = builder[finish].bind(builder);
        builder[finish] = (...rest: unknown[]) => (trips.push(label(args)), run(...rest));
        return builder;
      };
    };
    spy('get', 'exec', (args) => `get ${String(args[0])}`);
    spy('if', 'commit', (args) => `txn on ${String(args[0])}`);
    const lease = ns.lease.bind(ns);
    ns.lease = (...args: unknown[]) => (trips.push('lease'), lease(...args));
    await applyMarker(2);
    const onPath = trips.filter((trip) => !trip.startsWith(`get ${store.historyKey('apps', 1)}`));
    // the third is the release (deleting only this lock's key), which the caller does not wait for
    assert.deepEqual(onPath, [`txn on ${store.lockKey('apps')}`, `txn on ${store.appliedKey('apps')}`, `txn on ${store.lockKey('apps')}`]);
  });

  it('the store\'s lock lease is granted again once etcd has lost it (revoked, or expired), and the next apply goes through', async () => {
    await applyMarker(1);
    const lockLease = async () => (await connection.namespace.get(store.lockKey('apps')).exec()).kvs[0]?.lease;
    const held = await store.lock('apps', 'test');
    const first = await lockLease();
    await held.release();
    // etcd ends the lease (revoked by an operator, or expired while the process was paused); the
    // store has not heard of it yet when the next apply takes the lock.
    await connection.namespace.leaseClient.leaseRevoke({ ID: first! });
    assert.equal((await applyMarker(2)).status, 'applied');
    assert.equal((await store.read('apps'))!.revision, 2);
    const again = await store.lock('apps', 'test');
    const second = await lockLease();
    assert.ok(second && second !== first, `a new lease (${first} -> ${second})`);
    // …which is kept alive: the lock outlives the lease's TTL (2 s).
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    assert.equal(await lockLease(), second);
    await again.release();
    // Lost again, and this time the keep-alive hears of it (every TTL / 3) before the next apply.
    await connection.namespace.leaseClient.leaseRevoke({ ID: second });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.equal((await applyMarker(3)).status, 'applied');
    const third = await store.lock('apps', 'test');
    assert.ok(![first, second].includes(await lockLease()), 'a third lease');
    await third.release();
  });

  it('while the applied watch runs, a follower reads the leader\'s revision with the pointer alone, and a rewritten history key is still reported', async () => {
    const followerConnection = connectEtcd({ ...connection.settings, endpoints: cluster.endpoints });
    try {
      const follower = new EtcdStateStore(followerConnection);
      const seen: number[] = [];
      const stop = await follower.watchApplied((_environment, revision) => seen.push(revision));
      const applied = await applyMarker(1);
      const deadline = Date.now() + 5000;
      while (seen.length < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      const keys = spyOnGets(followerConnection);
      assert.deepEqual(await follower.read('apps'), applied.revision);
      assert.deepEqual(keys, [follower.appliedKey('apps')]);
      await connection.namespace.put(store.historyKey('apps', 1)).value('{"format":"meshplane-state/1","checksum":"sha256:00","revision":{}}').exec();
      let error: unknown;
      while (!error && Date.now() < deadline) {
        error = await follower.read('apps').then(() => undefined, (e: unknown) => e);
        if (!error) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.ok(error instanceof StateCorruptError, String(error));
      await stop();
    } finally {
      followerConnection.close();
    }
  });

  it('tells watchers when an applied revision changes, with the revision the commit\'s transaction delivered (a follower serves it without a read)', async () => {
    const followerConnection = connectEtcd({ ...connection.settings, endpoints: cluster.endpoints });
    try {
      const follower = new EtcdStateStore(followerConnection);
      const seen: [string, number][] = [];
      const delivered: unknown[] = [];
      const stop = await follower.watchApplied((environment, revision, applied) => (seen.push([environment, revision]), delivered.push(applied)));
      const first = await applyMarker(1);
      const second = await applyMarker(2);
      const deadline = Date.now() + 5000;
      while (seen.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      await stop();
      assert.deepEqual(seen, [['apps', 1], ['apps', 2]]);
      assert.deepEqual(delivered, [first.revision, second.revision]);
    } finally {
      followerConnection.close();
    }
  });

  it('fenced commits: refused locally without leadership, and by etcd once the fence key is gone', async () => {
    store.fenceWith((what) => {
      throw new NotLeaderError(what, 'test');
    });
    await assert.rejects(applyMarker(1), NotLeaderError);
    assert.equal(await store.read('apps'), undefined);

    const lease = connection.namespace.lease(5);
    await lease.put('election/leader/test').value('me').exec();
    const kv = (await connection.namespace.get('election/leader/test').exec()).kvs[0];
    store.fenceWith(() => ({ key: 'election/leader/test', createRevision: kv.create_revision }));
    assert.equal((await applyMarker(1)).status, 'applied');
    await lease.revoke(); // the lease ends: etcd deletes the leader key
    await assert.rejects(applyMarker(2), FencedWriteError);
    assert.equal((await store.read('apps'))!.revision, 1);
  });
});
