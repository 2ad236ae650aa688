// The repository's long-lived `git cat-file --batch-command`: one process that keeps seeing the
// repository as it changes, bounded reads that leave the stream in step, and a restart after it died.
import * as assert from 'node:assert/strict';
import { GitObjects, ObjectTooLargeError } from '../../reconciler/load/git-objects';
import { parseCommit, readCommit } from '../../reconciler/source/commit-object';
import { cleanupAfterEach } from '../helpers/cleanups';
import { runGit } from '../helpers/temp-repo';

describe('git objects (one cat-file process per repository)', () => {
  const cleanups = cleanupAfterEach();
  const open = (dir: string) => {
    const objects = GitObjects.of(dir);
    cleanups.push(() => objects.close());
    return objects;
  };

  it('resolves the branch as it moves, after its ref is packed, and after gc packs the objects, with the same process', async () => {
    const repo = cleanups.gitRepo();
    const objects = open(repo.dir);
    assert.equal((await objects.info('refs/heads/main^{commit}'))?.oid, repo.head());
    const pid = (objects as unknown as { child: { pid: number } }).child.pid;
    const second = repo.commit('second', { 'environments/apps/x.yaml': '# x\n' });
    assert.equal((await objects.info('refs/heads/main^{commit}'))?.oid, second);
    repo.git('pack-refs', '--all');
    repo.git('gc', '-q', '--prune=now');
    const third = repo.commit('third', { 'environments/apps/y.yaml': '# y\n' });
    assert.equal((await objects.info('refs/heads/main^{commit}'))?.oid, third);
    assert.equal((await objects.contents(`${second}:environments/apps/x.yaml`, { maxBytes: 100 }))?.content.toString(), '# x\n');
    assert.equal((objects as unknown as { child: { pid: number } }).child.pid, pid, 'one process answered everything');
  });

  it('refuses content over the limit without losing its place in the stream, and truncates when asked', async () => {
    const repo = cleanups.gitRepo();
    const big = 'x'.repeat(300_000);
    repo.commit('big', { 'environments/apps/big.txt': big, 'environments/apps/small.txt': 'small\n' });
    const objects = open(repo.dir);
    const [refused, small, cut] = await Promise.allSettled([
      objects.contents('HEAD:environments/apps/big.txt', { maxBytes: 1000 }),
      objects.contents('HEAD:environments/apps/small.txt', { maxBytes: 1000 }),
      objects.contents('HEAD:environments/apps/big.txt', { maxBytes: 10, over: 'truncate' }),
    ]);
    assert.equal(refused.status, 'rejected');
    assert.ok((refused as PromiseRejectedResult).reason instanceof ObjectTooLargeError);
    assert.equal((small as PromiseFulfilledResult<{ content: Buffer }>).value.content.toString(), 'small\n');
    const truncated = (cut as PromiseFulfilledResult<{ content: Buffer; size: number }>).value;
    assert.deepEqual([truncated.content.toString(), truncated.size], ['xxxxxxxxxx', 300_000]);
  });

  it('answers undefined for a name that names nothing, or that holds a newline (no second command)', async () => {
    const repo = cleanups.gitRepo();
    const objects = open(repo.dir);
    assert.equal(await objects.info('refs/heads/nope'), undefined);
    assert.equal(await objects.info(`HEAD\ncontents HEAD`), undefined);
    assert.equal((await objects.info('HEAD'))?.type, 'commit');
  });

  it('starts a new process on the next request when the process died', async () => {
    const repo = cleanups.gitRepo();
    const objects = open(repo.dir);
    await objects.info('HEAD');
    const child = (objects as unknown as { child: { pid: number; kill(): void; once(event: string, listener: () => void): void } }).child;
    await new Promise<void>((resolve) => {
      child.once('close', resolve);
      child.kill();
    });
    assert.equal((await objects.info('HEAD'))?.oid, repo.head());
  });

  it('fails requests with the reason when the folder is not a repository', async () => {
    const objects = open(cleanups.tempDir());
    await assert.rejects(objects.info('HEAD'), /not a git repository/i);
  });

  it('reads a commit as `git log -1 --format=%H%x00%s%x00%an%x00%cI` shows it', async () => {
    const repo = cleanups.gitRepo();
    const messages = ['one line', '\n\nfirst line  \nsecond line\n\nbody\n', 'tab\tand trailing \t\n'];
    const objects = open(repo.dir);
    for (const [i, message] of messages.entries()) {
      const env = { GIT_COMMITTER_DATE: `2026-0${i + 1}-02T03:04:05${['+0130', '-0800', '+0000'][i]}`, GIT_AUTHOR_NAME: ' Ada  Lovelace ' };
      runGit(repo.dir, ['commit', '-q', '--allow-empty', '--cleanup=verbatim', '-m', message], env);
      const head = repo.head();
      const [sha, subject, author, committedAt] = repo.git('log', '-1', '--format=%H%x00%s%x00%an%x00%cI', head).split('\u0000');
      assert.deepEqual((await readCommit(objects, head))?.info, { commit: sha, subject, author, committedAt });
    }
  });

  it('reads a commit date with the committer offset and a Latin-1 message', () => {
    const raw = Buffer.concat([
      Buffer.from('tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nparent a\nparent b\nauthor Zoë <z@x> 1700000000 +0000\ncommitter C <c@x> 1700000000 -0130\nencoding ISO-8859-1\n\n'),
      Buffer.from('caf\xe9\n', 'latin1'),
    ]);
    const parsed = parseCommit('c0ffee', raw);
    assert.deepEqual(parsed.parents, ['a', 'b']);
    assert.deepEqual(parsed.info, { commit: 'c0ffee', subject: 'café', author: 'Zoë', committedAt: '2023-11-14T20:43:20-01:30' });
  });
});
