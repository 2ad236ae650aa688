// What the daemon benchmarks (bench/daemon.ts, bench/api.ts) share: a daemon following a temporary
// copy of the canary environment with Envoy sidecars of serviceA connected (a load generator in
// another process, ACKing at once), and the commit → all ACKed timing loop over it.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TYPE_URLS } from '../../provider/envoy/snapshot';
import { PACKAGE_ROOT } from '../../provider/package-root';
import { Daemon } from '../../reconciler/daemon/daemon';
import { until, UntilOptions } from '../until';
import { GeneratorProcess } from './generator-process';
import type { ProxyPlan } from './load-generator';

// Short polls: these waits are the latencies measured.
const WAIT: UntilOptions = { timeoutMs: 60_000, everyMs: 2 };
const SERVICE_A = { kind: 'VirtualNode' as const, meshName: 'apps', name: 'serviceA' };

export function routeVersion(daemon: Daemon): string | undefined {
  return daemon.xds.proxies()[0]?.types.routeConfiguration?.acked?.version;
}

/** `count` proxies connected and synced, on a route table other than `before`. */
export function allAcked(daemon: Daemon, count: number, before: string | undefined): boolean {
  const proxies = daemon.xds.proxies();
  return (
    proxies.length === count &&
    proxies.every((p) => {
      const route = p.types.routeConfiguration;
      return route?.acked !== undefined && route.acked.version !== before && Object.values(p.types).every((t) => t.state === 'synced');
    })
  );
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export interface CanaryFleetOptions {
  /** Temporary directory prefix. */
  name: string;
  proxies: number;
  /** Edits the repository's files before its first commit. */
  prepare?: (repo: string) => void;
}

/** A daemon on a local git repository of the canary environment, with `proxies` serviceA sidecars synced. */
export class CanaryFleet {
  private constructor(
    readonly dir: string,
    readonly repo: string,
    readonly daemon: Daemon,
    private readonly generator: GeneratorProcess,
    readonly proxies: number,
  ) {}

  static async start(options: CanaryFleetOptions): Promise<CanaryFleet> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `meshplane-bench-${options.name}-`));
    const repo = path.join(dir, 'repo');
    fs.mkdirSync(repo);
    fs.cpSync(path.join(PACKAGE_ROOT, 'environments', 'apps'), path.join(repo, 'environments', 'apps'), { recursive: true });
    options.prepare?.(repo);
    gitIn(repo, 'init', '-q', '-b', 'main');
    gitIn(repo, 'add', '-A');
    gitIn(repo, 'commit', '-q', '-m', 'canary');
    const daemon = await Daemon.start({ repo, dataDir: path.join(dir, 'data'), xdsListen: '127.0.0.1:0', httpListen: '127.0.0.1:0', pollIntervalMs: 60_000, driftIntervalMs: 60_000 });
    const generator = await GeneratorProcess.start();
    const fleet = new CanaryFleet(dir, repo, daemon, generator, options.proxies);
    try {
      await until('the first commit to be live', () => daemon.environments()[0]?.live !== undefined, WAIT);
      const snapshot = daemon.sources.of('apps').snapshot(SERVICE_A, 'envoy')!;
      const plan: ProxyPlan = {
        nodeId: 'mesh/apps/virtualNode/serviceA',
        routes: [...(snapshot.resources.get(TYPE_URLS.routeConfiguration)?.keys() ?? [])],
        endpoints: [...(snapshot.resources.get(TYPE_URLS.clusterLoadAssignment)?.keys() ?? [])],
      };
      await generator.connect(daemon.xdsAddress, 'sotw', Array.from({ length: options.proxies }, () => plan));
      await until(`${options.proxies} proxies to connect and ACK`, () => allAcked(daemon, options.proxies, undefined), WAIT);
      return fleet;
    } catch (error) {
      await fleet.stop();
      throw error;
    }
  }

  git(...args: string[]): void {
    gitIn(this.repo, ...args);
  }

  /**
   * Runs `rounds` changes after `warmUp` untimed ones; each is timed from the moment `change` returns
   * (a `performance.now()` it took) until every proxy ACKed a route table other than the one before.
   */
  async timeToAllAcked(what: string, warmUp: number, rounds: number, change: (round: number) => Promise<number> | number): Promise<number[]> {
    const times: number[] = [];
    for (let i = 0; i < warmUp + rounds; i++) {
      const before = routeVersion(this.daemon);
      const started = await change(i);
      await until(`all proxies to ACK ${what}`, () => allAcked(this.daemon, this.proxies, before), WAIT);
      if (i >= warmUp) times.push(performance.now() - started);
      await this.daemon.idle();
    }
    return times;
  }

  async stop(): Promise<void> {
    await this.generator.stop();
    await this.daemon.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Runs git in a benchmark's repository, as a fixed bench author. */
export function gitIn(repo: string, ...args: string[]): void {
  execFileSync('git', args, { cwd: repo, env: { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'b@b' }, stdio: 'ignore' });
}
