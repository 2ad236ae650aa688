// The HA scenario on loopback: a 3-member etcd cluster, three `meshplane serve --store etcd`
// replicas following one git repository, and three grpc-js-xds clients (own processes) spread over
// the replicas (each bootstrap lists every replica; pick_first prefers a different one per client);
// the leader's sync and drift statuses count the clients of every replica.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { connectEtcd, CoordinationStatus, EtcdConnection } from '../../reconciler/ha';
import { EtcdStateStore } from '../../reconciler/state/etcd-state-store';
import { CommitStatuses, RecordedStatus } from '../../reconciler/status/status';
import { grpcBootstrap } from '../../reconciler/xds/bootstrap';
import { DaemonProcess } from '../daemon/daemon-process';
import { EtcdCluster, skipWithoutEtcd } from '../helpers/etcd-cluster';
import { eventually } from '../helpers/eventually';
import { GitRepo, tempDir } from '../helpers/temp-repo';
import { Backend, startBackend } from '../../reconciler/demo/echo-service';
import { sharePercent, XdsClientProcess } from '../xds/e2e/mesh-harness';
import { CANARY_ROUTING, CanaryRepo, makeCanaryRepo } from '../helpers/canary-repo';

const ROUTING = CANARY_ROUTING;
const TARGET = 'xds:///serviceb.apps.local:80';
/** Registry writes need the operator's token (the replicas get it as $MESHPLANE_REGISTRY_TOKEN). */
const REGISTRY_TOKEN = 'ha-registry-token';
const TTL_SECONDS = 2;
const PREFIX = '/ha-e2e/';

interface ProxiesBody {
  proxies: Array<{ identity: string; connectionId: string; connectedSince: string; types: Record<string, { sent?: unknown; acked?: { version: string }; state: string }> }>;
}

describe('HA end to end: 3 etcd members, 3 replicas, grpc-js-xds clients', function () {
  this.timeout(180_000);
  let cluster: EtcdCluster;
  let repo: GitRepo;
  let weights: CanaryRepo['weights'];
  let backends: Backend[] = [];
  const replicas: (DaemonProcess | undefined)[] = [];
  const dataDirs: string[] = [];
  let operatorConfigFile: string;
  const clients: XdsClientProcess[] = [];
  let connection: EtcdConnection;
  let store: EtcdStateStore;
  const commits: Record<string, string> = {};

  const alive = () => replicas.filter((r): r is DaemonProcess => r !== undefined);
  const statusOf = (replica: DaemonProcess) => replica.get<CoordinationStatus>('/api/replicas').then((r) => r.body);
  const leader = () =>
    eventually('a leader among the live replicas', async () => {
      for (const replica of alive()) if ((await statusOf(replica).catch(() => undefined))?.leader) return replica;
      return undefined;
    }, 20_000);
  const settled = (replica: DaemonProcess, commit: string, context: string) =>
    eventually(`${context} on ${commit.slice(0, 7)} to settle`, async () => {
      const { status, body } = await replica.get<CommitStatuses>(`/api/commits/${commit}`);
      const found: RecordedStatus | undefined = status === 200 ? body.statuses.find((s) => s.context === context) : undefined;
      return found && found.state !== 'pending' ? found : undefined;
    }, 40_000);
  /**
   * The commit applied by whichever replica leads. With a short lease, a leader can lose its lease
   * while etcd itself fails over; its reconcile then stops (not the leader) and the next leader — or
   * the same replica, elected again — reconciles the commit.
   */
  const applied = (commit: string) =>
    eventually(`${commit.slice(0, 7)} to be applied`, async () => {
      const current = await leader();
      const { status, body } = await current.get<CommitStatuses>(`/api/commits/${commit}`);
      const apply = status === 200 ? body.statuses.find((s) => s.context === 'meshplane/apps/apply') : undefined;
      return apply?.state === 'success' ? apply : undefined;
    }, 40_000);
  const historyCommits = async () => (await store.history('apps')).map((h) => h.commit);
  /** Every client ends up routing by the given shares (±15 points). */
  const converge = (expected: Record<string, number>) =>
    Promise.all(
      clients.map((client, index) =>
        eventually(`client ${index} to route ${JSON.stringify(expected)}`, async () => {
          const result = await client.call({ target: TARGET, count: 100, concurrency: 10 });
          if (Object.keys(result.failed).length > 0) throw new Error(`client ${index}: ${result.errors.join('; ')}`);
          return Object.entries(expected).every(([name, share]) => Math.abs(sharePercent(result, name) - share) <= 15) ? result : undefined;
        }, 30_000),
      ),
    );

  const startReplica = async (index: number) => {
    replicas[index] = await DaemonProcess.start([
      '--repo', repo.dir,
      '--data-dir', dataDirs[index],
      '--xds-listen', '127.0.0.1:0',
      '--http-listen', '127.0.0.1:0',
      '--config', operatorConfigFile, // the canary's backends and the registered one are on 127.0.0.1
      '--poll-interval', '0.3',
      '--ack-timeout', '10',
      '--drift-interval', '2',
      '--store', 'etcd',
      '--etcd-endpoints', cluster.endpoints.join(','),
      '--etcd-prefix', PREFIX,
      '--etcd-lease-ttl', String(TTL_SECONDS),
      '--replica-id', `replica-${index}`,
    ], { MESHPLANE_REGISTRY_TOKEN: REGISTRY_TOKEN });
  };

  before(async function () {
    skipWithoutEtcd(this);
    operatorConfigFile = `${tempDir('meshplane-ha-config-')}/meshplane.yaml`;
    fs.writeFileSync(operatorConfigFile, 'registry: { allowLoopback: true }\n');
    cluster = await EtcdCluster.start(3);
    connection = connectEtcd({ endpoints: cluster.endpoints, prefix: PREFIX, leaseTtlSeconds: TTL_SECONDS });
    store = new EtcdStateStore(connection);
    backends = [await startBackend('serviceB'), await startBackend('serviceBv2')];
    ({ repo, initial: commits.initial, weights } = makeCanaryRepo(backends));
    for (let i = 0; i < 3; i++) dataDirs.push(tempDir(`meshplane-replica-${i}-`));
    for (let i = 0; i < 3; i++) await startReplica(i);
    const addresses = alive().map((r) => r.xds);
    for (let i = 0; i < 3; i++) {
      // One bootstrap entry naming every replica, this client's preferred one first.
      const bootstrap = JSON.parse(grpcBootstrap({ nodeId: 'mesh/apps/virtualNode/serviceA', xds: addresses[i] }));
      bootstrap.xds_servers[0].server_uri = `ipv4:${[...addresses.slice(i), ...addresses.slice(0, i)].join(',')}`;
      clients.push(await XdsClientProcess.start(JSON.stringify(bootstrap)));
    }
  });

  after(async () => {
    for (const client of clients) client.stop();
    for (const replica of alive()) await replica.kill();
    connection?.close();
    await cluster?.stop();
    for (const backend of backends) await backend.stop();
    repo?.remove();
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('applies a commit once (one history entry, statuses from the leader only) and every client converges', async () => {
    for (const replica of alive()) {
      await eventually('every replica to be ready', async () => ((await replica.get('/readyz')).status === 200 ? true : undefined), 30_000);
    }
    const first = await leader();
    assert.equal((await settled(first, commits.initial, 'meshplane/apps/apply')).state, 'success');
    await converge({ serviceB: 75, serviceBv2: 25 });

    commits.shifted = repo.commit('canary: all traffic to serviceBv2', { [ROUTING]: weights(0, 100) });
    const sync = await settled(first, commits.shifted, 'meshplane/apps/sync');
    assert.equal(sync.state, 'success', sync.description);
    // The leader counts the clients of every replica (one each), not only its own.
    assert.equal(sync.description, `3/3 proxies on ${commits.shifted.slice(0, 7)}`);
    await converge({ serviceBv2: 100 });
    const drift = await eventually('the drift status to count every replica\'s client', async () => {
      const { body } = await first.get<CommitStatuses>(`/api/commits/${commits.shifted}`);
      return body.statuses.find((s) => s.context === 'meshplane/apps/drift' && s.description.startsWith('no drift: 3 connected proxies'));
    }, 20_000);
    assert.equal(drift.state, 'success');
    assert.deepEqual(await historyCommits(), [commits.initial, commits.shifted]);
    // Only the leader reconciled (and so wrote statuses): the followers served what it applied.
    for (const replica of alive()) {
      const reconciled = replica.logs.filter((l) => l.area === 'reconcile' && l.result !== undefined).map((l) => l.commit);
      assert.deepEqual(reconciled, replica === first ? [commits.initial, commits.shifted] : [], `replica ${replicas.indexOf(replica)} reconciled`);
    }
    // Content-hash versions: every replica serves the same versions for the same configuration.
    const versions = await Promise.all(
      alive().map(async (replica) =>
        eventually('the replica\'s client to be synced', async () => {
          const { body } = await replica.get<ProxiesBody>('/api/proxies');
          const types = body.proxies[0]?.types;
          return types && Object.keys(types).length >= 4 && Object.values(types).every((t) => t.state === 'synced')
            ? JSON.stringify(Object.fromEntries(Object.entries(types).map(([type, t]) => [type, t.acked?.version])))
            : undefined;
        }, 20_000),
      ),
    );
    assert.equal(new Set(versions).size, 1, versions.join('\n'));
    const metrics = await fetch(`${first.http}/metrics`).then((r) => r.text());
    assert.match(metrics, /^meshplane_leader 1$/m);
    assert.match(metrics, /^meshplane_replicas 3$/m);
  });

  it('a registration made through one replica is visible to the clients of another', async () => {
    const extra = await startBackend('serviceBv2-extra');
    backends.push(extra);
    const response = await fetch(`${replicas[1]!.http}/api/registry/namespaces/apps.local/services/servicebv2/instances/extra-1`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${REGISTRY_TOKEN}` },
      body: JSON.stringify({ address: '127.0.0.1', port: extra.port }),
    });
    assert.equal(response.status, 201, await response.text());
    // Client 2 prefers replica 2, client 0 replica 0: neither talks to replica 1.
    for (const index of [0, 2]) {
      await eventually(`client ${index} to reach the instance registered on replica 1`, async () => {
        const result = await clients[index].call({ target: TARGET, count: 60, concurrency: 6 });
        return (result.ok['serviceBv2-extra'] ?? 0) > 0 ? result : undefined;
      }, 15_000);
    }
  });

  it('SIGKILL of the leader: another leads within the TTL plus a second, its clients reconnect without a push or a failed RPC', async () => {
    const old = await leader();
    const index = replicas.indexOf(old);
    const traffic = clients.map((client) => client.call({ target: TARGET, count: 800, concurrency: 2, request: { delayMs: 5 } }, 60_000));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const killedAt = Date.now();
    await old.signal('SIGKILL');
    replicas[index] = undefined;
    await leader();
    const failover = Date.now() - killedAt;
    assert.ok(failover <= (TTL_SECONDS + 1) * 1000, `failover took ${failover} ms with a ${TTL_SECONDS} s lease`);
    for (const [i, result] of (await Promise.all(traffic)).entries()) assert.deepEqual(result.failed, {}, `client ${i}: ${result.errors.join('\n')}`);

    // The dead replica's client is now on a survivor, on a new stream that was sent nothing.
    const reconnected = await eventually('the dead replica\'s client to reconnect elsewhere', async () => {
      const sessions = (await Promise.all(alive().map((r) => r.get<ProxiesBody>('/api/proxies')))).flatMap((r) => r.body.proxies);
      const fresh = sessions.filter((p) => Date.parse(p.connectedSince) > killedAt);
      return sessions.length === 3 && fresh.length === 1 && Object.keys(fresh[0].types).length >= 4 ? fresh[0] : undefined;
    }, 20_000);
    for (const [type, status] of Object.entries(reconnected.types)) {
      assert.equal(status.sent, undefined, `${type} was pushed to the reconnected client`);
      assert.equal(status.state, 'synced');
    }

    commits.fifty = repo.commit('canary: 50/50', { [ROUTING]: weights(50, 50) });
    await applied(commits.fifty);
    // The dead replica's proxies vanished with its lease; its client is counted on the survivor it moved to.
    const fiftySync = await settled(await leader(), commits.fifty, 'meshplane/apps/sync');
    assert.equal(fiftySync.description, `3/3 proxies on ${commits.fifty.slice(0, 7)}`);
    await converge({ serviceB: 50 }); // the rest goes to serviceBv2 and the instance registered through the API
    assert.deepEqual(await historyCommits(), [commits.initial, commits.shifted, commits.fifty]);
  });

  it('SIGKILL of one etcd member (the raft leader) loses nothing and reconciles go on', async () => {
    const member = await cluster.leaderMember();
    await cluster.stopMember(member);
    commits.back = repo.commit('canary: back to serviceB', { [ROUTING]: weights(100, 0) });
    await applied(commits.back);
    await converge({ serviceB: 100 });
    assert.deepEqual(await historyCommits(), [commits.initial, commits.shifted, commits.fifty, commits.back]);
    await cluster.startMember(member);
    await cluster.waitHealthy();
  });

  it('with every etcd member stopped, replicas keep serving, report not-ready and the error, and recover when etcd returns', async () => {
    for (let i = 0; i < cluster.size; i++) await cluster.stopMember(i);
    for (const replica of alive()) {
      const { body } = await eventually('the replica to report not-ready', async () => {
        const answer = await replica.get<{ ready: boolean; reasons: string[] }>('/readyz');
        return answer.status === 503 && answer.body.reasons.some((r) => /etcd at .* is unreachable/.test(r)) ? answer : undefined;
      }, 15_000);
      assert.equal(body.ready, false);
      const status = await statusOf(replica);
      assert.equal(status.store.reachable, false);
      assert.match(status.store.error!, /serving the last applied configuration/);
      assert.match(await fetch(`${replica.http}/metrics`).then((r) => r.text()), /^meshplane_store_up 0$/m);
    }
    const during = await Promise.all(clients.map((client) => client.call({ target: TARGET, count: 100, concurrency: 5 })));
    for (const result of during) assert.deepEqual(result.ok, { serviceB: 100 }, result.errors.join('\n'));

    // A commit made during the outage is applied once etcd is back.
    commits.duringOutage = repo.commit('canary: to serviceBv2 during the outage', { [ROUTING]: weights(0, 100) });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (let i = 0; i < cluster.size; i++) await cluster.startMember(i);
    await cluster.waitHealthy();
    for (const replica of alive()) {
      await eventually('the replica to be ready again', async () => ((await replica.get('/readyz')).status === 200 ? true : undefined), 30_000);
    }
    await applied(commits.duringOutage);
    await converge({ serviceB: 0 }); // serviceBv2 and the instance registered through the API
    assert.deepEqual(await historyCommits(), [commits.initial, commits.shifted, commits.fifty, commits.back, commits.duringOutage]);
  });
});
