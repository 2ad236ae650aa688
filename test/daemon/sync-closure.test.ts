// The sync status means the proxy has what it needs: every resource its accepted listeners, routes
// and clusters name is ACKed (LDS → RDS → CDS → EDS). Proxyless clients ask for a cluster only once
// the route naming it is accepted, so ACKs of the route alone are not enough. Real daemon, real
// gRPC streams: protocol-level clients that NACK or never ask, and a real grpc-js-xds client.
import * as assert from 'node:assert/strict';
import { TYPE_URLS } from '../../provider/envoy/snapshot';
import { Daemon } from '../../reconciler/daemon/daemon';
import { RecordedStatus } from '../../reconciler/status/status';
import { grpcBootstrap } from '../../reconciler/xds/bootstrap';
import { cleanupAfterEach } from '../helpers/cleanups';
import { eventually } from '../helpers/eventually';
import { addServiceC } from '../helpers/service-c-commit';
import { GitRepo } from '../helpers/temp-repo';
import { XdsClientProcess } from '../xds/e2e/mesh-harness';
import { ScriptedGrpcClient } from '../xds/helpers/scripted-grpc-client';

const NODE = 'mesh/apps/virtualNode/serviceA';
const LISTENER = 'serviceb.apps.local:80';

describe('meshplane serve: sync is the dependency closure ACKed', function () {
  this.timeout(90_000);
  const cleanups = cleanupAfterEach();
  const start = async (repo: GitRepo, ackTimeoutMs = 10_000): Promise<Daemon> => {
    const daemon = await Daemon.start({
      repo: repo.dir,
      dataDir: cleanups.tempDir('meshplane-daemon-'),
      xdsListen: '127.0.0.1:0',
      httpListen: '127.0.0.1:0',
      ackTimeoutMs,
      pollIntervalMs: 100,
    });
    cleanups.push(() => daemon.stop());
    return daemon;
  };
  const settled = (daemon: Daemon, commit: string) =>
    eventually(`sync on ${commit.slice(0, 7)}`, () => {
      const status = daemon.book.get(commit)?.statuses.find((s: RecordedStatus) => s.context === 'meshplane/apps/sync');
      return status && status.state !== 'pending' ? status : undefined;
    }, 45_000);
  /** Waits until the client runs everything of the first commit (so the next commit is a change). */
  const onFirstCommit = (daemon: Daemon) =>
    eventually('serviceA synced on the first commit', () => {
      const [proxy] = daemon.xds.proxies();
      return proxy && Object.values(proxy.types).every((t) => t.state === 'synced') && proxy.types.cluster ? proxy : undefined;
    }, 20_000);
  const isServiceC = (name: string) => /serviceC/i.test(name);

  for (const protocol of ['sotw', 'delta'] as const) {
    it(`fails the commit's sync with the NACK text when the client ACKs the routes but NACKs the new cluster (${protocol})`, async () => {
      const repo = cleanups.gitRepo();
      const daemon = await start(repo);
      await settled(daemon, repo.head());
      const client = new ScriptedGrpcClient(daemon.xdsAddress, NODE, protocol, LISTENER, {
        reject: (typeUrl, resources) =>
          typeUrl === TYPE_URLS.cluster && [...resources.keys()].some(isServiceC) ? 'cluster serviceC: unsupported load balancing policy' : undefined,
      });
      cleanups.push(() => client.stop());
      await onFirstCommit(daemon);
      const commit = addServiceC(repo);
      const sync = await settled(daemon, commit);
      assert.equal(sync.state, 'failure');
      assert.match(sync.description, /^0\/1 ACKed, serviceA NACKed cluster: cluster serviceC: unsupported load balancing policy$/);
      // The client did accept the new route (the NACK came after, for the cluster it names).
      assert.ok(client.nacks.length > 0);
    });
  }

  it('fails the commit\'s sync when the client NACKs the endpoints of the new cluster (delta)', async () => {
    const repo = cleanups.gitRepo();
    const daemon = await start(repo);
    await settled(daemon, repo.head());
    const client = new ScriptedGrpcClient(daemon.xdsAddress, NODE, 'delta', LISTENER, {
      reject: (typeUrl, resources) => (typeUrl === TYPE_URLS.clusterLoadAssignment && [...resources.keys()].some(isServiceC) ? 'endpoints: no locality' : undefined),
    });
    cleanups.push(() => client.stop());
    await onFirstCommit(daemon);
    const commit = addServiceC(repo);
    const sync = await settled(daemon, commit);
    assert.equal(sync.state, 'failure');
    assert.match(sync.description, /serviceA NACKed clusterLoadAssignment: endpoints: no locality$/);
  });

  it('does not call the commit synced when the client never asks for the cluster its new route names', async () => {
    const repo = cleanups.gitRepo();
    const daemon = await start(repo, 3_000);
    await settled(daemon, repo.head());
    const client = new ScriptedGrpcClient(daemon.xdsAddress, NODE, 'sotw', LISTENER, { asks: (typeUrl, name) => !(typeUrl === TYPE_URLS.cluster && isServiceC(name)) });
    cleanups.push(() => client.stop());
    await onFirstCommit(daemon);
    const commit = addServiceC(repo);
    const sync = await settled(daemon, commit);
    assert.equal(sync.state, 'failure');
    assert.match(sync.description, /^0\/1 ACKed within 3s; no answer from serviceA \(serviceA has not ACKed cluster .*serviceC.*\)$/i);
    assert.ok(client.accepted(TYPE_URLS.routeConfiguration).length > 0, 'the route was accepted');
  });

  it('reports success for a grpc-js-xds client that takes the new route, cluster and endpoints', async () => {
    const repo = cleanups.gitRepo();
    const daemon = await start(repo);
    await settled(daemon, repo.head());
    const client = await XdsClientProcess.start(grpcBootstrap({ nodeId: NODE, xds: daemon.xdsAddress }));
    cleanups.push(() => client.stop());
    await client.call({ target: `xds:///${LISTENER}`, count: 1, deadlineMs: 500 });
    await onFirstCommit(daemon);
    const commit = addServiceC(repo);
    const sync = await settled(daemon, commit);
    assert.deepEqual([sync.state, sync.description], ['success', `1/1 proxies on ${commit.slice(0, 7)}`]);
    const [proxy] = daemon.xds.proxies();
    assert.equal(proxy.types.clusterLoadAssignment.state, 'synced');
  });
});
