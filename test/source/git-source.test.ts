import * as assert from 'node:assert/strict';
import childProcess = require('node:child_process');
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SourceError } from '../../reconciler/source/errors';
import { GitSource, GitSourceOptions } from '../../reconciler/source/git-source';
import { KEPT_REFS } from '../../reconciler/source/checkout';
import { Revision } from '../../reconciler/source/revision';
import { eventually } from '../helpers/eventually';
import { cleanupAfterEach } from '../helpers/cleanups';
import { git, makeBareRemote } from '../helpers/temp-repo';

/** Records what a source reports. */
class Recorder {
  revisions: Revision[] = [];
  errors: SourceError[] = [];
  recoveries = 0;
  readonly listener = {
    revision: (r: Revision) => void this.revisions.push(r),
    error: (e: SourceError) => void this.errors.push(e),
    recovered: () => void (this.recoveries += 1),
  };
  last(): Revision {
    return this.revisions[this.revisions.length - 1];
  }
}

const NO_POLL = 60_000;
const FAST_BACKOFF = { initialMs: 20, maxMs: 100 };

describe('git source', () => {
  const cleanups = cleanupAfterEach();
  const repo = () => cleanups.gitRepo();
  const dataDir = () => cleanups.tempDir('meshplane-data-');
  const open = async (options: Partial<GitSourceOptions> & { repo: string }) => {
    const source = await GitSource.open({ dataDir: dataDir(), pollIntervalMs: NO_POLL, backoff: FAST_BACKOFF, ...options });
    cleanups.push(() => source.stop());
    const recorder = new Recorder();
    await source.start(recorder.listener);
    return { source, recorder };
  };

  describe('local repository', () => {
    it('hands over the branch head with its files and commit details', async () => {
      const r = repo();
      const { recorder } = await open({ repo: r.dir });
      assert.equal(recorder.revisions.length, 1);
      const revision = recorder.last();
      assert.equal(revision.commit, r.head());
      assert.equal(revision.id, r.head());
      assert.equal(revision.branch, 'main');
      assert.equal(revision.info.subject, 'apps environment');
      assert.equal(revision.info.author, 'Test Author');
      assert.equal(revision.forcedFrom, undefined);
      const mesh = await revision.files.read('environments/apps/mesh.yaml');
      assert.match(mesh.toString('utf8'), /meshName: apps/);
      assert.deepEqual(await revision.files.listDirectories('environments'), ['apps']);
    });

    it('notices a new commit at once through the ref watcher (no polling)', async () => {
      const r = repo();
      const { recorder } = await open({ repo: r.dir });
      const started = Date.now();
      const commit = r.commit('shift weights', { 'environments/apps/extra.yaml': '# extra\n' });
      await eventually('the new commit', () => recorder.revisions.find((rev) => rev.commit === commit), 3000);
      assert.ok(Date.now() - started < 3000);
      assert.equal(recorder.revisions.length, 2);
      assert.match((await recorder.last().files.read('environments/apps/extra.yaml')).toString(), /extra/);
    });

    it('notices a new commit and reads its files without starting a git process (one cat-file process answers)', async () => {
      const r = repo();
      const { recorder } = await open({ repo: r.dir });
      const spawned: string[] = [];
      const spawn = childProcess.spawn;
      (childProcess as { spawn: typeof spawn }).spawn = ((command: string, args: readonly string[], ...rest: never[]) => {
        spawned.push(`${command} ${args.join(' ')}`);
        return (spawn as (...a: unknown[]) => unknown)(command, args, ...rest);
      }) as typeof spawn;
      try {
        const commit = r.commit('shift weights', { 'environments/apps/extra.yaml': '# extra\n' });
        const revision = await eventually('the new commit', () => recorder.revisions.find((rev) => rev.commit === commit), 5000);
        assert.equal(revision.info.subject, 'shift weights');
        assert.equal(revision.forcedFrom, undefined);
        assert.match((await revision.files.read('environments/apps/extra.yaml')).toString(), /extra/);
        assert.ok((await revision.files.listFiles('environments/apps')).length > 1);
      } finally {
        (childProcess as { spawn: typeof spawn }).spawn = spawn;
      }
      assert.deepEqual(spawned, []);
    });

    it('notices a commit on a branch whose ref was packed', async () => {
      const r = repo();
      git(r.dir, 'pack-refs', '--all');
      const { recorder } = await open({ repo: r.dir });
      const commit = r.commit('after pack-refs');
      await eventually('the new commit', () => recorder.revisions.find((rev) => rev.commit === commit), 3000);
    });

    it('ignores uncommitted edits by default', async () => {
      const r = repo();
      const { source, recorder } = await open({ repo: r.dir });
      r.write('environments/apps/mesh.yaml', 'kind: Mesh\nmeshName: apps\nspec: {}\n');
      await new Promise((resolve) => setTimeout(resolve, 300));
      await source.check();
      assert.equal(recorder.revisions.length, 1);
    });

    it('reconciles uncommitted edits with --watch-worktree', async () => {
      const r = repo();
      const { recorder } = await open({ repo: r.dir, watchWorktree: true });
      assert.ok(recorder.last().worktreeDigest);
      r.write('environments/apps/mesh.yaml', 'kind: Mesh\nmeshName: apps\nspec: {}\n');
      const edited = await eventually('the worktree revision', () => (recorder.revisions.length > 1 ? recorder.last() : undefined), 3000);
      assert.equal(edited.commit, r.head());
      assert.match(edited.id, new RegExp(`^${r.head()}\\+worktree\\.[0-9a-f]{12}$`));
      assert.notEqual(edited.id, recorder.revisions[0].id);
      assert.equal((await edited.files.read('environments/apps/mesh.yaml')).toString(), 'kind: Mesh\nmeshName: apps\nspec: {}\n');
    });

    it('detects a force-push (the branch moved to a commit that does not descend from the last)', async () => {
      const r = repo();
      const first = r.head();
      const second = r.commit('second');
      const { recorder } = await open({ repo: r.dir });
      assert.equal(recorder.last().commit, second);
      git(r.dir, 'reset', '-q', '--hard', first);
      const forced = await eventually('the reset head', () => recorder.revisions.find((rev) => rev.commit === first), 3000);
      assert.equal(forced.forcedFrom, second);
    });

    it('detects a force-push that happened while the daemon was down (lastKnownHead)', async () => {
      const r = repo();
      const first = r.head();
      const { recorder } = await open({ repo: r.dir, lastKnownHead: '1111111111111111111111111111111111111111' });
      assert.equal(recorder.last().commit, first);
      assert.equal(recorder.last().forcedFrom, '1111111111111111111111111111111111111111');
    });

    it('treats a fast-forward as no force-push', async () => {
      const r = repo();
      const first = r.head();
      const { source, recorder } = await open({ repo: r.dir, lastKnownHead: first });
      const next = r.commit('next');
      await source.check();
      await eventually('the next commit', () => recorder.revisions.find((rev) => rev.commit === next), 3000);
      assert.equal(recorder.last().forcedFrom, undefined);
    });

    it('reports a missing branch naming the branches that exist, and recovers when it appears', async () => {
      const r = repo();
      const { source, recorder } = await open({ repo: r.dir, branch: 'production' });
      assert.equal(recorder.revisions.length, 0);
      assert.equal(recorder.errors[0].kind, 'branch');
      assert.match(recorder.errors[0].message, /branch "production" does not exist in .* \(branches: main\)\. Push the branch, or pass --branch/);
      assert.equal(source.status().lastError?.kind, 'branch');
      git(r.dir, 'branch', 'production');
      await eventually('the production branch', () => recorder.revisions[0], 3000);
      assert.equal(recorder.recoveries, 1);
      assert.equal(source.status().lastError, undefined);
    });

    it('refuses a folder that is not a repository, saying what to pass', async () => {
      const dir = cleanups.tempDir();
      await assert.rejects(GitSource.open({ repo: dir, dataDir: dir }), (error: SourceError) => {
        assert.equal(error.kind, 'location');
        assert.match(error.message, /is not a git repository .*Pass --repo a directory holding a git repository/);
        return true;
      });
      await assert.rejects(GitSource.open({ repo: path.join(dir, 'missing'), dataDir: dir }), /does not exist\. Pass --repo an existing git repository/);
    });

    it('refuses a folder inside a repository', async () => {
      const r = repo();
      await assert.rejects(GitSource.open({ repo: path.join(r.dir, 'environments'), dataDir: r.dir }), /it is a folder inside the repository .*pass the repository's top folder/);
    });

    it('polls at the interval', async () => {
      const r = repo();
      const source = await GitSource.open({ repo: r.dir, dataDir: dataDir(), pollIntervalMs: 100 });
      cleanups.push(() => source.stop());
      const recorder = new Recorder();
      await source.start(recorder.listener);
      // Nothing changes in the repository, so only the poll can run another check.
      const before = source.status().lastCheckAt;
      await eventually('a polled check', () => (source.status().lastCheckAt !== before ? true : undefined), 2000);
    });
  });

  describe('remote repository', () => {
    it('clones a file:// remote into the data dir and follows pushes', async () => {
      const r = repo();
      const remote = makeBareRemote(r);
      cleanups.push(remote.remove);
      const { source, recorder } = await open({ repo: remote.url });
      assert.equal(recorder.last().commit, r.head());
      assert.ok(source.gitDir.includes(path.join('source', '')), source.gitDir);
      assert.equal(git(source.gitDir, 'rev-parse', '--is-bare-repository'), 'true');
      assert.match((await recorder.last().files.read('environments/apps/mesh.yaml')).toString(), /meshName: apps/);

      const next = r.commit('next', { 'environments/apps/x.yaml': '# x\n' });
      git(r.dir, 'push', '-q', 'origin', 'main');
      await source.check();
      assert.equal(recorder.last().commit, next);
      assert.equal(recorder.last().forcedFrom, undefined);
    });

    it('reconciles a force-push to an older commit and keeps the dropped commit in the clone', async () => {
      const r = repo();
      const first = r.head();
      const remote = makeBareRemote(r);
      cleanups.push(remote.remove);
      const second = r.commit('second');
      git(r.dir, 'push', '-q', 'origin', 'main');
      const { source, recorder } = await open({ repo: remote.url });
      assert.equal(recorder.last().commit, second);
      git(r.dir, 'push', '-q', '--force', 'origin', `${first}:refs/heads/main`);
      await source.check();
      assert.equal(recorder.last().commit, first);
      assert.equal(recorder.last().forcedFrom, second);
      assert.equal(git(source.gitDir, 'rev-parse', `${KEPT_REFS}/${second}`), second);
    });

    it('reports an unreachable remote with backoff, keeps the last revision, and recovers', async () => {
      const r = repo();
      const remote = makeBareRemote(r);
      cleanups.push(remote.remove);
      const { source, recorder } = await open({ repo: remote.url });
      const away = remote.dir + '.away';
      fs.renameSync(remote.dir, away);
      await source.check();
      assert.equal(recorder.errors.length, 1);
      assert.equal(recorder.errors[0].kind, 'unreachable');
      assert.match(recorder.errors[0].message, /^cannot reach file:\/\/.*mesh\.git: .*The last good revision keeps serving; meshplane retries with backoff\./);
      assert.equal(recorder.revisions.length, 1);
      // Retries come by themselves (backoff 20–100 ms here) and keep failing while it is away.
      await eventually('a retry', () => (recorder.errors.length >= 3 ? true : undefined), 3000);
      assert.ok((source.status().lastError?.failures ?? 0) >= 3);
      fs.renameSync(away, remote.dir);
      await eventually('recovery', () => (recorder.recoveries === 1 ? true : undefined), 3000);
      assert.equal(source.status().lastError, undefined);
      assert.equal(recorder.revisions.length, 1, 'the same head is not handed over again');
    });

    it('reports an unreachable remote at start (nothing to serve yet)', async () => {
      const dir = cleanups.tempDir();
      const { recorder } = await open({ repo: `file://${dir}/nothing.git` });
      assert.equal(recorder.revisions.length, 0);
      assert.equal(recorder.errors[0].kind, 'unreachable');
    });

    it('reports a missing branch of a remote', async () => {
      const r = repo();
      const remote = makeBareRemote(r);
      cleanups.push(remote.remove);
      const { recorder } = await open({ repo: remote.url, branch: 'prod' });
      assert.equal(recorder.errors[0].kind, 'branch');
      assert.match(recorder.errors[0].message, /branch "prod" does not exist in file:\/\/.* \(branches: main\)/);
    });

    const corruptions: Array<{ name: string; corrupt: (gitDir: string) => void }> = [
      { name: 'a garbage HEAD', corrupt: (gitDir) => fs.writeFileSync(path.join(gitDir, 'HEAD'), 'garbage\n') },
      { name: 'missing objects', corrupt: (gitDir) => fs.rmSync(path.join(gitDir, 'objects'), { recursive: true, force: true }) },
      { name: 'a deleted config', corrupt: (gitDir) => fs.rmSync(path.join(gitDir, 'config')) },
    ];
    for (const { name, corrupt } of corruptions) {
      it(`re-clones a corrupted checkout (${name})`, async () => {
        const r = repo();
        const remote = makeBareRemote(r);
        cleanups.push(remote.remove);
        const { source, recorder } = await open({ repo: remote.url });
        corrupt(source.gitDir);
        const next = r.commit('after the damage');
        git(r.dir, 'push', '-q', 'origin', 'main');
        await source.check();
        assert.deepEqual(recorder.errors, []);
        assert.equal(recorder.last().commit, next);
        assert.match((await recorder.last().files.read('environments/apps/mesh.yaml')).toString(), /meshName: apps/);
        assert.equal(git(source.gitDir, 'rev-parse', '--is-bare-repository'), 'true');
      });
    }

    it('re-clones when reading a commit fails', async () => {
      const r = repo();
      const remote = makeBareRemote(r);
      cleanups.push(remote.remove);
      const { source, recorder } = await open({ repo: remote.url });
      const commit = recorder.last().commit;
      fs.rmSync(path.join(source.gitDir, 'objects'), { recursive: true, force: true });
      fs.mkdirSync(path.join(source.gitDir, 'objects'));
      await assert.rejects(source.files(commit), (error: SourceError) => error.kind === 'read' && /cannot read the files of commit/.test(error.message));
      await source.check();
      const files = await source.files(commit);
      assert.match((await files.read('environments/apps/mesh.yaml')).toString(), /meshName: apps/);
    });

    it('never writes credentials of the URL into messages', async () => {
      const dir = cleanups.tempDir();
      const { source, recorder } = await open({ repo: `file://user:hunter2@localhost${dir}/none.git` });
      assert.ok(recorder.errors.length > 0);
      assert.doesNotMatch(recorder.errors[0].message, /hunter2/);
      assert.doesNotMatch(JSON.stringify(source.status()), /hunter2/);
    });
  });
});
