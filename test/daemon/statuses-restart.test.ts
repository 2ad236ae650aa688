// Statuses outlive the daemon: a restarted daemon shows the live commit's five statuses from the
// git notes, and a commit whose reconcile a SIGKILL interrupted does not keep `pending` forever.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TYPE_URLS } from '../../provider/envoy/snapshot';
import { CommitStatuses, STAGES } from '../../reconciler/status/status';
import { cleanupAfterEach } from '../helpers/cleanups';
import { eventually } from '../helpers/eventually';
import { GitRepo } from '../helpers/temp-repo';
import { AdsTestClient, envoyNode } from '../xds/helpers/ads-client';
import { DaemonProcess } from './daemon-process';

const ROUTING = 'environments/apps/routing/service-b.yaml';

/** The statuses of `commit` in its git note (what a restarted daemon has to go on). */
function noteStates(repo: GitRepo, commit: string): Record<string, { state: string; description: string }> {
  try {
    return (JSON.parse(repo.git('notes', '--ref=meshplane', 'show', commit)) as { statuses: Record<string, { state: string; description: string }> }).statuses;
  } catch {
    return {};
  }
}

describe('statuses across daemon restarts', function () {
  this.timeout(180_000);
  const cleanups = cleanupAfterEach();

  const start = async (repo: GitRepo, dataDir: string, extra: string[] = []) => {
    const daemon = await DaemonProcess.start(['--repo', repo.dir, '--data-dir', dataDir, '--xds-listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0', '--drift-interval', '1', ...extra]);
    cleanups.push(() => daemon.kill());
    return daemon;
  };
  const statusesOf = async (daemon: DaemonProcess, commit: string) => {
    const { status, body } = await daemon.get<CommitStatuses>(`/api/commits/${commit}`);
    return status === 200 ? Object.fromEntries(body.statuses.map((s) => [s.context, s])) : {};
  };

  it('after a restart, the live commit shows all five statuses (from the git notes), not only drift', async () => {
    const repo = cleanups.gitRepo();
    const dataDir = cleanups.tempDir('meshplane-data-');
    const head = repo.head();
    const first = await start(repo, dataDir);
    const contexts = STAGES.map((stage) => `meshplane/apps/${stage}`);
    const before = await eventually('all five statuses in the git note', () => {
      const states = noteStates(repo, head);
      return contexts.every((c) => states[c] && states[c].state !== 'pending') ? states : undefined;
    }, 60_000);
    assert.equal(await first.signal('SIGTERM'), 0);

    const second = await start(repo, dataDir);
    await eventually('the restarted daemon to serve the live commit', () => second.logs.some((l) => l.msg === 'revision is already live'), 30_000);
    const after = await eventually('the five statuses of the live commit', async () => {
      const statuses = await statusesOf(second, head);
      return contexts.every((c) => statuses[c]) ? statuses : undefined;
    }, 30_000);
    for (const context of ['meshplane/apps/validate', 'meshplane/apps/plan', 'meshplane/apps/apply']) {
      assert.equal(after[context].state, before[context].state, context);
      assert.equal(after[context].description, before[context].description, context);
    }
  });

  it('after a SIGKILL mid-reconcile, the restarted daemon settles the pending statuses with an honest error', async () => {
    const repo = cleanups.gitRepo();
    const dataDir = cleanups.tempDir('meshplane-data-');
    const first = await start(repo, dataDir, ['--ack-timeout', '300']);
    await eventually('the first commit to be applied', () => noteStates(repo, repo.head())['meshplane/apps/sync']?.state === 'success', 60_000);

    // A proxy that takes its configuration and never ACKs: the next commit's sync waits for it.
    const client = new AdsTestClient(first.xds);
    cleanups.push(() => client.close());
    const stream = client.sotw();
    stream.send({ node: envoyNode('mesh/apps/virtualNode/serviceA'), type_url: TYPE_URLS.cluster });
    await stream.next(20_000);
    const shifted = repo.commit('serviceB 50/50', { [ROUTING]: fs.readFileSync(path.join(repo.dir, ROUTING), 'utf8').replace('weight: 75', 'weight: 50').replace('weight: 25', 'weight: 50') });
    await eventually('the apply to succeed and sync to wait for the ACK, in the git note', () => {
      const states = noteStates(repo, shifted);
      return states['meshplane/apps/apply']?.state === 'success' && states['meshplane/apps/sync']?.state === 'pending';
    }, 60_000);
    assert.equal(await first.signal('SIGKILL'), null);

    const second = await start(repo, dataDir);
    const settled = await eventually('the pending sync status to be settled in the git note', () => {
      const sync = noteStates(repo, shifted)['meshplane/apps/sync'];
      return sync && sync.state !== 'pending' ? sync : undefined;
    }, 30_000);
    assert.equal(settled.state, 'error');
    assert.match(settled.description, new RegExp(`^interrupted: the daemon stopped before this finished; ${shifted.slice(0, 7)} is live \\(revision 2\\)$`));
    const served = await statusesOf(second, shifted);
    assert.ok(Object.values(served).every((s) => s.state !== 'pending'), JSON.stringify(served));
    assert.equal(served['meshplane/apps/apply'].state, 'success', 'the apply finished before the kill and says so');
  });
});
