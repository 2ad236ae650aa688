// Daemon benchmark (issue 6): commit-to-all-ACKed latency for a local repository with 100
// connected proxies. The daemon runs in this process and follows a temporary git repository
// holding the canary environment; a load generator in another process holds 100 ADS streams
// (Envoy sidecars of serviceA, ACKing at once). Each iteration commits a new route weight and
// times from `git commit` returning until all 100 proxies ACKed the new route table.
// The floor, measured in the same run on the same daemon and streams: the same change served
// without git (translation + push + ACKs only). Target: p50 < 1 s (Flux polls every minute by
// default, Argo CD every three).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TYPE_URLS } from '../provider/envoy/snapshot';
import { MeshModel } from '../provider/model/mesh-model';
import { Daemon } from '../reconciler/daemon/daemon';
import { WorkingTreeSource } from '../reconciler/load/file-source';
import { loadEnvironment } from '../reconciler/load/load-environment';
import { PACKAGE_ROOT } from '../provider/package-root';
import { below, Report } from './report';
import { until, UntilOptions } from './until';
import { GeneratorProcess } from './xds/generator-process';
import type { ProxyPlan } from './xds/load-generator';
import { allAcked, percentile, routeVersion } from './xds/proxy-acks';

const PROXIES = 100;
// Short polls: these waits are the latencies measured.
const WAIT: UntilOptions = { timeoutMs: 60_000, everyMs: 2 };
const ITERATIONS = 20;
const WARM_UP = 3;
const ROUTING = 'environments/apps/routing/service-b.yaml';
const SERVICE_A = { kind: 'VirtualNode' as const, meshName: 'apps', name: 'serviceA' };

export async function run(report: Report): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshplane-bench-daemon-'));
  const repo = path.join(dir, 'repo');
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: repo, env: { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'b@b' }, stdio: 'ignore' });
  fs.mkdirSync(repo);
  fs.cpSync(path.join(PACKAGE_ROOT, 'environments', 'apps'), path.join(repo, 'environments', 'apps'), { recursive: true });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'canary');
  const routing = fs.readFileSync(path.join(repo, ROUTING), 'utf8');
  const withWeight = (b: number) => routing.replace('weight: 75', `weight: ${b}`).replace('weight: 25', `weight: ${100 - b}`);

  const daemon = await Daemon.start({ repo, dataDir: path.join(dir, 'data'), xdsListen: '127.0.0.1:0', httpListen: '127.0.0.1:0', pollIntervalMs: 60_000, driftIntervalMs: 60_000 });
  const generator = await GeneratorProcess.start();
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

    // Commit to all ACKed, through git.
    const commitTimes: number[] = [];
    for (let i = 0; i < WARM_UP + ITERATIONS; i++) {
      const before = routeVersion(daemon);
      fs.writeFileSync(path.join(repo, ROUTING), withWeight(i % 2 === 0 ? 40 + i : 60 - i));
      git('commit', '-q', '-a', '-m', `weights ${i}`);
      const started = performance.now();
      await until('all proxies to ACK the commit', () => allAcked(daemon, PROXIES, before), WAIT);
      if (i >= WARM_UP) commitTimes.push(performance.now() - started);
      await daemon.idle();
    }

    // Floor: the same change applied to the xDS source directly (no git, no validate/plan/apply).
    const floorTimes: number[] = [];
    const loaded = await loadEnvironment(new WorkingTreeSource(repo), 'apps');
    for (let i = 0; i < WARM_UP + ITERATIONS; i++) {
      const before = routeVersion(daemon);
      fs.writeFileSync(path.join(repo, ROUTING), withWeight(i % 2 === 0 ? 10 + i : 90 - i));
      const changed = await loadEnvironment(new WorkingTreeSource(repo), 'apps');
      const started = performance.now();
      daemon.sources.of('apps').apply(new MeshModel(changed.resources), loaded.config);
      await until('all proxies to ACK the direct push', () => allAcked(daemon, PROXIES, before), WAIT);
      if (i >= WARM_UP) floorTimes.push(performance.now() - started);
    }

    const p50 = percentile(commitTimes, 50);
    report({
      measurement: `daemon N=${PROXIES} commit to all ACKed, p50 (local repo)`,
      value: p50,
      unit: 'ms',
      floor: percentile(floorTimes, 50),
      target: below(1000),
      details: { p95_ms: percentile(commitTimes, 95), iterations: ITERATIONS },
    });
  } finally {
    await generator.stop();
    await daemon.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
