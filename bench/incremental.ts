// Issue 18: cost grows with the change, not with the repository. The daemon follows a local Git
// repository holding a generated environment (bench/synthetic-mesh.ts: 2,500 services, 10,001
// resources, one file per service); each iteration commits one route's retry count and times
// from `git commit` returning until the daemon serves that commit (live), then until all 1,000
// connected proxies (a load generator in another process, one ADS stream per virtual node) are
// synced on it. The same pipeline on a 100-resource environment, in the same run, is the floor
// of the ratio. Resident memory is measured in a fresh process (bench/incremental/idle-daemon.ts)
// holding the daemon alone, idle after four such commits (made by this process).
import { execFileSync, fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { TYPE_URLS } from '../provider/envoy/snapshot';
import { Daemon } from '../reconciler/daemon/daemon';
import { below, ratioAtMost, Report } from './report';
import { Document, syntheticMeshDocuments, writeSyntheticEnvironment } from './synthetic-mesh';
import { until } from './until';
import { GeneratorProcess } from './xds/generator-process';
import type { ProxyPlan } from './xds/load-generator';
import type { IdleMeasurement, IdleReply, IdleRequest } from './incremental/idle-daemon';

const LARGE_SERVICES = 2500; // 10,001 resources
const SMALL_SERVICES = 25; // 101 resources
const PROXIES = 1000;
const WARM_UP = 2;
const IDLE_COMMITS = 4;
const ITERATIONS = 9;
const ENV = 'bench';
const WAIT = { timeoutMs: 300_000, everyMs: 2 };

/** A repository with the generated environment committed, and a way to commit one route's change. */
export class SyntheticRepo {
  readonly repo: string;
  private readonly docs: Document[];
  private edits = 0;

  constructor(
    readonly dir: string,
    readonly services: number,
  ) {
    this.repo = path.join(dir, 'repo');
    fs.mkdirSync(this.repo, { recursive: true });
    this.docs = syntheticMeshDocuments({ services, backendsPerNode: 5, meshName: ENV });
    writeSyntheticEnvironment(this.repo, ENV, this.docs, services);
    this.git('init', '-q', '-b', 'main');
    this.git('add', '-A');
    this.git('commit', '-q', '-m', 'generated environment');
  }

  git(...args: string[]): string {
    const env = { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'b@b' };
    return execFileSync('git', args, { cwd: this.repo, env, encoding: 'utf8' }).trim();
  }

  /** Commits a new retry count on one route (a different service each time); returns the commit. */
  commitOneRoute(): string {
    const i = (this.edits * 7) % this.services;
    const group = this.docs.slice(1 + 4 * i, 5 + 4 * i).map((d) => structuredClone(d));
    (group[2].spec as { httpRoute: { retryPolicy: { maxRetries: number } } }).httpRoute.retryPolicy.maxRetries = 3 + (this.edits % 5);
    this.edits++;
    fs.writeFileSync(path.join(this.repo, 'environments', ENV, `service-${i}.yaml`), group.map((d) => stringify(d)).join('---\n'));
    this.git('commit', '-q', '-a', '-m', `route-${i} retries`);
    return this.git('rev-parse', 'HEAD');
  }
}

interface Timings {
  live: number[];
  synced: number[];
}

/** Commit → live, and commit → reconciled with every connected proxy synced, over the iterations. */
async function measure(services: number, proxies: number): Promise<Timings> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshplane-bench-incremental-'));
  const repo = new SyntheticRepo(dir, services);
  const daemon = await Daemon.start({ repo: repo.repo, dataDir: path.join(dir, 'data'), xdsListen: '127.0.0.1:0', httpListen: '127.0.0.1:0', pollIntervalMs: 60_000, driftIntervalMs: 3_600_000, ackTimeoutMs: 30_000 });
  const generator = proxies > 0 ? await GeneratorProcess.start() : undefined;
  const reconciler = () => daemon.reconcilers.get(ENV);
  try {
    await until('the generated environment to be live', () => reconciler()?.live !== undefined, WAIT);
    if (generator) {
      const plans = Array.from({ length: proxies }, (_, i): ProxyPlan => {
        const snapshot = daemon.sources.of(ENV).snapshot({ kind: 'VirtualNode', meshName: ENV, name: `node-${i}` }, 'envoy')!;
        return {
          nodeId: `mesh/${ENV}/virtualNode/node-${i}`,
          routes: [...(snapshot.resources.get(TYPE_URLS.routeConfiguration)?.keys() ?? [])],
          endpoints: [...(snapshot.resources.get(TYPE_URLS.clusterLoadAssignment)?.keys() ?? [])],
        };
      });
      await generator.send({ cmd: 'connect', address: daemon.xdsAddress, protocol: 'sotw', proxies: plans }, 'opened');
      await until(`${proxies} proxies to connect and sync`, () => daemon.xds.proxies().length === proxies && daemon.xds.proxies().every((p) => Object.values(p.types).every((t) => t.state === 'synced')), WAIT);
    }
    const timings: Timings = { live: [], synced: [] };
    for (let i = 0; i < WARM_UP + ITERATIONS; i++) {
      await daemon.idle();
      const commit = repo.commitOneRoute();
      const started = performance.now();
      await until('the commit to be live', () => reconciler()?.live?.commit === commit, WAIT);
      const live = performance.now() - started;
      await until('the commit to be reconciled', () => reconciler()?.last?.commit === commit, WAIT);
      const last = reconciler()!.last!;
      if (last.result !== 'applied' || (last.sync && last.sync.acked !== proxies)) throw new Error(`commit ${commit} ended ${last.result}: ${last.description}`);
      if (i >= WARM_UP) {
        timings.live.push(live);
        timings.synced.push(performance.now() - started);
      }
    }
    return timings;
  } finally {
    await generator?.stop();
    await daemon.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The daemon's resident memory in a process of its own, idle after IDLE_COMMITS one-route commits. */
export async function idleMemory(services: number): Promise<IdleMeasurement> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshplane-bench-idle-'));
  const repo = new SyntheticRepo(dir, services);
  const child = fork(path.join(__dirname, 'incremental', 'idle-daemon.js'), [repo.repo, path.join(dir, 'data'), ENV], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`bench/incremental/idle-daemon exited with ${code}`))));
  exited.catch(() => undefined);
  const next = () => Promise.race([new Promise<IdleReply>((resolve) => child.once('message', resolve)), exited]);
  const send = (request: IdleRequest) => child.send(request);
  try {
    await next();
    for (let i = 0; i < IDLE_COMMITS; i++) {
      send({ commit: repo.commitOneRoute() });
      await next();
    }
    send({ measure: true });
    const reply = await next();
    if (!('measurement' in reply)) throw new Error(`bench/incremental/idle-daemon answered ${JSON.stringify(reply)}`);
    return reply.measurement;
  } finally {
    child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function p50(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

export async function run(report: Report): Promise<void> {
  const large = LARGE_SERVICES * 4 + 1;
  const small = SMALL_SERVICES * 4 + 1;
  const smallTimes = await measure(SMALL_SERVICES, 0);
  const largeTimes = await measure(LARGE_SERVICES, 0);
  report({ measurement: `incremental ${large} resources one-route commit to live`, value: p50(largeTimes.live), unit: 'ms', target: below(500), details: { iterations: ITERATIONS, max_ms: Math.max(...largeTimes.live) } });
  report({
    measurement: `incremental commit to live, ${large} vs ${small} resources`,
    value: p50(largeTimes.live),
    floor: p50(smallTimes.live),
    unit: 'ms',
    target: ratioAtMost(5),
    details: { iterations: ITERATIONS },
  });
  const withProxies = await measure(LARGE_SERVICES, PROXIES);
  report({ measurement: `incremental ${large} resources commit to ${PROXIES} proxies synced`, value: p50(withProxies.synced), unit: 'ms', target: below(1000), details: { live_p50_ms: p50(withProxies.live), iterations: ITERATIONS } });
  const idle = await idleMemory(LARGE_SERVICES);
  report({ measurement: `daemon resident memory, ${large} resources idle`, value: idle.rssMb, unit: 'MB', target: below(250), details: { heap_mb: idle.heapMb, heap_total_mb: idle.heapTotalMb, external_mb: idle.externalMb, commits: IDLE_COMMITS, idle_ms: idle.idleMs } });
}
