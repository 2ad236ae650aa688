// The convergence recorder samples the daemon's proxy counts during every push, watched or not,
// through a path that does not build every proxy's status: its counts must be the ones
// GET /api/environments reports. Real daemon, real gRPC streams: one client takes everything,
// one NACKs the new cluster, one never asks for it (pending).
import * as assert from 'node:assert/strict';
import { TYPE_URLS } from '../../provider/envoy/snapshot';
import { Daemon } from '../../reconciler/daemon/daemon';
import { cleanupAfterEach } from '../helpers/cleanups';
import { eventually } from '../helpers/eventually';
import { addServiceC } from '../helpers/service-c-commit';
import { ScriptedGrpcClient } from '../xds/helpers/scripted-grpc-client';

const NODE = 'mesh/apps/virtualNode/serviceA';
const LISTENER = 'serviceb.apps.local:80';
const isServiceC = (name: string) => /serviceC/i.test(name);

describe('dashboard: the proxy counts the convergence recorder samples', function () {
  this.timeout(90_000);
  const cleanups = cleanupAfterEach();

  it('equal the environments view for synced, pending and nacked proxies, on the live commit', async () => {
    const repo = cleanups.gitRepo();
    const daemon = await Daemon.start({ repo: repo.dir, dataDir: cleanups.tempDir('meshplane-daemon-'), xdsListen: '127.0.0.1:0', httpListen: '127.0.0.1:0', ackTimeoutMs: 60_000, pollIntervalMs: 100 });
    cleanups.push(() => daemon.stop());
    const counts = () => daemon.proxyCounts().map((e) => ({ name: e.name, commit: e.live?.commit, proxies: e.proxies }));
    const viewed = () => daemon.environments().map((e) => ({ name: e.name, commit: e.live?.commit, proxies: e.proxies }));
    const first = repo.head();
    await eventually('the first commit live', () => daemon.environments().find((e) => e.live?.commit === first), 20_000);
    assert.deepEqual(counts(), viewed());
    assert.deepEqual(counts().find((e) => e.name === 'apps')?.proxies, { connected: 0, synced: 0, nacked: 0, pending: 0 });

    const clients = [
      new ScriptedGrpcClient(daemon.xdsAddress, NODE, 'sotw', LISTENER),
      new ScriptedGrpcClient(daemon.xdsAddress, NODE, 'delta', LISTENER, {
        reject: (typeUrl, resources) => (typeUrl === TYPE_URLS.cluster && [...resources.keys()].some(isServiceC) ? 'cluster serviceC: unsupported' : undefined),
      }),
      new ScriptedGrpcClient(daemon.xdsAddress, NODE, 'sotw', LISTENER, { asks: (typeUrl, name) => !(typeUrl === TYPE_URLS.cluster && isServiceC(name)) }),
    ];
    for (const client of clients) cleanups.push(() => client.stop());
    await eventually('three proxies synced on the first commit', () => {
      const apps = viewed().find((e) => e.name === 'apps');
      return apps?.proxies.synced === 3 && apps.proxies.connected === 3 ? apps : undefined;
    }, 20_000);
    assert.deepEqual(counts(), viewed());

    const second = addServiceC(repo);
    // The NACK and the cluster never asked for keep their proxies nacked and pending: a stable state to compare.
    await eventually('one proxy synced, one nacked, one pending on the new commit', () => {
      const apps = viewed().find((e) => e.name === 'apps');
      return apps?.commit === second && apps.proxies.synced === 1 && apps.proxies.nacked === 1 && apps.proxies.pending === 1 ? apps : undefined;
    }, 30_000);
    assert.deepEqual(counts(), viewed());
    assert.deepEqual(counts().find((e) => e.name === 'apps'), { name: 'apps', commit: second, proxies: { connected: 3, synced: 1, nacked: 1, pending: 1 } });
  });
});
