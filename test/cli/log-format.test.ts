// Logs a person reads on a terminal are human lines; logs that go to a pipe, a file or a log
// shipper are one JSON object per line. `logging.format` (--log-format, $MESHPLANE_LOG_FORMAT)
// forces either.
import * as assert from 'node:assert/strict';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { daemonLogger } from '../../reconciler/logging/daemon-logger';
import { cleanupAfterEach } from '../helpers/cleanups';
import { REPO_ROOT } from '../helpers/paths';
import { GitRepo, makeGitRepo } from '../helpers/temp-repo';

const BIN = path.join(REPO_ROOT, 'bin', 'meshplane');
const LISTENING = 'meshplane daemon listening';
// An ANSI colour sequence (pino-pretty colours only a terminal).
const COLOUR = /\u001b\[\d+m/;

function capture(isTTY: boolean): { stream: PassThrough & { isTTY?: boolean }; text: () => string } {
  const stream = Object.assign(new PassThrough(), { isTTY });
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { stream, text: () => text };
}

/** Runs `meshplane serve` on `repo` until its stdout shows the listening line, then stops it; returns stdout. */
async function serveOutput(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const child: ChildProcess = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${LISTENING}" within 60s:\n${stdout}\n${stderr}`)), 60_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        if (stdout.includes(LISTENING)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`meshplane serve exited (${code}) before listening:\n${stdout}\n${stderr}`));
      });
    });
  } finally {
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  return stdout;
}

function serveArgs(repo: GitRepo, ...extra: string[]): string[] {
  return [BIN, 'serve', '--repo', repo.dir, '--http-listen', '127.0.0.1:0', '--xds-listen', '127.0.0.1:0', ...extra];
}

describe('log format (logging.format, --log-format, a terminal or not)', function () {
  this.timeout(90_000);
  const cleanups = cleanupAfterEach();

  describe('the logger', () => {
    it('writes one JSON object per line when the output is not a terminal (auto)', () => {
      const out = capture(false);
      daemonLogger({ level: 'info', destination: out.stream }).info({ environment: 'apps' }, 'reconciled');
      const line = JSON.parse(out.text().trim()) as Record<string, unknown>;
      assert.equal(line.msg, 'reconciled');
      assert.equal(line.environment, 'apps');
      assert.equal(line.service, 'meshplane');
    });

    it('writes coloured human lines on a terminal (auto)', () => {
      const out = capture(true);
      daemonLogger({ level: 'info', destination: out.stream }).info({ environment: 'apps' }, 'reconciled');
      assert.match(out.text(), COLOUR);
      assert.match(out.text().replace(/\u001b\[\d+m/g, ''), /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: reconciled\n {4}environment: "apps"\n$/);
    });

    it('format json keeps JSON on a terminal; format pretty gives human lines (without colours) in a pipe', () => {
      const tty = capture(true);
      daemonLogger({ level: 'info', format: 'json', destination: tty.stream }).warn('slow');
      assert.equal((JSON.parse(tty.text()) as { msg: string }).msg, 'slow');
      const pipe = capture(false);
      daemonLogger({ level: 'info', format: 'pretty', destination: pipe.stream }).warn('slow');
      assert.match(pipe.text(), /^\[[\d:.]+\] WARN: slow\n$/);
      assert.doesNotMatch(pipe.text(), COLOUR);
    });

    it('pretty lines still pass names from a commit through printable(): no control sequence reaches the terminal', () => {
      const out = capture(true);
      daemonLogger({ level: 'info', destination: out.stream }).info({ file: 'environments/apps/\u001b[2Jx.yaml' }, 'loaded \u001b]0;title\u0007');
      assert.doesNotMatch(out.text(), /\u001b\[2J|\u001b\]0;/);
    });
  });

  describe('meshplane serve', () => {
    let repo: GitRepo;
    beforeEach(() => {
      repo = makeGitRepo();
      cleanups.push(() => repo.remove());
    });

    it('logs JSON when stdout is a pipe', async () => {
      const stdout = await serveOutput(process.execPath, serveArgs(repo), {});
      const listening = stdout.trim().split('\n').map((line) => JSON.parse(line) as { msg: string }).find((line) => line.msg === LISTENING);
      assert.ok(listening, stdout);
    });

    it('logs human lines with logging.format: pretty in the operator configuration, even into a pipe', async () => {
      const config = path.join(repo.dir, '..', `${path.basename(repo.dir)}-meshplane.yaml`);
      fs.writeFileSync(config, 'logging:\n  format: pretty\n');
      cleanups.push(() => fs.rmSync(config, { force: true }));
      const stdout = await serveOutput(process.execPath, serveArgs(repo, '--config', config), {});
      assert.match(stdout, /^\[[\d:.]+\] INFO: meshplane daemon listening$/m);
      assert.throws(() => JSON.parse(stdout.split('\n')[0]));
    });

    it('--log-format json overrides logging.format: pretty', async () => {
      const config = path.join(repo.dir, '..', `${path.basename(repo.dir)}-meshplane.yaml`);
      fs.writeFileSync(config, 'logging:\n  format: pretty\n');
      cleanups.push(() => fs.rmSync(config, { force: true }));
      const stdout = await serveOutput(process.execPath, serveArgs(repo, '--config', config, '--log-format', 'json'), {});
      assert.ok(stdout.trim().split('\n').every((line) => typeof JSON.parse(line) === 'object'), stdout);
    });

    it('refuses an unknown $MESHPLANE_LOG_FORMAT, naming the variable', () => {
      const result = spawnSync(process.execPath, serveArgs(repo), { env: { ...process.env, MESHPLANE_LOG_FORMAT: 'xml' }, encoding: 'utf8', timeout: 30_000 });
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, /\$MESHPLANE_LOG_FORMAT: .*logging\.format/);
    });

    it('logs human lines on a terminal (a pseudo-terminal from script(1))', async function () {
      if (spawnSync('script', ['--version']).status !== 0) this.skip();
      const command = [process.execPath, ...serveArgs(repo)].map((word) => `'${word}'`).join(' ');
      const stdout = await serveOutput('script', ['-qfec', command, '/dev/null'], {});
      assert.match(stdout.replace(/\u001b\[\d+m/g, ''), /\] INFO: meshplane daemon listening\r?$/m);
      assert.match(stdout, COLOUR);
    });
  });
});
