// App Mesh API benchmark (issue 16). Create → commit → all affected proxies ACKed: 100 Envoy
// sidecars of serviceA (ACKing at once, from a load generator in another process) follow the
// canary environment served by an in-process daemon; each call creates a route on the serviceB
// router (which serviceA's route table shows), timed from the call until all 100 ACKed it.
// The floor, measured in the same run on the same daemon and streams: the same kind of change as
// a plain `git commit` of a new route file, timed from the commit to all ACKed (bench/daemon.ts).
// Target: the API path at most 2× the plain commit (it adds one load and validation of the
// environment and a commit before the daemon sees the same change).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { TYPE_URLS } from '../provider/envoy/snapshot';
import { PACKAGE_ROOT } from '../provider/package-root';
import { ApiCaller } from '../reconciler/api/write/api-mutation';
import { createGitApiWriter } from '../reconciler/api/write/git-api-writer';
import { Daemon } from '../reconciler/daemon/daemon';
import { ratioAtMost, Report } from './report';
import { until, UntilOptions } from './until';
import { GeneratorProcess } from './xds/generator-process';
import type { ProxyPlan } from './xds/load-generator';
import { allAcked, percentile, routeVersion } from './xds/proxy-acks';

const PROXIES = 100;
const CALLS = 50;
/** Plain commits timed for the floor (as many as bench/daemon.ts times). */
const COMMITS = 20;
const WARM_UP = 3;
const WAIT: UntilOptions = { timeoutMs: 60_000, everyMs: 2 };
const SERVICE_A = { kind: 'VirtualNode' as const, meshName: 'apps', name: 'serviceA' };
const CALLER: ApiCaller = { identity: 'bench', name: 'bench', email: 'bench@example.com' };

function routeSpec(prefix: string) {
  return { http2Route: { match: { prefix }, action: { weightedTargets: [{ virtualNode: 'serviceB', weight: 1 }] } } };
}

export async function run(report: Report): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshplane-bench-api-'));
  const repo = path.join(dir, 'repo');
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: repo, env: { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'b@b' }, stdio: 'ignore' });
  fs.mkdirSync(repo);
  fs.cpSync(path.join(PACKAGE_ROOT, 'environments', 'apps'), path.join(repo, 'environments', 'apps'), { recursive: true });
  // Room for every route the run creates on one router.
  fs.appendFileSync(path.join(repo, 'environments/apps/environment.yaml'), `quotas:\n  routesPerVirtualRouter: ${CALLS + COMMITS + 2 * WARM_UP + 10}\n`);
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'canary');

  const daemon = await Daemon.start({ repo, dataDir: path.join(dir, 'data'), xdsListen: '127.0.0.1:0', httpListen: '127.0.0.1:0', pollIntervalMs: 60_000, driftIntervalMs: 60_000 });
  const generator = await GeneratorProcess.start();
  const writer = createGitApiWriter({ checkout: daemon.source.checkout, branch: daemon.source.branch, afterCommit: () => daemon.source.check() });
  try {
    await until('the first commit to be live', () => daemon.environments()[0]?.live !== undefined, WAIT);
    const snapshot = daemon.sources.of('apps').snapshot(SERVICE_A, 'envoy')!;
    const plan: ProxyPlan = {
      nodeId: 'mesh/apps/virtualNode/serviceA',
      routes: [...(snapshot.resources.get(TYPE_URLS.routeConfiguration)?.keys() ?? [])],
      endpoints: [...(snapshot.resources.get(TYPE_URLS.clusterLoadAssignment)?.keys() ?? [])],
    };
    await generator.send({ cmd: 'connect', address: daemon.xdsAddress, protocol: 'sotw', proxies: Array.from({ length: PROXIES }, () => plan) }, 'opened');
    await until(`${PROXIES} proxies to connect and ACK`, () => allAcked(daemon, PROXIES, undefined), WAIT);

    // Floor: a plain commit of a new route file.
    const commitTimes: number[] = [];
    for (let i = 0; i < WARM_UP + COMMITS; i++) {
      const before = routeVersion(daemon);
      const route = { kind: 'Route', meshName: 'apps', virtualRouterName: 'serviceB', routeName: `plain-${i}`, spec: routeSpec(`/plain-${i}`) };
      fs.writeFileSync(path.join(repo, `environments/apps/plain-${i}.yaml`), stringify(route));
      git('add', '-A');
      git('commit', '-q', '-m', `route plain-${i}`);
      const started = performance.now();
      await until('all proxies to ACK the commit', () => allAcked(daemon, PROXIES, before), WAIT);
      if (i >= WARM_UP) commitTimes.push(performance.now() - started);
      await daemon.idle();
    }

    // The API path: CreateRoute → validated commit → all ACKed.
    const apiTimes: number[] = [];
    for (let i = 0; i < WARM_UP + CALLS; i++) {
      const before = routeVersion(daemon);
      const started = performance.now();
      const target = { kind: 'Route' as const, meshName: 'apps', virtualRouterName: 'serviceB', name: `api-${i}` };
      const result = await writer.write('apps', { op: 'create', target, spec: routeSpec(`/api-${i}`) }, CALLER, 'CreateRoute');
      if (!result.ok) throw new Error(`bench: CreateRoute failed: ${result.errorType}: ${result.message}`);
      await until('all proxies to ACK the API change', () => allAcked(daemon, PROXIES, before), WAIT);
      if (i >= WARM_UP) apiTimes.push(performance.now() - started);
      await daemon.idle();
    }

    report({
      measurement: `api CreateRoute to all ${PROXIES} proxies ACKed, p50 (local repo)`,
      value: percentile(apiTimes, 50),
      unit: 'ms',
      floor: percentile(commitTimes, 50),
      target: ratioAtMost(2),
      details: { p95_ms: percentile(apiTimes, 95), floor_p95_ms: percentile(commitTimes, 95), calls: CALLS, commits: COMMITS },
    });
  } finally {
    await generator.stop();
    await daemon.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
