import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { commitsWithPendingStatuses, readNote } from '../../reconciler/status/git-notes';
import { GitNotesReporter } from '../../reconciler/status/git-notes-reporter';
import { makeStatus } from '../../reconciler/status/status';
import { gitAt } from '../../reconciler/source/git';
import { cleanupAfterEach } from '../helpers/cleanups';
import { git, makeBareRemote } from '../helpers/temp-repo';

const at = (iso: string) => () => new Date(iso);

describe('git notes status reporter', () => {
  const cleanups = cleanupAfterEach();
  const repo = () => cleanups.gitRepo();
  /** A repository, its bare remote and a bare clone of that remote (as the daemon keeps one). */
  const withClone = () => {
    const r = repo();
    const remote = makeBareRemote(r);
    cleanups.push(remote.remove);
    const clone = cleanups.tempDir();
    git(clone, 'clone', '-q', '--bare', remote.url, 'c.git');
    return { r, commit: r.head(), remote, gitDir: path.join(clone, 'c.git') };
  };

  it('finds pending statuses: none in a repository that has no notes yet (a first start), the pending commit once one is written', async () => {
    const r = repo();
    assert.deepEqual(await commitsWithPendingStatuses(gitAt(r.dir)), []);
    const commit = r.head();
    await new GitNotesReporter({ gitDir: r.dir }).report(commit, [makeStatus('apps', 'sync', 'pending', 'waiting for 1 proxy', 'http://127.0.0.1:9080/')]);
    assert.deepEqual(await commitsWithPendingStatuses(gitAt(r.dir)), [commit]);
  });

  it('merges into an existing note stored under fan-out folders (a notes ref holding hundreds of notes)', async () => {
    const r = repo();
    const commit = r.head();
    // 300 notes (git fans the notes tree out into ab/cdef… folders), ours among them: 299 filler
    // commits and the notes commit in one fast-import.
    const note = (context: string) => JSON.stringify({ meshplane: 1, commit: 'x', statuses: { [context]: { state: 'success', description: 'earlier', targetUrl: 'http://x/', updatedAt: '2025-01-01T00:00:00.000Z' } } });
    const data = (text: string) => [`data ${Buffer.byteLength(text)}`, text];
    const stream: string[] = [];
    for (let i = 1; i <= 299; i++) stream.push('commit refs/heads/filler', `mark :${i}`, 'committer t <t@t> 0 +0000', ...data(`filler ${i}`));
    stream.push('commit refs/notes/meshplane', 'committer t <t@t> 0 +0000', ...data('notes'), `N inline ${commit}`, ...data(note('meshplane/apps/validate')));
    for (let i = 1; i <= 299; i++) stream.push(`N inline :${i}`, ...data(note('x')));
    execFileSync('git', ['fast-import', '--quiet'], { cwd: r.dir, input: stream.join('\n') + '\n' });
    assert.match(git(r.dir, 'ls-tree', '--name-only', 'refs/notes/meshplane'), /^[0-9a-f]{2}$/m, 'the notes tree is fanned out');

    await new GitNotesReporter({ gitDir: r.dir }).report(commit, [makeStatus('apps', 'sync', 'pending', 'waiting', 'http://x/')]);
    const merged = JSON.parse(git(r.dir, 'notes', '--ref=meshplane', 'show', commit));
    assert.deepEqual(Object.keys(merged.statuses), ['meshplane/apps/validate', 'meshplane/apps/sync']);
    assert.equal(merged.statuses['meshplane/apps/validate'].description, 'earlier');
  });

  it('writes one JSON document per commit under refs/notes/meshplane, shown by git log --notes=meshplane', async () => {
    const r = repo();
    const commit = r.head();
    await new GitNotesReporter({ gitDir: r.dir, now: at('2025-01-02T03:04:05.000Z') }).report(commit, [
      makeStatus('apps', 'validate', 'success', 'valid: 7 resources in 4 files', 'http://127.0.0.1:9080/commits/' + commit),
    ]);
    const note = JSON.parse(git(r.dir, 'notes', '--ref=meshplane', 'show', commit));
    assert.deepEqual(note, {
      meshplane: 1,
      commit,
      statuses: {
        'meshplane/apps/validate': {
          state: 'success',
          description: 'valid: 7 resources in 4 files',
          targetUrl: 'http://127.0.0.1:9080/commits/' + commit,
          updatedAt: '2025-01-02T03:04:05.000Z',
        },
      },
    });
    const log = git(r.dir, 'log', '-1', '--notes=meshplane');
    assert.match(log, /Notes \(meshplane\):/);
    assert.match(log, /"meshplane\/apps\/validate"/);
  });

  it('merges contexts across reports and replaces a context with its newer state', async () => {
    const r = repo();
    const commit = r.head();
    const reporter = new GitNotesReporter({ gitDir: r.dir, now: at('2025-01-01T00:00:00.000Z') });
    await reporter.report(commit, [makeStatus('apps', 'validate', 'success', 'valid'), makeStatus('apps', 'sync', 'pending', 'pushing')]);
    await reporter.report(commit, [makeStatus('apps', 'sync', 'success', '3/3 proxies on abc1234'), makeStatus('ingress', 'validate', 'failure', 'x.yaml:3: bad')]);
    const read = await readNote(gitAt(r.dir), commit);
    assert.deepEqual(
      read?.statuses.map((s) => [s.context, s.state, s.description]),
      [
        ['meshplane/apps/validate', 'success', 'valid'],
        ['meshplane/apps/sync', 'success', '3/3 proxies on abc1234'],
        ['meshplane/ingress/validate', 'failure', 'x.yaml:3: bad'],
      ],
    );
  });

  it('serialises concurrent reports to one repository without losing a context', async () => {
    const r = repo();
    const commit = r.head();
    const environments = ['a', 'b', 'c', 'd', 'e', 'f'];
    await Promise.all(environments.map((env) => new GitNotesReporter({ gitDir: r.dir }).report(commit, [makeStatus(env, 'apply', 'success', `applied ${env}`)])));
    const read = await readNote(gitAt(r.dir), commit);
    assert.deepEqual(read?.statuses.map((s) => s.context), environments.map((env) => `meshplane/${env}/apply`));
  });

  it('reads nothing for a commit without statuses', async () => {
    const r = repo();
    assert.equal(await readNote(gitAt(r.dir), r.head()), undefined);
  });

  it('pushes the notes to the remote of a clone, merging notes someone else pushed meanwhile', async () => {
    const { r, commit, remote, gitDir } = withClone();
    const reporter = new GitNotesReporter({ gitDir, pushTo: 'origin' });

    await reporter.report(commit, [makeStatus('apps', 'validate', 'success', 'valid')]);
    assert.match(git(remote.dir, 'notes', '--ref=meshplane', 'show', commit), /meshplane\/apps\/validate/);

    // Another writer adds a note for a second commit and pushes it: our next push is rejected, merged, pushed.
    const second = r.commit('second');
    git(r.dir, 'push', '-q', 'origin', 'main');
    git(r.dir, 'fetch', '-q', 'origin', 'refs/notes/meshplane:refs/notes/meshplane');
    git(r.dir, 'notes', '--ref=meshplane', 'add', '-m', '{"meshplane":1,"statuses":{"meshplane/x/plan":{"state":"success","description":"d","updatedAt":"t"}}}', second);
    git(r.dir, 'push', '-q', 'origin', 'refs/notes/meshplane');

    await reporter.report(commit, [makeStatus('apps', 'sync', 'success', '2/2 proxies')]);
    const remoteNote = JSON.parse(git(remote.dir, 'notes', '--ref=meshplane', 'show', commit));
    assert.deepEqual(Object.keys(remoteNote.statuses), ['meshplane/apps/validate', 'meshplane/apps/sync']);
    assert.match(git(remote.dir, 'notes', '--ref=meshplane', 'show', second), /meshplane\/x\/plan/, "the other writer's note survives");
  });

  it('keeps statuses in the clone when the remote cannot take the push, and pushes them later', async () => {
    const { commit, remote, gitDir } = withClone();
    const warnings: string[] = [];
    const log = { warn: (_: unknown, message: string) => warnings.push(message), info: () => undefined } as never;
    const reporter = new GitNotesReporter({ gitDir, pushTo: 'origin', log });

    const away = remote.dir + '.away';
    fs.renameSync(remote.dir, away);
    await reporter.report(commit, [makeStatus('apps', 'validate', 'success', 'valid')]);
    assert.match(git(gitDir, 'notes', '--ref=meshplane', 'show', commit), /meshplane\/apps\/validate/);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /kept in the daemon's clone but could not be pushed/);
    await reporter.report(commit, [makeStatus('apps', 'plan', 'success', 'no changes')]);
    assert.equal(warnings.length, 1, 'the same failure is logged once');

    fs.renameSync(away, remote.dir);
    await reporter.report(commit, [makeStatus('apps', 'apply', 'success', 'applied')]);
    const remoteNote = JSON.parse(git(remote.dir, 'notes', '--ref=meshplane', 'show', commit));
    assert.deepEqual(Object.keys(remoteNote.statuses), ['meshplane/apps/validate', 'meshplane/apps/plan', 'meshplane/apps/apply']);
  });
});
