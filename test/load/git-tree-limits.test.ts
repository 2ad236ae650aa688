// What a commit cannot make the loader do: read a huge blob into memory, or load any number of files.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GitTreeSource } from '../../reconciler/load/git-tree-source';
import { loadEnvironment, MAX_FILES_PER_ENVIRONMENT } from '../../reconciler/load/load-environment';
import { Daemon } from '../../reconciler/daemon/daemon';
import { validateRevision } from '../../reconciler/daemon/load-revision';
import { eventually } from '../helpers/eventually';
import { cleanupAfterEach } from '../helpers/cleanups';
import { GitRepo } from '../helpers/temp-repo';

const MIB = 1024 * 1024;

/** Writes `bytes` of YAML-looking text to a file in 1 MiB chunks (never the whole of it in memory) and stores it as a blob. */
function hashHugeBlob(repo: GitRepo, dir: string, bytes: number): string {
  const file = path.join(dir, 'huge.yaml');
  const chunk = Buffer.from('key: value\n'.repeat(MIB / 11));
  const fd = fs.openSync(file, 'w');
  try {
    for (let written = 0; written < bytes; written += chunk.length) fs.writeSync(fd, chunk, 0, Math.min(chunk.length, bytes - written));
  } finally {
    fs.closeSync(fd);
  }
  const sha = repo.git('hash-object', '-w', file);
  fs.rmSync(file);
  return sha;
}

/** Commits index entries (mode, sha, path) without a working tree copy of them. */
function commitEntries(repo: GitRepo, entries: Array<[string, string]>, message: string): string {
  execFileSync('git', ['update-index', '--add', '--index-info'], { cwd: repo.dir, input: entries.map(([sha, file]) => `100644 ${sha}\t${file}\n`).join('') });
  repo.git('-c', 'commit.gpgsign=false', 'commit', '-q', '-m', message);
  return repo.head();
}

describe('loader limits on a Git tree', () => {
  const cleanups = cleanupAfterEach();

  it('refuses a 300 MB blob from its size in the tree listing, without reading it into memory', async function () {
    this.timeout(120_000); // writing and compressing 300 MB is most of it
    const repo = cleanups.gitRepo();
    const sha = hashHugeBlob(repo, cleanups.tempDir(), 300 * 1000 * 1000);
    const commit = commitEntries(repo, [[sha, 'environments/apps/huge.yaml'], [sha, 'environments/apps/environment.yaml']], 'a 300 MB file');

    global.gc?.();
    const before = process.memoryUsage().rss;
    const source = await GitTreeSource.open(repo.dir, commit);
    const loaded = await loadEnvironment(source, 'apps');
    const validated = await validateRevision(source, 'apps');
    const grown = process.memoryUsage().rss - before;

    const sizes = loaded.diagnostics.filter((d) => d.code === 'LOAD-SIZE');
    assert.deepEqual(sizes.map((d) => d.file), ['environments/apps/environment.yaml', 'environments/apps/huge.yaml']);
    assert.match(sizes[0].message, /300000000 bytes; files over 1048576 bytes are refused/);
    assert.ok(loaded.resources.length > 0, 'the other files still load');
    assert.equal(validated?.valid, false);
    assert.ok(grown < 64 * MIB, `RSS grew by ${Math.round(grown / MIB)} MiB`);
  });

  it(`refuses an environment of more than ${MAX_FILES_PER_ENVIRONMENT} files with one diagnostic, loading none of them`, async function () {
    this.timeout(60_000); // git writes a tree of 20,000 entries
    const repo = cleanups.gitRepo();
    const sha = repo.git('hash-object', '-w', path.join(repo.dir, 'environments/apps/mesh.yaml'));
    const extra = Array.from({ length: MAX_FILES_PER_ENVIRONMENT }, (_, i): [string, string] => [sha, `environments/apps/copies/${i}.yaml`]);
    const commit = commitEntries(repo, extra, `${extra.length} more files`);

    const loaded = await loadEnvironment(await GitTreeSource.open(repo.dir, commit), 'apps');
    assert.deepEqual(loaded.diagnostics.map((d) => [d.code, d.file]), [['LOAD-FILES', 'environments/apps']]);
    assert.match(loaded.diagnostics[0].message, /has 200\d\d YAML\/JSON files; an environment may have at most 20000 \(operator setting limits.filesPerEnvironment\)/);
    assert.deepEqual(loaded.resources, []);
  });

  it('a daemon fails the validate stage of a commit with an oversized environment.yaml, naming the file, and keeps serving', async () => {
    const repo = cleanups.gitRepo();
    const daemon = await Daemon.start({ repo: repo.dir, dataDir: cleanups.tempDir('meshplane-limits-'), xdsListen: '127.0.0.1:0', httpListen: '127.0.0.1:0', pollIntervalMs: 200, ackTimeoutMs: 2000 });
    cleanups.push(() => daemon.stop());
    const good = repo.head();
    await eventually('the first commit live', () => daemon.environments()[0]?.live?.commit === good || undefined, 30_000);
    const big = repo.commit('a 2 MB environment.yaml', { 'environments/apps/environment.yaml': `# ${'x'.repeat(2 * MIB)}\n` });
    const validate = await eventually('the validate status', () => daemon.book.get(big)?.statuses.find((s) => s.context === 'meshplane/apps/validate'), 30_000);
    assert.equal(validate.state, 'failure', validate.description);
    assert.match(validate.description, /environments\/apps\/environment\.yaml: LOAD-SIZE file is 2097155 bytes/);
    assert.equal(daemon.environments()[0]?.live?.commit, good);
  });

  it('takes the files-per-environment and file-size limits as loader options', async () => {
    const repo = cleanups.gitRepo();
    const source = await GitTreeSource.open(repo.dir, 'HEAD');
    const files = (await source.listFiles('environments/apps')).length;
    const tooMany = await loadEnvironment(source, 'apps', { filesPerEnvironment: files - 1 });
    assert.deepEqual(tooMany.diagnostics.map((d) => d.code), ['LOAD-FILES']);
    const small = await loadEnvironment(source, 'apps', { filesPerEnvironment: files, maxFileBytes: 100 });
    assert.ok(small.diagnostics.length > 0 && small.diagnostics.every((d) => d.code === 'LOAD-SIZE'), JSON.stringify(small.diagnostics));
    assert.match(small.diagnostics[0].message, /files over 100 bytes are refused/);
  });
});
