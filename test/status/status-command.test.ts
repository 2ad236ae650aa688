import * as assert from 'node:assert/strict';
import { runStatus } from '../../reconciler/cli/commands/status';
import { UsageError } from '../../reconciler/cli/usage-error';
import { GitNotesReporter } from '../../reconciler/status/git-notes-reporter';
import { makeStatus } from '../../reconciler/status/status';
import { captureTerminal } from '../helpers/capture-terminal';
import { GitRepo, makeGitRepo } from '../helpers/temp-repo';

describe('meshplane status', () => {
  let repo: GitRepo;
  let commit: string;
  before(async () => {
    repo = makeGitRepo();
    commit = repo.head();
    await new GitNotesReporter({ gitDir: repo.dir, now: () => new Date('2025-03-04T05:06:07.000Z') }).report(commit, [
      makeStatus('apps', 'validate', 'success', 'valid: 7 resources in 4 files', `http://127.0.0.1:9080/commits/${commit}`),
      makeStatus('apps', 'sync', 'failure', '11/12 ACKed, serviceB NACKed: unknown cluster', `http://127.0.0.1:9080/commits/${commit}`),
      makeStatus('apps', 'plan', 'success', '2 to change', `http://127.0.0.1:9080/commits/${commit}`),
    ]);
    repo.commit('later, without statuses');
  });
  after(() => repo.remove());

  it('prints the statuses of a commit from git notes, in stage order', async () => {
    const terminal = captureTerminal();
    const code = await runStatus({ repo: repo.dir, commit: commit.slice(0, 8), format: 'text' }, terminal);
    assert.equal(code, 0);
    assert.equal(
      terminal.stdout,
      [
        `commit ${commit} (refs/notes/meshplane)`,
        '  meshplane/apps/validate  success  valid: 7 resources in 4 files',
        '  meshplane/apps/plan      success  2 to change',
        '  meshplane/apps/sync      failure  11/12 ACKed, serviceB NACKed: unknown cluster',
        `  details: http://127.0.0.1:9080/commits/${commit}`,
        '',
      ].join('\n'),
    );
  });

  it('prints JSON', async () => {
    const terminal = captureTerminal();
    assert.equal(await runStatus({ repo: repo.dir, commit, format: 'json' }, terminal), 0);
    const parsed = JSON.parse(terminal.stdout);
    assert.equal(parsed.commit, commit);
    assert.deepEqual(parsed.statuses[0], {
      context: 'meshplane/apps/validate',
      state: 'success',
      description: 'valid: 7 resources in 4 files',
      targetUrl: `http://127.0.0.1:9080/commits/${commit}`,
      updatedAt: '2025-03-04T05:06:07.000Z',
    });
  });

  it('says how to fetch notes when a commit has none, and exits 1', async () => {
    const terminal = captureTerminal();
    assert.equal(await runStatus({ repo: repo.dir, commit: 'HEAD', format: 'text' }, terminal), 1);
    assert.match(terminal.stdout, /^no meshplane statuses for commit [0-9a-f]{40} in refs\/notes\/meshplane in .*git fetch origin refs\/notes\/meshplane:refs\/notes\/meshplane\n$/);
  });

  it('refuses a revision that names no commit', async () => {
    await assert.rejects(runStatus({ repo: repo.dir, commit: 'no-such-branch', format: 'text' }, captureTerminal()), (error: Error) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, /"no-such-branch" does not name a commit in .*Pass --commit/);
      return true;
    });
  });

  it('names the fix when the daemon cannot be reached', async () => {
    await assert.rejects(
      runStatus({ repo: repo.dir, commit, server: 'http://127.0.0.1:1', format: 'text' }, captureTerminal()),
      /cannot reach the daemon at http:\/\/127\.0\.0\.1:1 .*Check that `meshplane serve` runs/,
    );
  });
});
