// The dashboard end to end in headless Chromium (Debian's `chromium`, driven by playwright-core)
// against a running daemon with a connected grpc-js-xds client: the live commit and the proxies
// show, a new commit and a NACK appear without a reload, the commit page and the graph render.
// Screenshots go to a temporary folder whose path the test prints.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { Daemon } from '../../reconciler/daemon/daemon';
import { operatorConfig } from '../../reconciler/operator/operator-config';
import { grpcBootstrap } from '../../reconciler/xds/bootstrap';
import { eventually } from '../helpers/eventually';
import { GitRepo, makeGitRepo, tempDir } from '../helpers/temp-repo';
import { Backend, startBackend } from '../../reconciler/demo/echo-service';
import { XdsClientProcess } from '../xds/e2e/mesh-harness';

const ROUTING = 'environments/apps/routing/service-b.yaml';
const SETTINGS = 'environments/apps/environment.yaml';
const TARGET = 'xds:///serviceb.apps.local:80';
const SERVICE_A = 'VirtualNode/apps/serviceA';

function chromiumPath(): string | undefined {
  const found = spawnSync('which', ['chromium'], { encoding: 'utf8' });
  const file = found.status === 0 ? found.stdout.trim() : '';
  return file && fs.existsSync(file) ? file : undefined;
}

describe('dashboard end to end (headless Chromium)', function () {
  this.timeout(180_000);
  const executablePath = chromiumPath();
  let backends: Backend[] = [];
  let repo: GitRepo;
  let dataDir: string;
  let daemon: Daemon;
  let client: XdsClientProcess;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  let shots: string;
  let settings: string;
  let routing: string;
  const commits: Record<string, string> = {};

  const short = (sha: string) => sha.slice(0, 7);
  const statusOf = (commit: string, stage: string) => daemon.book.get(commit)?.statuses.find((s) => s.context === `meshplane/apps/${stage}`);
  const settled = (commit: string, stage: string) =>
    eventually(`meshplane/apps/${stage} on ${short(commit)} to settle`, () => {
      const status = statusOf(commit, stage);
      return status && status.state !== 'pending' ? status : undefined;
    }, 40_000);
  const instances = (extra = '') =>
    settings +
    'discovery:\n  instances:\n' +
    `    - { namespace: apps.local, service: serviceb, address: 127.0.0.1, port: ${backends[0].port} }\n` +
    `    - { namespace: apps.local, service: servicebv2, address: 127.0.0.1, port: ${backends[1].port} }\n` +
    extra;
  const shot = async (name: string) => {
    await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  };

  before(async function () {
    if (!executablePath) {
      console.warn('    skipped: no `chromium` on PATH (`which chromium` found nothing); install Debian\'s chromium (apt-get install -y chromium) to run the dashboard end-to-end test');
      this.skip();
    }
    shots = fs.mkdtempSync(path.join(os.tmpdir(), 'meshplane-dashboard-screenshots-'));
    console.log(`    dashboard screenshots: ${shots}`);
    backends = [await startBackend('serviceB'), await startBackend('serviceBv2')];
    repo = makeGitRepo();
    settings = fs.readFileSync(path.join(repo.dir, SETTINGS), 'utf8');
    routing = fs.readFileSync(path.join(repo.dir, ROUTING), 'utf8');
    commits.initial = repo.commit('endpoints of serviceB and serviceBv2', { [SETTINGS]: instances() });
    dataDir = tempDir('meshplane-dashboard-daemon-');
    // The backends are on 127.0.0.1: loopback instances are allowed explicitly.
    const operator = operatorConfig({ registry: { allowLoopback: true } });
    daemon = await Daemon.start({ repo: repo.dir, dataDir, xdsListen: '127.0.0.1:0', httpListen: '127.0.0.1:0', ackTimeoutMs: 10_000, driftIntervalMs: 500, operator });
    assert.equal((await settled(commits.initial, 'sync')).state, 'success');
    client = await XdsClientProcess.start(grpcBootstrap({ nodeId: `mesh/apps/virtualNode/serviceA`, xds: daemon.xdsAddress }));
    const calls = await client.call({ target: TARGET, count: 40, concurrency: 4 });
    assert.deepEqual(calls.failed, {}, calls.errors.join('\n'));
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshplane-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      viewport: { width: 1400, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    // The dashboard needs nothing from the internet: any request elsewhere fails the test.
    const foreign: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(daemon.httpUrl)) return route.continue();
      foreign.push(url);
      return route.abort();
    });
    (page as Page & { foreign?: string[] }).foreign = foreign;
  });

  after(async () => {
    await context?.close();
    client?.stop();
    await daemon?.stop();
    for (const backend of backends) await backend.stop();
    repo?.remove();
    for (const dir of [dataDir, userDataDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows the live commit, its pipeline and the connected proxies', async () => {
    await page.goto(`${daemon.httpUrl}/dashboard`);
    await page.waitForSelector(`[data-testid=env-apps] .live-commit >> text=${short(commits.initial)}`);
    await page.waitForSelector(`#pipeline-table tr[data-commit="${commits.initial}"] .chip.state-success[data-stage=sync]`);
    await page.waitForSelector('#replicas-table tr[data-replica] .chip.leader'); // the one embedded replica leads
    assert.match(await page.textContent('[data-testid=env-apps] .proxy-count') ?? '', /^1\/1 synced$/);
    assert.equal(await page.textContent('#connection'), 'live');
    await shot('1-overview');

    await page.click('nav a[data-nav=proxies]');
    const row = `#proxies-table tr[data-identity="${SERVICE_A}"]`;
    await page.waitForSelector(`${row}[data-state=synced]`);
    const proxy = daemon.xds.proxies().find((p) => p.identity === SERVICE_A)!;
    const rds = proxy.types.routeConfiguration.acked!.version.slice(0, 8);
    assert.match((await page.textContent(`${row} td[data-type=routeConfiguration]`)) ?? '', new RegExp(`sent ${rds}\\s*ack ${rds}`));
    assert.match((await page.textContent(`${row} td:nth-child(3)`)) ?? '', /^grpc/);
    // Filtering narrows the table without losing the live updates.
    await page.fill('#proxy-filter', 'nothing-like-this');
    await page.waitForSelector('#proxy-count >> text=0 of 1 connected');
    await page.fill('#proxy-filter', 'serviceA');
    await page.waitForSelector(row);
    await shot('2-proxies');
  });

  it('reflects a new commit without a reload', async () => {
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
    await page.click('nav a[data-nav=overview]');
    commits.split = repo.commit('serviceB 50/50', { [ROUTING]: routing.replace('weight: 75', 'weight: 50').replace('weight: 25', 'weight: 50') });
    assert.equal((await settled(commits.split, 'sync')).state, 'success');
    await page.waitForSelector(`[data-testid=env-apps] .live-commit >> text=${short(commits.split)}`, { timeout: 20_000 });
    await page.waitForSelector(`#pipeline-table tr[data-commit="${commits.split}"] .chip.state-success[data-stage=apply]`);
    assert.equal(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker), 42, 'the page was not reloaded');
    await shot('3-new-commit');
  });

  it('reflects a NACK without a reload: the proxies table, the overview and the graph', async () => {
    // Two registrations of one address: Envoy takes them, gRPC's xDS client rejects the EDS update.
    commits.nack = repo.commit('register serviceB twice', {
      [SETTINGS]: instances(`    - { namespace: apps.local, service: serviceb, id: serviceb-again, address: 127.0.0.1, port: ${backends[0].port} }\n`),
    });
    const sync = await settled(commits.nack, 'sync');
    assert.equal(sync.state, 'failure', sync.description);
    assert.match(sync.description, /serviceA NACKed clusterLoadAssignment/);
    await page.click('nav a[data-nav=proxies]');
    const row = `#proxies-table tr[data-identity="${SERVICE_A}"]`;
    await page.waitForSelector(`${row}[data-state=nacked]`, { timeout: 20_000 });
    assert.match((await page.textContent(`${row} .last-nack .error-text`)) ?? '', /duplicate/);
    await page.selectOption('#proxy-state', 'nacked');
    await page.waitForSelector('#proxy-count >> text=1 of 1 connected');
    await shot('4-proxies-nack');

    await page.click('nav a[data-nav=overview]');
    await page.waitForSelector('[data-testid=env-apps] .nacked >> text=1 NACKed');
    await page.waitForSelector(`#pipeline-table tr[data-commit="${commits.nack}"] .chip.state-failure[data-stage=sync]`);
    await shot('5-overview-nack');

    await page.click('nav a[data-nav=graph]');
    await page.waitForSelector(`#graph svg .node[data-id="${SERVICE_A}"][data-mark=nack]`, { timeout: 20_000 });
    for (const id of ['VirtualService/apps/serviceb.apps.local', 'VirtualRouter/apps/serviceB', 'Route/apps/serviceB/serviceB', 'VirtualNode/apps/serviceBv2', 'Backend/apps/serviceb.apps.local']) {
      assert.equal(await page.locator(`#graph svg .node[data-id="${id}"]`).count(), 1, id);
    }
    assert.equal(await page.locator('#graph svg .edge.weighted text').count(), 2);
    // A push may redraw the graph meanwhile (the SVG is replaced): measure the one that is shown.
    const box = await eventually('the graph to be drawn larger than 300×100', async () => {
      const drawn = await page.locator('#graph svg').boundingBox();
      return drawn && drawn.width > 300 && drawn.height > 100 ? drawn : undefined;
    }, 10_000, 100);
    assert.ok(box);
    assert.equal(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker), 42, 'still the same page');
    await shot('6-graph-nack');
  });

  it('shows a commit page: statuses, plan and the proxies converging on it', async () => {
    await page.goto(`${daemon.httpUrl}/dashboard#/commits/${commits.split}`);
    await page.waitForSelector('#commit-status-table tr[data-context="meshplane/apps/sync"] td.state-success');
    assert.match((await page.textContent('#commit-plans pre.plan')) ?? '', /serviceB/);
    assert.match((await page.textContent('#commit-plans')) ?? '', /revision 2/);
    await page.waitForSelector('#commit-convergence .convergence[data-environment=apps] svg.chart polyline', { state: 'attached' });
    assert.match((await page.textContent('#commit-convergence .converged')) ?? '', /^1\/1$/);
    await shot('7-commit-page');
    assert.deepEqual((page as Page & { foreign?: string[] }).foreign, [], 'no request left the daemon');
  });
});
