// The end-to-end scenario: `meshplane serve` follows a temporary git repository holding
// the canary environment while a proxyless gRPC client (grpc-js-xds, its own process) sends
// traffic through it. Each step commits, waits for the commit's statuses, and checks the traffic.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileStateStore } from '../../reconciler/state';
import { CommitStatuses, RecordedStatus } from '../../reconciler/status/status';
import { Backend, startBackend } from '../../reconciler/demo/echo-service';
import { sharePercent, XdsClientProcess } from '../xds/e2e/mesh-harness';
import { grpcBootstrap } from '../../reconciler/xds/bootstrap';
import { eventually } from '../helpers/eventually';
import { git, GitRepo, tempDir } from '../helpers/temp-repo';
import { DaemonProcess } from './daemon-process';
import { CANARY_ROUTING, CanaryRepo, makeCanaryRepo } from '../helpers/canary-repo';

const ROUTING = CANARY_ROUTING;
const TARGET = 'xds:///serviceb.apps.local:80';

interface EnvironmentsBody {
  environments: Array<{ name: string; live?: { commit: string; revision: number }; last?: { commit: string; result: string } }>;
}
interface ProxiesBody {
  proxies: Array<{ identity: string; connectionId: string; types: Record<string, { sent?: unknown; acked?: { version: string }; state: string }> }>;
}

describe('meshplane serve end to end (canary, grpc-js-xds client)', function () {
  this.timeout(120_000);
  let repo: GitRepo;
  let dataDir: string;
  let backends: Backend[];
  let daemon: DaemonProcess;
  let client: XdsClientProcess;
  let args: string[];
  let weights: CanaryRepo['weights'];
  const commits: Record<string, string> = {};

  const statusOf = async (commit: string, context: string): Promise<RecordedStatus | undefined> => {
    const { status, body } = await daemon.get<CommitStatuses>(`/api/commits/${commit}`);
    return status === 200 ? body.statuses.find((s) => s.context === context) : undefined;
  };
  const settled = (commit: string, context: string) =>
    eventually(`${context} on ${commit.slice(0, 7)} to settle`, async () => {
      const status = await statusOf(commit, context);
      return status && status.state !== 'pending' ? status : undefined;
    }, 30_000);

  before(async () => {
    backends = [await startBackend('serviceB'), await startBackend('serviceBv2')];
    ({ repo, initial: commits.initial, weights } = makeCanaryRepo(backends));
    dataDir = tempDir('meshplane-daemon-');
    // The canary's backends are on 127.0.0.1: the operator configuration allows loopback instances explicitly.
    const config = path.join(dataDir, 'meshplane.yaml');
    fs.writeFileSync(config, 'registry: { allowLoopback: true }\n');
    args = ['--config', config, '--repo', repo.dir, '--data-dir', dataDir, '--xds-listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0', '--ack-timeout', '15', '--drift-interval', '1'];
    daemon = await DaemonProcess.start(args);
    // Restarts reuse the ports the first daemon got: the client's bootstrap names the xDS address.
    args = ['--repo', repo.dir, '--data-dir', dataDir, '--xds-listen', daemon.xds, '--http-listen', daemon.http.replace('http://', ''), '--ack-timeout', '15', '--drift-interval', '1', '--config', config];
    client = await XdsClientProcess.start(grpcBootstrap({ nodeId: 'mesh/apps/virtualNode/serviceA', xds: daemon.xds }));
  });

  after(async () => {
    client?.stop();
    await daemon?.kill();
    for (const backend of backends ?? []) await backend.stop();
    repo?.remove();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the canary commit: 75/25 traffic, and meshplane/apps/sync success on it', async () => {
    const validate = await settled(commits.initial, 'meshplane/apps/validate');
    assert.equal(validate.state, 'success', validate.description);
    const split = await client.call({ target: TARGET, count: 400, concurrency: 10 });
    assert.deepEqual(split.failed, {}, split.errors.join('\n'));
    assert.ok(Math.abs(sharePercent(split, 'serviceB') - 75) <= 8, `serviceB got ${sharePercent(split, 'serviceB')}%`);
    await eventually('the client to be counted as ACKed', async () => {
      const { body } = await daemon.get<ProxiesBody>('/api/proxies');
      return body.proxies.length === 1 && Object.values(body.proxies[0].types).every((t) => t.state === 'synced') ? true : undefined;
    });
  });

  it('a commit changing the weights shifts live traffic and leaves meshplane/apps/sync success on it', async () => {
    commits.shifted = repo.commit('canary: all traffic to serviceBv2', { [ROUTING]: weights(0, 100) });
    const sync = await settled(commits.shifted, 'meshplane/apps/sync');
    assert.equal(sync.state, 'success', sync.description);
    assert.equal(sync.description, `1/1 proxies on ${commits.shifted.slice(0, 7)}`);
    assert.equal(sync.targetUrl, `${daemon.http}/commits/${commits.shifted}`);
    const after = await client.call({ target: TARGET, count: 100, concurrency: 10 });
    assert.deepEqual(after.ok, { serviceBv2: 100 });
    // The git note is written after the daemon's in-memory status: wait for it to settle there too.
    const apply = await eventually('the git note of the apply status', async () => {
      let note: { statuses: Record<string, { state: string }> };
      try {
        note = JSON.parse(git(repo.dir, 'notes', '--ref=meshplane', 'show', commits.shifted));
      } catch {
        return undefined; // no note on that commit yet
      }
      const state = note.statuses['meshplane/apps/apply']?.state;
      return state && state !== 'pending' ? state : undefined;
    }, 10_000);
    assert.equal(apply, 'success');
  });

  it('a commit with an invalid route fails validation naming file and line, and traffic continues unchanged', async () => {
    const broken = weights(0, 100).replace('weight: 100', 'weight: 101');
    const line = broken.split('\n').findIndex((l) => l.includes('weight: 101')) + 1;
    commits.invalid = repo.commit('canary: a weight out of range', { [ROUTING]: broken });
    const validate = await settled(commits.invalid, 'meshplane/apps/validate');
    assert.equal(validate.state, 'failure');
    assert.ok(validate.description.includes(`${ROUTING}:${line}`), validate.description);
    const sync = await settled(commits.invalid, 'meshplane/apps/sync');
    assert.equal(sync.state, 'failure');
    assert.match(sync.description, new RegExp(`not pushed: ${commits.shifted.slice(0, 7)} keeps serving`));
    const during = await client.call({ target: TARGET, count: 100, concurrency: 10 });
    assert.deepEqual(during.ok, { serviceBv2: 100 });
    assert.deepEqual(during.failed, {});
  });

  it('a commit fixing it succeeds', async () => {
    commits.fixed = repo.commit('canary: 50/50', { [ROUTING]: weights(50, 50) });
    const sync = await settled(commits.fixed, 'meshplane/apps/sync');
    assert.equal(sync.state, 'success', sync.description);
    const split = await client.call({ target: TARGET, count: 400, concurrency: 10 });
    assert.ok(Math.abs(sharePercent(split, 'serviceB') - 50) <= 10, `serviceB got ${sharePercent(split, 'serviceB')}%`);
  });

  it('SIGKILL and restart: the restarted daemon pushes nothing and no RPC fails', async () => {
    const { body: before } = await daemon.get<ProxiesBody>('/api/proxies');
    const calls = client.call({ target: TARGET, count: 600, concurrency: 2 }, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(await daemon.signal('SIGKILL'), null);
    daemon = await DaemonProcess.start(args);
    const { body: after } = await eventually('the client to reconnect', async () => {
      const answer = await daemon.get<ProxiesBody>('/api/proxies');
      return answer.body.proxies.length === 1 && Object.keys(answer.body.proxies[0].types).length >= 4 ? answer : undefined;
    }, 30_000);
    const [proxy] = after.proxies;
    assert.notEqual(proxy.connectionId, before.proxies[0].connectionId, 'a new xDS stream');
    for (const [type, status] of Object.entries(proxy.types)) {
      assert.equal(status.sent, undefined, `${type} was pushed again after the restart`);
      assert.equal(status.state, 'synced');
    }
    const result = await calls;
    assert.deepEqual(result.failed, {}, result.errors.join('\n'));
    // The branch head is the live commit: the restarted daemon sees it and does not reconcile it again.
    await eventually('the source to hand over the live commit', () => daemon.logs.find((l) => l.msg === 'revision is already live'), 10_000);
    assert.ok(!daemon.logs.some((l) => l.area === 'reconcile' && l.result !== undefined), 'the restarted daemon reconciled the live commit again');
  });

  it('a force-push to an older commit is reconciled, and history keeps the newer one', async () => {
    git(repo.dir, 'reset', '-q', '--hard', commits.shifted);
    await eventually('the old commit to be live again', async () => {
      const { body } = await daemon.get<EnvironmentsBody>('/api/environments');
      const apps = body.environments.find((e) => e.name === 'apps');
      return apps?.live?.commit === commits.shifted && apps.last?.commit === commits.shifted ? apps : undefined;
    }, 30_000);
    const after = await client.call({ target: TARGET, count: 100, concurrency: 10 });
    assert.deepEqual(after.ok, { serviceBv2: 100 });
    const history = await new FileStateStore(path.join(dataDir, 'state')).history('apps');
    assert.deepEqual(history.map((h) => h.commit), [commits.initial, commits.shifted, commits.fixed, commits.shifted]);
    assert.ok(daemon.logs.some((l) => l.msg === 'the branch was force-pushed: reconciling the new head'));
  });

  it('SIGTERM stops it cleanly (exit 0), and the client keeps its configuration', async () => {
    assert.equal(await daemon.signal('SIGTERM'), 0);
    assert.match(daemon.stderr, /meshplane: stopped/);
    assert.ok(daemon.logs.some((l) => l.msg === 'meshplane daemon stopped'));
    const after = await client.call({ target: TARGET, count: 50, concurrency: 5 });
    assert.deepEqual(after.ok, { serviceBv2: 50 });
  });
});
