// The daemon and the CLI keep one state: with neither given a directory, `plan`, `describe` and
// `history` read what `meshplane serve` applied (both default to <repo>/.meshplane), and the
// daemon waits for the environment lock a CLI apply holds.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileStateStore } from '../../reconciler/state';
import { CommitStatuses } from '../../reconciler/status/status';
import { cleanupAfterEach } from '../helpers/cleanups';
import { eventually } from '../helpers/eventually';
import { runMeshplane } from '../helpers/run-meshplane';
import { DaemonProcess } from './daemon-process';

describe('one state location for the daemon and the CLI', function () {
  this.timeout(120_000);
  const cleanups = cleanupAfterEach();

  it('right after serve applied, plan has no changes and describe/history find the revision; the daemon honours a lock the CLI holds', async () => {
    const repo = cleanups.gitRepo();
    const first = repo.head();
    const daemon = await DaemonProcess.start(['--repo', repo.dir, '--xds-listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0']);
    cleanups.push(() => daemon.kill());
    const store = new FileStateStore(path.join(repo.dir, '.meshplane', 'state'));
    await eventually('the daemon to apply the head', async () => (await store.read('apps'))?.commit === first, 60_000);

    const plan = await runMeshplane('plan', '--repo', repo.dir, '--env', 'apps');
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /No changes\. Environment apps/);
    assert.match(plan.stdout, new RegExp(`applied revision 1 \\(${first.slice(0, 7)}\\)`));
    const history = await runMeshplane('history', '--repo', repo.dir, '--env', 'apps', '--format', 'json');
    assert.equal(history.code, 0, history.stderr);
    assert.deepEqual((JSON.parse(history.stdout) as { revisions: Array<{ commit: string }> }).revisions.map((r) => r.commit), [first]);
    const describe = await runMeshplane('describe', 'virtualNode', 'serviceB', '--repo', repo.dir, '--env', 'apps');
    assert.equal(describe.code, 0, describe.stderr);
    assert.equal((JSON.parse(describe.stdout) as { virtualNode: { virtualNodeName: string } }).virtualNode.virtualNodeName, 'serviceB');

    // A CLI apply in progress holds the environment's lock: the daemon's apply of a new commit waits for it.
    const lock = await store.lock('apps', 'meshplane apply (a test standing in for the CLI)');
    const routing = 'environments/apps/routing/service-b.yaml';
    const second = repo.commit('serviceB 50/50', { [routing]: fs.readFileSync(path.join(repo.dir, routing), 'utf8').replace('weight: 75', 'weight: 50').replace('weight: 25', 'weight: 50') });
    await eventually('the daemon to validate the new commit', async () => {
      const { status, body } = await daemon.get<CommitStatuses>(`/api/commits/${second}`);
      return status === 200 && body.statuses.some((s) => s.context === 'meshplane/apps/validate' && s.state === 'success');
    }, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal((await store.read('apps'))?.commit, first, 'the daemon applied while the CLI held the lock');
    await lock.release();
    await eventually('the daemon to apply once the lock is free', async () => (await store.read('apps'))?.commit === second, 40_000);
  });
});
