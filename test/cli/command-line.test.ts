// What every command shares: output into a pipe closed early, --version, and an unknown
// environment named in history.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { cleanupAfterEach } from '../helpers/cleanups';
import { REPO_ROOT } from '../helpers/paths';
import { runMeshplane } from '../helpers/run-meshplane';

const BIN = path.join(REPO_ROOT, 'bin', 'meshplane');

describe('the meshplane command line', function () {
  this.timeout(60_000);
  const cleanups = cleanupAfterEach();

  it('exits 0 and prints no error when the reader closes the pipe early (status | head -1, status | true)', () => {
    const repo = cleanups.gitRepo();
    const statuses = Object.fromEntries(['validate', 'plan', 'apply', 'sync', 'drift'].map((stage) => [`meshplane/apps/${stage}`, { state: 'success', description: `${stage} done`, updatedAt: '2026-01-01T00:00:00.000Z' }]));
    repo.git('notes', '--ref=meshplane', 'add', '-m', JSON.stringify({ meshplane: 1, commit: repo.head(), statuses }), 'HEAD');
    for (const reader of ['head -1', 'true']) {
      // `true` exits before node has started: every write meets a closed pipe (EPIPE).
      const result = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" status --repo "${repo.dir}" | ${reader}`], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(result.status, 0, `| ${reader}: exit ${result.status}\n${result.stderr}`);
      assert.equal(result.stderr, '', `| ${reader}`);
      if (reader === 'head -1') assert.equal(result.stdout.split('\n').filter(Boolean).length, 1);
    }
  });

  it('--version prints the package version', async () => {
    const version = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const run = await runMeshplane('--version');
    assert.equal(run.code, 0);
    assert.equal(run.stdout, `${version}\n`);
    assert.equal(execFileSync(process.execPath, [BIN, '-V'], { encoding: 'utf8' }), `${version}\n`);
  });

  it('history of an environment that does not exist fails naming the known ones; one never applied is fine', async () => {
    const repo = cleanups.gitRepo();
    const unknown = await runMeshplane('history', '--env', 'appz', '--repo', repo.dir);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /unknown environment "appz" .*environments: apps/);
    const json = await runMeshplane('history', '--env', 'appz', '--repo', repo.dir, '--format', 'json');
    assert.notEqual(json.code, 0);
    const never = await runMeshplane('history', '--env', 'apps', '--repo', repo.dir);
    assert.equal(never.code, 0, never.stderr);
    assert.match(never.stdout, /Nothing has been applied to environment apps yet/);
  });
});

describe('meshplane serve fails fast when there is nothing it could serve', function () {
  this.timeout(90_000);
  const cleanups = cleanupAfterEach();
  const serve = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, 'serve', '--data-dir', cleanups.tempDir('meshplane-data-'), '--xds-listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0', ...args], { encoding: 'utf8', timeout: 60_000 });

  it('a branch that does not exist: exit 2 naming the branches there are', () => {
    const repo = cleanups.gitRepo();
    const result = serve('--repo', repo.dir, '--branch', 'mian');
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /mian/);
    assert.match(result.stderr, /main/);
  });

  it('a repository URL nobody answers at: exit 2 saying it cannot be reached', async () => {
    const closed = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const result = serve('--repo', `http://127.0.0.1:${closed}/mesh.git`);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, new RegExp(`127\\.0\\.0\\.1:${closed}`));
  });
});
