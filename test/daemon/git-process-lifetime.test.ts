// The daemon reads its repository through one `git cat-file --batch-command` process, and leaves
// none behind when it stops (its last reads — a reconcile finishing, the status flush — come after
// the source stopped).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Daemon } from '../../reconciler/daemon/daemon';
import { cleanupAfterEach } from '../helpers/cleanups';
import { eventually } from '../helpers/eventually';

/** This process's children running `git cat-file` in `gitDir` (other tests' repositories may have theirs). */
function catFileChildren(gitDir: string): string[] {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  const cwd = (pid: string) => {
    try {
      return fs.realpathSync(`/proc/${pid}/cwd`);
    } catch {
      return undefined; // exited meanwhile
    }
  };
  return out.split('\n').filter((line) => /git cat-file/.test(line) && cwd(line.trim().split(' ')[0]) === fs.realpathSync(gitDir));
}

describe('daemon: git processes', () => {
  const cleanups = cleanupAfterEach();

  it('follows commits with one cat-file process, and leaves none running once stopped', async () => {
    const repo = cleanups.gitRepo();
    const daemon = await Daemon.start({ repo: repo.dir, dataDir: path.join(cleanups.tempDir(), 'data'), xdsListen: '127.0.0.1:0', httpListen: '127.0.0.1:0', pollIntervalMs: 60_000, ackTimeoutMs: 2000 });
    let stopped = false;
    cleanups.push(() => (stopped ? undefined : daemon.stop()));
    const live = () => daemon.environments()[0]?.live?.commit;
    await eventually('the first commit live', () => live() === repo.head() || undefined, 30_000);
    const next = repo.commit('extra file', { 'environments/apps/extra.yaml': '# extra\n' });
    await eventually('the next commit live', () => live() === next || undefined, 30_000);
    const gitDir = path.join(repo.dir, '.git');
    assert.equal(catFileChildren(gitDir).length, 1, catFileChildren(gitDir).join('\n'));
    await daemon.stop();
    stopped = true;
    await eventually('no cat-file process left', () => catFileChildren(gitDir).length === 0 || undefined, 5000);
  });
});
