// The daemon in-process against real git repositories: remote source failures and recovery,
// webhooks, drift (state store changed out of band, a proxy that disconnects), hosted status
// reporters (a fake GitHub), and `meshplane status --server`.
import * as assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runStatus } from '../../reconciler/cli/commands/status';
import { Daemon, DaemonOptions } from '../../reconciler/daemon/daemon';
import { operatorConfig } from '../../reconciler/operator/operator-config';
import { CommitStatuses, RecordedStatus } from '../../reconciler/status/status';
import { grpcBootstrap } from '../../reconciler/xds/bootstrap';
import { FakeGitHub } from '../fakes/fake-github';
import { captureTerminal } from '../helpers/capture-terminal';
import { eventually } from '../helpers/eventually';
import { cleanupAfterEach } from '../helpers/cleanups';
import { git, makeBareRemote } from '../helpers/temp-repo';
import { XdsClientProcess } from '../xds/e2e/mesh-harness';

describe('meshplane serve (in process)', function () {
  this.timeout(60_000);
  const cleanups = cleanupAfterEach();
  const repo = () => cleanups.gitRepo();
  const start = async (options: Partial<DaemonOptions> & { repo: string }): Promise<Daemon> => {
    const dataDir = cleanups.tempDir('meshplane-daemon-');
    const daemon = await Daemon.start({
      dataDir,
      xdsListen: '127.0.0.1:0',
      httpListen: '127.0.0.1:0',
      driftIntervalMs: 100,
      ackTimeoutMs: 5000,
      sourceBackoff: { initialMs: 20, maxMs: 100 },
      reporterRetry: { attempts: 3, backoff: { initialMs: 5, maxMs: 10 } },
      ...options,
    });
    cleanups.push(() => daemon.stop());
    return daemon;
  };
  const statusOf = (daemon: Daemon, commit: string, context: string): RecordedStatus | undefined =>
    daemon.book.get(commit)?.statuses.find((s) => s.context === context);
  const settled = (daemon: Daemon, commit: string, context: string, state?: string) =>
    eventually(`${context} on ${commit.slice(0, 7)}${state ? ` to be ${state}` : ''}`, () => {
      const status = statusOf(daemon, commit, context);
      return status && status.state !== 'pending' && (!state || status.state === state) ? status : undefined;
    }, 20_000);

  it('reports an unreachable remote as drift error on the live commit, keeps serving, and clears it on recovery', async () => {
    const r = repo();
    const remote = makeBareRemote(r);
    cleanups.push(remote.remove);
    const daemon = await start({ repo: remote.url, pollIntervalMs: 100 });
    const commit = r.head();
    assert.equal((await settled(daemon, commit, 'meshplane/apps/sync')).state, 'success');
    const away = remote.dir + '.away';
    fs.renameSync(remote.dir, away);
    const drift = await settled(daemon, commit, 'meshplane/apps/drift', 'error');
    assert.match(drift.description, /^drift: cannot reach file:\/\/.*mesh\.git; serving [0-9a-f]{7}$/);
    const [apps] = daemon.environments();
    assert.equal(apps.live?.commit, commit, 'the live revision keeps serving');
    const body = (await (await fetch(`${daemon.httpUrl}/api/environments`)).json()) as { source: { lastError: { kind: string } } };
    assert.equal(body.source.lastError.kind, 'unreachable');
    assert.match(await (await fetch(`${daemon.httpUrl}/metrics`)).text(), /meshplane_source_errors_total\{kind="unreachable"\} [1-9]/);
    fs.renameSync(away, remote.dir);
    const cleared = await settled(daemon, commit, 'meshplane/apps/drift', 'success');
    assert.match(cleared.description, /^no drift: 0 connected proxies on [0-9a-f]{7}, state at revision 1$/);
  });

  it('reconciles at once on a signed push webhook, and refuses unsigned deliveries', async () => {
    const r = repo();
    const remote = makeBareRemote(r);
    cleanups.push(remote.remove);
    const daemon = await start({ repo: remote.url, pollIntervalMs: 600_000, variables: { MESHPLANE_WEBHOOK_SECRET: 'hook-secret' } });
    await settled(daemon, r.head(), 'meshplane/apps/sync');
    const next = r.commit('next', { 'environments/apps/mesh.yaml': fs.readFileSync(path.join(r.dir, 'environments/apps/mesh.yaml'), 'utf8') + '# touched\n' });
    git(r.dir, 'push', '-q', 'origin', 'main');
    const body = JSON.stringify({ ref: 'refs/heads/main', after: next, repository: { full_name: 'acme/mesh' } });
    const unsigned = await fetch(`${daemon.httpUrl}/hooks/git`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'push' }, body });
    assert.equal(unsigned.status, 401);
    const signature = `sha256=${createHmac('sha256', 'hook-secret').update(body).digest('hex')}`;
    const signed = await fetch(`${daemon.httpUrl}/hooks/git`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'delivery-1', 'x-hub-signature-256': signature }, body });
    assert.equal(signed.status, 202);
    assert.equal((await settled(daemon, next, 'meshplane/apps/sync')).state, 'success');
    // The notes went to the remote too (the source is a pushable remote).
    await eventually('the notes on the remote', () => (git(remote.dir, 'notes', '--ref=meshplane', 'list').includes(next) ? true : undefined));
  });

  it('refuses webhooks when no secret is configured, saying how to set one', async () => {
    const r = repo();
    const daemon = await start({ repo: r.dir });
    const response = await fetch(`${daemon.httpUrl}/hooks/git`, { method: 'POST', headers: { 'x-github-event': 'push' }, body: '{}' });
    assert.equal(response.status, 403);
    assert.match(((await response.json()) as { message: string }).message, /MESHPLANE_WEBHOOK_SECRET/);
  });

  it('reports a state store changed out of band as drift, resolved by the next commit', async () => {
    const r = repo();
    const daemon = await start({ repo: r.dir });
    const first = r.head();
    await settled(daemon, first, 'meshplane/apps/sync');
    const applied = (await daemon.store.read('apps'))!;
    await daemon.store.commit('apps', { ...applied, revision: applied.revision + 1, action: 'rollback', rollbackTo: applied.revision, appliedBy: 'ops@laptop (pid 1)' }, applied.revision);
    const drift = await settled(daemon, first, 'meshplane/apps/drift', 'failure');
    assert.equal(drift.description, 'drift: state store changed out of band: revision 2 (rollback by ops@laptop (pid 1)), serving revision 1');
    assert.match(await (await fetch(`${daemon.httpUrl}/metrics`)).text(), /meshplane_drift\{environment="apps",kind="state"\} 1/);
    const second = r.commit('next', { 'environments/apps/extra.yaml': 'kind: VirtualNode\nmeshName: apps\nvirtualNodeName: serviceC\nspec: {}\n' });
    assert.equal((await settled(daemon, second, 'meshplane/apps/apply')).description, 'revision 3 applied');
    assert.equal((await settled(daemon, second, 'meshplane/apps/drift', 'success')).state, 'success');
  });

  it('reports a proxy that disconnects as drift, and clears it when it is back', async () => {
    const r = repo();
    const daemon = await start({ repo: r.dir });
    const commit = r.head();
    await settled(daemon, commit, 'meshplane/apps/sync');
    const bootstrap = grpcBootstrap({ nodeId: 'mesh/apps/virtualNode/serviceA', xds: daemon.xdsAddress });
    let client = await XdsClientProcess.start(bootstrap);
    cleanups.push(() => client.stop());
    await client.call({ target: 'xds:///serviceb.apps.local:80', count: 1, deadlineMs: 300 });
    await eventually('serviceA to be seen', () => (daemon.environments()[0].proxies.connected === 1 ? true : undefined));
    client.stop();
    const drift = await settled(daemon, commit, 'meshplane/apps/drift', 'failure');
    assert.equal(drift.description, 'drift: serviceA disconnected');
    client = await XdsClientProcess.start(bootstrap);
    await client.call({ target: 'xds:///serviceb.apps.local:80', count: 1, deadlineMs: 300 });
    const cleared = await settled(daemon, commit, 'meshplane/apps/drift', 'success');
    assert.match(cleared.description, /^no drift: 1 connected proxy on/);
  });

  it('sends the statuses to the hosted forge (fake GitHub) the operator declared and the environment selected, in order, beside git notes', async () => {
    const github = new FakeGitHub('ghp_test');
    await github.start();
    cleanups.push(() => github.stop());
    const r = repo();
    const settings = fs.readFileSync(path.join(r.dir, 'environments/apps/environment.yaml'), 'utf8');
    const commit = r.commit('report to GitHub', { 'environments/apps/environment.yaml': `${settings}status:\n  reporters: [git-notes, github-main]\n` });
    const operator = operatorConfig({ reporters: { 'github-main': { kind: 'github', owner: 'acme', repo: 'mesh', baseUrl: github.baseUrl, token: { env: 'TEST_GITHUB_TOKEN' } } } });
    const daemon = await start({ repo: r.dir, operator, variables: { TEST_GITHUB_TOKEN: 'ghp_test' }, publicUrl: 'https://meshplane.example.com' });
    await settled(daemon, commit, 'meshplane/apps/drift');
    await daemon.book.flush();
    const sent = github.statuses.map((s) => `${s.context} ${s.state}`);
    assert.deepEqual(sent.filter((s) => s.startsWith('meshplane/apps/sync')), ['meshplane/apps/sync pending', 'meshplane/apps/sync pending', 'meshplane/apps/sync success']);
    assert.ok(sent.indexOf('meshplane/apps/validate success') < sent.indexOf('meshplane/apps/apply success'));
    assert.ok(github.requests.every((q) => q.path === `/repos/acme/mesh/statuses/${commit}` && q.headers.authorization === 'token ghp_test'));
    assert.equal(github.statuses[0].target_url, `https://meshplane.example.com/commits/${commit}`);
    assert.match(git(r.dir, 'notes', '--ref=meshplane', 'show', commit), /meshplane\/apps\/sync/);
  });

  it('answers meshplane status --server and the commit page', async () => {
    const r = repo();
    const daemon = await start({ repo: r.dir });
    const commit = r.head();
    await settled(daemon, commit, 'meshplane/apps/sync');
    const terminal = captureTerminal();
    assert.equal(await runStatus({ repo: r.dir, commit: 'HEAD', server: daemon.httpUrl, format: 'json' }, terminal), 0);
    const answer = JSON.parse(terminal.stdout) as CommitStatuses;
    assert.equal(answer.commit, commit);
    assert.ok(answer.statuses.some((s) => s.context === 'meshplane/apps/validate' && s.state === 'success'));
    const page = await fetch(`${daemon.httpUrl}/commits/${commit.slice(0, 10)}`, { redirect: 'manual' });
    assert.equal(page.status, 302);
    assert.equal(page.headers.get('location'), `/dashboard#/commits/${commit.slice(0, 10)}`);
    const view = await fetch(`${daemon.httpUrl}/api/dashboard/commits/${commit.slice(0, 10)}`);
    assert.match(JSON.stringify(await view.json()), /meshplane\/apps\/validate/);
    const unknown = await fetch(`${daemon.httpUrl}/api/commits/${'f'.repeat(40)}`);
    assert.equal(unknown.status, 404);
    const ready = await fetch(`${daemon.httpUrl}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal((await fetch(`${daemon.httpUrl}/healthz`)).status, 200);
  });

  it('serves xDS with the operator\'s xds auth (token auth refuses a proxy without its token)', async () => {
    const r = repo();
    const tokenFile = path.join(cleanups.tempDir(), 'service-a.token');
    fs.writeFileSync(tokenFile, 'proxy-token\n');
    const operator = operatorConfig({ xds: { auth: { mode: 'token', tokens: { 'mesh/apps/virtualNode/serviceA': { file: tokenFile } } } } });
    const daemon = await start({ repo: r.dir, operator });
    const refused: Array<{ code?: number; nodeId: string }> = [];
    daemon.xds.on('stream', (event) => event.event === 'ConnectionRefused' && refused.push(event));
    const client = await XdsClientProcess.start(grpcBootstrap({ nodeId: 'mesh/apps/virtualNode/serviceA', xds: daemon.xdsAddress }));
    cleanups.push(() => client.stop());
    await client.call({ target: 'xds:///serviceb.apps.local:80', count: 1, deadlineMs: 300 });
    const [event] = await eventually('the proxy to be refused', () => (refused.length > 0 ? refused : undefined));
    assert.equal(event.code, 16, 'UNAUTHENTICATED');
    assert.equal(daemon.xds.proxies().length, 0);
  });

  it('refuses a repository that is not one, and a bad listen address, before listening', async () => {
    const dir = cleanups.tempDir();
    await assert.rejects(start({ repo: dir }), /is not a git repository/);
    const r = repo();
    await assert.rejects(start({ repo: r.dir, httpListen: 'localhost' }), /--http-listen "localhost" is not host:port/);
  });
});
