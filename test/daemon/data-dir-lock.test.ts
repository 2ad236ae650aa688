// One daemon per data directory: a second `meshplane serve` on it refuses to start and names the
// holder; the lock of a daemon killed with SIGKILL does not keep the next one out.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { cleanupAfterEach } from '../helpers/cleanups';
import { eventually } from '../helpers/eventually';
import { REPO_ROOT } from '../helpers/paths';
import { DaemonProcess } from './daemon-process';

const run = promisify(execFile);

describe('the data directory lock', function () {
  this.timeout(120_000);
  const cleanups = cleanupAfterEach();

  it('a second daemon on the same data dir exits 2 naming the holder; after a SIGKILL the lock is taken over', async () => {
    const repo = cleanups.gitRepo();
    const dataDir = cleanups.tempDir('meshplane-data-');
    const args = ['--repo', repo.dir, '--data-dir', dataDir, '--xds-listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0'];
    const first = await DaemonProcess.start(args);
    cleanups.push(() => first.kill());

    const second = await run(process.execPath, [path.join(REPO_ROOT, 'bin', 'meshplane'), 'serve', ...args], { timeout: 60_000 }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    assert.equal(second.code, 2, second.stderr);
    assert.match(second.stderr, new RegExp(`the data directory ${dataDir} is in use by another meshplane daemon: process ${first.pid} on host ${os.hostname()} \\(meshplane serve ${repo.dir}, since \\d{4}-`));
    assert.equal((await first.get('/healthz')).status, 200, 'the first daemon still serves');

    assert.equal(await first.signal('SIGKILL'), null);
    const third = await DaemonProcess.start(args);
    cleanups.push(() => third.kill());
    await eventually('the restarted daemon to serve', () => third.logs.some((l) => l.msg === 'revision is already live'), 60_000);
    assert.equal(await third.signal('SIGTERM'), 0);
  });
});
