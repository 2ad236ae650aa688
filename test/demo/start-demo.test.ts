// `meshplane start --demo` (what `npm start` runs), as a user runs it: the real CLI process in an
// empty directory. The bundled canary comes alive — serviceA's proxyless gRPC client is synced and
// its calls split 75/25 between the real serviceB and serviceBv2 servers, on the dashboard's
// snapshot and on the terminal — and the commit the demo prints moves the traffic to serviceBv2.
import * as assert from 'node:assert/strict';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { eventually } from '../helpers/eventually';
import { REPO_ROOT } from '../helpers/paths';
import { tempDir } from '../helpers/temp-repo';

interface Snapshot {
  environments: { name: string; proxies: { connected: number; synced: number } }[];
  traffic: { from: string; target: string; calls: number; backends: Record<string, number>; failed: Record<string, number> }[];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const GIT_IDENTITY = { GIT_AUTHOR_NAME: 'Demo User', GIT_AUTHOR_EMAIL: 'demo@example.com', GIT_COMMITTER_NAME: 'Demo User', GIT_COMMITTER_EMAIL: 'demo@example.com' };

describe('meshplane start --demo (the live quickstart)', function () {
  this.timeout(120_000);
  let workDir: string;
  let child: ChildProcess;
  let stderr = '';

  before(() => {
    workDir = tempDir('meshplane-demo-');
    child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'meshplane'), 'start', '--demo', '--http-listen', '127.0.0.1:0', '--xds-listen', '127.0.0.1:0'], {
      cwd: workDir,
      env: { ...process.env, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  });

  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  const running = () => {
    if (child.exitCode !== null) throw new Error(`meshplane start --demo exited (${child.exitCode}):\n${stderr}`);
  };
  const statusPage = () =>
    eventually('the status page address on the terminal', () => {
      running();
      return /status page\s+(http:\/\/\S+)\//.exec(stderr)?.[1];
    }, 60_000, 100);
  const snapshot = async (): Promise<Snapshot> => running() ?? (await fetch(`${await statusPage()}/api/dashboard/snapshot`)).json() as Promise<Snapshot>;
  const share = (s: Snapshot, backend: string) => (100 * (s.traffic[0].backends[backend] ?? 0)) / s.traffic[0].calls;

  it('serves a quickstart repository in the working directory, never the checkout it was started from', async () => {
    await statusPage();
    const quickstart = path.join(fs.realpathSync(workDir), '.meshplane', 'quickstart');
    assert.match(stderr, new RegExp(`serving ${quickstart.replace(/[/.]/g, '\\$&')}/environments \\(branch main\\)`));
    assert.equal(execFileSync('git', ['-C', quickstart, 'log', '--format=%s'], { encoding: 'utf8' }).trim(), 'meshplane quickstart: the bundled environments');
  });

  it('shows serviceA synced and its calls split 75/25 between serviceB and serviceBv2, live on the dashboard and the terminal', async () => {
    const live = await eventually('200 calls of serviceA in the dashboard snapshot', async () => {
      const s = await snapshot();
      return s.traffic[0]?.calls >= 200 ? s : undefined;
    }, 60_000, 250);
    assert.deepEqual(live.traffic[0].failed, {});
    assert.equal(live.traffic[0].from, 'VirtualNode/apps/serviceA');
    assert.equal(live.traffic[0].target, 'xds:///serviceb.apps.local:80');
    assert.ok(Math.abs(share(live, 'serviceB') - 75) <= 12, `serviceB got ${share(live, 'serviceB')}% of ${JSON.stringify(live.traffic[0])}`);
    assert.ok(Math.abs(share(live, 'serviceBv2') - 25) <= 12, `serviceBv2 got ${share(live, 'serviceBv2')}%`);
    const apps = live.environments.find((e) => e.name === 'apps')!;
    assert.deepEqual(apps.proxies, { ...apps.proxies, connected: 1, synced: 1 });
    await eventually('a traffic line on the terminal', () => /traffic {2}serviceA -> serviceb\.apps\.local {2}serviceB \d+% · serviceBv2 \d+%/.test(stderr), 15_000, 100);
  });

  it('draws the split on the dashboard page in a browser (Debian chromium)', async function () {
    const executablePath = ['/usr/bin/chromium'].find((file) => fs.existsSync(file));
    if (!executablePath) {
      console.warn('    skipped: no /usr/bin/chromium; install Debian\'s chromium (apt-get install -y chromium) to see the dashboard');
      return this.skip();
    }
    const browser = await chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage();
      await page.goto(`${await statusPage()}/`);
      const card = page.getByTestId('traffic');
      await card.locator('tr[data-backend="serviceBv2"]').waitFor({ timeout: 20_000 });
      assert.match(await card.locator('h3').innerText(), /VirtualNode\/apps\/serviceA → xds:\/\/\/serviceb\.apps\.local:80/);
      const percent = async (backend: string) => Number((await card.locator(`tr[data-backend="${backend}"] td.share`).innerText()).replace('%', ''));
      assert.ok(Math.abs((await percent('serviceB')) - 75) <= 12 && Math.abs((await percent('serviceBv2')) - 25) <= 12, await card.innerText());
    } finally {
      await browser.close();
    }
  });

  it('moves all traffic to serviceBv2 after the commit the demo prints', async () => {
    const printed = stderr.split('\n').filter((line) => /^ {2}(sed -i|git -C) /.test(line)).map((line) => line.trim());
    assert.equal(printed.length, 2, `the demo prints the sed and git commands:\n${stderr}`);
    for (const command of printed) execFileSync('sh', ['-c', command], { env: { ...process.env, ...GIT_IDENTITY }, stdio: 'pipe' });
    const moved = await eventually('a window of 200 calls that all reached serviceBv2', async () => {
      const s = await snapshot();
      return s.traffic[0].calls >= 200 && s.traffic[0].backends.serviceBv2 === s.traffic[0].calls ? s : undefined;
    }, 60_000, 250);
    assert.deepEqual(moved.traffic[0].failed, {});
  });

  it('stops on Ctrl-C (SIGINT) with its gRPC client process', async () => {
    const clients = execFileSync('pgrep', ['-P', String(child.pid), '-f', 'traffic-client'], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
    assert.equal(clients.length, 1, 'the demo runs one client process');
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    assert.equal(await exited, 0);
    assert.match(stderr, /meshplane: stopped/);
    await eventually('the client process to end', () => clients.every((pid) => !alive(pid)), 5_000, 50);
  });
});
