// Issue 18 (draft): one-route commit to live on a generated environment.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { Daemon } from '../reconciler/daemon/daemon';
import { Report } from './report';
import { until } from './until';
import { syntheticMeshDocuments, writeSyntheticEnvironment } from './synthetic-mesh';

export async function run(report: Report): Promise<void> {
  const services = Number(process.env.BENCH_SERVICES ?? 2500);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshplane-bench-incr-'));
  const repo = path.join(dir, 'repo');
  fs.mkdirSync(repo);
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: repo, env: { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'b@b' } }).toString().trim();
  const docs = syntheticMeshDocuments({ services, backendsPerNode: 5 });
  writeSyntheticEnvironment(repo, 'bench', docs, services);
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'initial');
  const daemon = await Daemon.start({ repo, dataDir: path.join(dir, 'data'), xdsListen: '127.0.0.1:0', httpListen: '127.0.0.1:0', pollIntervalMs: 60_000, driftIntervalMs: 600_000 });
  try {
    let t = performance.now();
    await until('first live', () => daemon.environments()[0]?.live !== undefined, { timeoutMs: 300_000, everyMs: 5 });
    console.log('first apply ms', performance.now() - t);
    const times: number[] = [];
    for (let i = 0; i < Number(process.env.BENCH_ITER ?? 5); i++) {
      const file = path.join(repo, 'environments', 'bench', `service-${i}.yaml`);
      const group = docs.slice(1 + 4 * i, 5 + 4 * i).map((d) => structuredClone(d));
      (group[2].spec as any).httpRoute.retryPolicy.maxRetries = 3 + (i % 5);
      fs.writeFileSync(file, group.map((d) => stringify(d)).join('---\n'));
      git('commit', '-q', '-a', '-m', `retry ${i}`);
      const commit = git('rev-parse', 'HEAD');
      t = performance.now();
      await until('commit live', () => daemon.environments()[0]?.live?.commit === commit, { timeoutMs: 300_000, everyMs: 2 });
      times.push(performance.now() - t);
      await daemon.idle();
    }
    console.log('times', times.map((x) => Math.round(x)));
    global.gc?.();
    console.log('rss MB', process.memoryUsage().rss / 1e6, 'heap MB', process.memoryUsage().heapUsed / 1e6);
    void report;
  } finally {
    await daemon.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
