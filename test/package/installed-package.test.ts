// The package as users get it: `npm pack` of this checkout, installed into an empty directory
// (npm hoists its dependencies there, unlike a checkout), then `meshplane start`, `route` and
// `review` run from the installed bin. Nothing of the checkout is on their module path.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { grpcBootstrap } from '../../reconciler/xds/bootstrap';
import { DaemonProcess } from '../daemon/daemon-process';
import { cleanupAfterEach } from '../helpers/cleanups';
import { eventually } from '../helpers/eventually';
import { npmOffline } from '../helpers/npm-offline';
import { REPO_ROOT } from '../helpers/paths';
import { git, tempDir } from '../helpers/temp-repo';
import { XdsClientProcess } from '../xds/e2e/mesh-harness';

const run = promisify(execFile);
const NPM_MS = 240_000;

interface ProxiesBody {
  proxies: Array<{ identity: string; types: Record<string, { state: string }> }>;
}

describe('the installed package (npm pack, npm install into an empty directory)', function () {
  this.timeout(NPM_MS + 120_000);
  const cleanups = cleanupAfterEach();
  let installDir: string;
  let bin: string;

  before(async function () {
    this.timeout(NPM_MS * 2);
    const packDir = tempDir('meshplane-pack-');
    installDir = tempDir('meshplane-installed-');
    try {
      // dist/ is already built (the tests run from it); --ignore-scripts keeps `prepare` from rebuilding it under them.
      const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', packDir], { cwd: REPO_ROOT, timeout: NPM_MS, maxBuffer: 64 << 20 });
      const [{ filename }] = JSON.parse(packed.stdout) as Array<{ filename: string }>;
      try {
        const installed = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(packDir, filename)], { cwd: installDir, timeout: NPM_MS, maxBuffer: 64 << 20 });
        // A fresh install resolves the dependency ranges anew (no lockfile): none of them may want a newer Node.
        assert.doesNotMatch(installed.stderr, /EBADENGINE/, installed.stderr);
      } catch (error) {
        if (npmOffline(error)) {
          console.log(`      skipped: npm install cannot reach the registry and its cache lacks a package: ${String((error as { stderr?: string }).stderr).split('\n').find((l) => /ERR/.test(l))}`);
          this.skip();
        }
        throw error;
      }
    } finally {
      fs.rmSync(packDir, { recursive: true, force: true });
    }
    bin = path.join(installDir, 'node_modules', '.bin', 'meshplane');
    assert.ok(fs.existsSync(path.join(installDir, 'node_modules', '@grpc', 'grpc-js-xds', 'deps')), 'npm hoisted @grpc/grpc-js-xds beside meshplane');
    assert.ok(!fs.existsSync(path.join(installDir, 'node_modules', 'meshplane', 'node_modules', '@grpc', 'grpc-js-xds')), 'the layout this test is about');
  });

  after(() => {
    if (installDir) fs.rmSync(installDir, { recursive: true, force: true });
  });

  it('meshplane start reconciles the bundled environments and serves a proxyless gRPC client its configuration', async () => {
    const daemon = await DaemonProcess.launch(bin, ['start', '--http-listen', '127.0.0.1:0', '--xds-listen', '127.0.0.1:0'], { cwd: installDir });
    cleanups.push(() => daemon.kill());
    const applied = await eventually('both environments to be reconciled', () => {
      const results = daemon.logs.filter((l) => l.area === 'reconcile' && l.result !== undefined);
      return results.length >= 2 ? results : undefined;
    }, 60_000);
    assert.deepEqual(applied.map((l) => `${l.environment}: ${l.result}`).sort(), ['apps: applied', 'ingress: applied'], JSON.stringify(applied));

    const client = await XdsClientProcess.start(grpcBootstrap({ nodeId: 'mesh/apps/virtualNode/serviceA', xds: daemon.xds }));
    cleanups.push(() => client.stop());
    // No backend answers for serviceb.apps.local here: the call only makes the client subscribe.
    await client.call({ target: 'xds:///serviceb.apps.local:80', count: 1, deadlineMs: 2_000 }, 20_000);
    const proxies = await eventually('the client to ACK its configuration', async () => {
      const { body } = await daemon.get<ProxiesBody>('/api/proxies');
      const types = body.proxies[0]?.types ?? {};
      // The bundled clusters are LOGICAL_DNS: no endpoint (EDS) subscription.
      return ['listener', 'routeConfiguration', 'cluster'].every((type) => types[type]?.state === 'synced') ? body : undefined;
    }, 30_000);
    assert.equal(proxies.proxies[0].identity, 'VirtualNode/apps/serviceA');
    assert.ok(!daemon.logs.some((l) => String(l.msg).includes('EnvoyProtoLoadError') || String(l.err ?? '').includes('EnvoyProtoLoadError')));
  });

  it('ships TypeScript declarations for the modules the README documents as the programmatic API', () => {
    for (const module of ['reconciler/plan', 'reconciler/state', 'provider/envoy', 'reconciler/registry', 'reconciler/xds', 'reconciler/http/router', 'reconciler/http/http-server']) {
      const declarations = path.join(installDir, 'node_modules', 'meshplane', 'dist', `${module}${module.includes('/http/') ? '' : '/index'}.d.ts`);
      assert.ok(fs.existsSync(declarations), `${declarations} is missing`);
    }
  });

  it('meshplane init scaffolds a repository from the installed package (its schemas and CI recipes ship with it)', async () => {
    const repo = path.join(cleanups.tempDir('meshplane-installed-init-'), 'mesh-config');
    await run(process.execPath, [bin, 'init', repo], { cwd: installDir, timeout: 60_000 });
    assert.ok(fs.existsSync(path.join(repo, '.github', 'workflows', 'meshplane-review.yml')));
    const [, schema] = /\$schema=(\S+)/.exec(fs.readFileSync(path.join(repo, 'environments', 'dev', 'mesh.yaml'), 'utf8'))!;
    assert.ok(fs.existsSync(path.resolve(repo, 'environments', 'dev', schema)), schema);
    const validated = await run(process.execPath, [bin, 'validate', '--repo', repo], { cwd: installDir, timeout: 60_000 });
    assert.match(validated.stdout, /valid: 0 errors, 0 warnings/);
  });

  it('meshplane route and review explain a change, with the Envoy diff', async () => {
    const repo = cleanups.tempDir('meshplane-installed-repo-');
    fs.cpSync(path.join(installDir, 'node_modules', 'meshplane', 'environments'), path.join(repo, 'environments'), { recursive: true });
    git(repo, 'init', '-q', '--initial-branch=main');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'bundled environments');
    const routing = path.join(repo, 'environments', 'apps', 'routing', 'service-b.yaml');
    fs.writeFileSync(routing, fs.readFileSync(routing, 'utf8').replace('weight: 75', 'weight: 50').replace('weight: 25', 'weight: 50'));
    git(repo, 'commit', '-qam', 'serviceB 50/50');

    const route = await run(process.execPath, [bin, 'route', '--env', 'apps', '--repo', repo, '--from', 'serviceA', 'GET', 'http://serviceb.apps.local/'], { cwd: installDir, timeout: 60_000 });
    assert.match(route.stdout, /route table rds_egress_http2_80/);
    assert.match(route.stdout, /routed → serviceB 50%, serviceBv2 50%/);

    const review = await run(process.execPath, [bin, 'review', '--repo', repo, '--base', 'HEAD~1', '--head', 'HEAD', '--env', 'apps'], { cwd: installDir, timeout: 60_000 });
    assert.match(review.stdout, /#### Envoy configuration by proxy/);
    assert.match(review.stdout, /-\s+weight of cds_egress_apps_serviceB_http2_80: 75\n\+\s+weight of cds_egress_apps_serviceB_http2_80: 50/);
  });
});
