// Out of file descriptors, `spawn git` fails with EMFILE. Through simple-git that used to be an
// uncaught 'error' event that exited the daemon; with the guard it is a failed git task (which the
// source retries) and a reported failure. A real process under a real descriptor limit (prlimit).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const CHILD = path.join(__dirname, 'spawn-failure-child.js');

function runChild(mode: 'guarded' | 'unguarded') {
  return spawnSync('prlimit', ['--nofile=64', process.execPath, CHILD, mode], { encoding: 'utf8', timeout: 20_000 });
}

describe('daemon: spawn failures (EMFILE)', function () {
  before(function () {
    if (spawnSync('prlimit', ['--version']).status !== 0) this.skip(); // util-linux prlimit is needed to lower the limit
  });

  it('without the guard, the uncaught spawn error exits the process (the crash the guard prevents)', () => {
    const child = runChild('unguarded');
    assert.notEqual(child.status, 0);
    assert.match(child.stderr, /spawn git EMFILE/);
  });

  it('with the guard, the git task fails, the failure is reported, the process lives on and git runs again once descriptors are back', () => {
    const child = runChild('guarded');
    assert.equal(child.status, 0, child.stderr);
    const outcome = JSON.parse(child.stdout.trim()) as { result: string; reported: string[]; retried: string };
    assert.match(outcome.result, /^failed: /);
    assert.deepEqual(outcome.reported, ['EMFILE']);
    assert.equal(outcome.retried, 'ran');
  });
});
