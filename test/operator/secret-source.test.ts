// Secrets of the operator configuration: from the daemon's environment or a file; files read
// asynchronously, regular files only, size-capped, re-read when they change. A FIFO or a device
// never blocks or exhausts the daemon.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SecretError } from '../../reconciler/operator/errors';
import { MAX_SECRET_BYTES, SecretSource } from '../../reconciler/operator/secret-source';
import { cleanupAfterEach } from '../helpers/cleanups';

describe('operator config: secret sources', () => {
  const cleanups = cleanupAfterEach();
  const refused = async (source: SecretSource, message: RegExp) =>
    assert.rejects(source.read(), (error: unknown) => {
      assert.ok(error instanceof SecretError, String(error));
      assert.match(error.message, message);
      return true;
    });

  it('reads { env } from the daemon environment and names the variable when it is unset', async () => {
    assert.equal(await new SecretSource({ env: 'TOKEN_A' }, { variables: { TOKEN_A: ' s3cret\n' } }).read(), 's3cret');
    await refused(new SecretSource({ env: 'TOKEN_A' }, { variables: {} }), /environment variable TOKEN_A is not set.*Export TOKEN_A=<secret>/);
  });

  it('reads { file } once, and again only when the file changes', async () => {
    const file = path.join(cleanups.tempDir(), 'token');
    fs.writeFileSync(file, 'one\n');
    const source = new SecretSource({ file }, { recheckMs: 0 });
    assert.equal(await source.read(), 'one');
    const opened: string[] = [];
    const realOpen = fs.promises.open;
    fs.promises.open = (async (...args: Parameters<typeof realOpen>) => {
      opened.push(String(args[0]));
      return realOpen(...args);
    }) as typeof realOpen;
    try {
      assert.equal(await source.read(), 'one');
      assert.deepEqual(opened, [], 'an unchanged file is not read again');
      fs.writeFileSync(file, 'second-value\n');
      assert.equal(await source.read(), 'second-value');
      assert.equal(opened.length, 1);
    } finally {
      fs.promises.open = realOpen;
    }
  });

  it('current() never waits: it answers from the cache and re-checks in the background', async () => {
    const file = path.join(cleanups.tempDir(), 'token');
    fs.writeFileSync(file, 'cached');
    const source = new SecretSource({ file }, { recheckMs: 0 });
    assert.equal(source.current(), undefined, 'nothing before the first read completes');
    await source.read();
    fs.writeFileSync(file, 'rotated');
    assert.equal(source.current(), 'cached', 'the cached value, synchronously');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(source.current(), 'rotated');
  });

  it('refuses a FIFO without blocking, /dev/zero, a directory and an oversized file; the last good value stays', async () => {
    const dir = cleanups.tempDir();
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    await refused(new SecretSource({ file: fifo }), /is not a regular file/);
    assert.ok(Date.now() - started < 2000, 'opening the FIFO did not wait for a writer');
    await refused(new SecretSource({ file: '/dev/zero' }), /is not a regular file/);
    await refused(new SecretSource({ file: dir }), /cannot read secret file|is not a regular file/);
    const big = path.join(dir, 'big');
    fs.writeFileSync(big, 'x'.repeat(MAX_SECRET_BYTES + 1));
    await refused(new SecretSource({ file: big }), /more than the 65536-byte limit/);
    await refused(new SecretSource({ file: path.join(dir, 'missing') }), /cannot read secret file .*ENOENT/);

    const file = path.join(dir, 'token');
    fs.writeFileSync(file, 'good');
    const errors: string[] = [];
    const source = new SecretSource({ file }, { recheckMs: 0, onError: (e) => errors.push(e.message) });
    await source.read();
    fs.rmSync(file);
    execFileSync('mkfifo', [file]);
    source.current();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(source.current(), 'good');
    assert.match(errors[0], /is not a regular file/);
  });
});
