// Daemon benchmark (issue 6): commit-to-all-ACKed latency for a local repository with 100
// connected proxies. The daemon runs in this process and follows a temporary git repository
// holding the canary environment; a load generator in another process holds 100 ADS streams
// (Envoy sidecars of serviceA, ACKing at once). Each iteration commits a new route weight and
// times from `git commit` returning until all 100 proxies ACKed the new route table.
// The floor, measured in the same run on the same daemon and streams: the same change served
// without git (translation + push + ACKs only). Target: p50 < 1 s (Flux polls every minute by
// default, Argo CD every three).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MeshModel } from '../provider/model/mesh-model';
import { WorkingTreeSource } from '../reconciler/load/file-source';
import { loadEnvironment } from '../reconciler/load/load-environment';
import { below, Report } from './report';
import { CanaryFleet, percentile } from './xds/proxy-acks';

const PROXIES = 100;
const ITERATIONS = 20;
const WARM_UP = 3;
const ROUTING = 'environments/apps/routing/service-b.yaml';

export async function run(report: Report): Promise<void> {
  const fleet = await CanaryFleet.start({ name: 'daemon', proxies: PROXIES });
  const { repo, daemon } = fleet;
  const routing = fs.readFileSync(path.join(repo, ROUTING), 'utf8');
  const withWeight = (b: number) => routing.replace('weight: 75', `weight: ${b}`).replace('weight: 25', `weight: ${100 - b}`);
  try {
    // Commit to all ACKed, through git.
    const commitTimes = await fleet.timeToAllAcked('the commit', WARM_UP, ITERATIONS, (i) => {
      fs.writeFileSync(path.join(repo, ROUTING), withWeight(i % 2 === 0 ? 40 + i : 60 - i));
      fleet.git('commit', '-q', '-a', '-m', `weights ${i}`);
      return performance.now();
    });

    // Floor: the same change applied to the xDS source directly (no git, no validate/plan/apply).
    const loaded = await loadEnvironment(new WorkingTreeSource(repo), 'apps');
    const floorTimes = await fleet.timeToAllAcked('the direct push', WARM_UP, ITERATIONS, async (i) => {
      fs.writeFileSync(path.join(repo, ROUTING), withWeight(i % 2 === 0 ? 10 + i : 90 - i));
      const changed = await loadEnvironment(new WorkingTreeSource(repo), 'apps');
      const started = performance.now();
      daemon.sources.of('apps').apply(new MeshModel(changed.resources), loaded.config);
      return started;
    });

    report({
      measurement: `daemon N=${PROXIES} commit to all ACKed, p50 (local repo)`,
      value: percentile(commitTimes, 50),
      unit: 'ms',
      floor: percentile(floorTimes, 50),
      target: below(1000),
      details: { p95_ms: percentile(commitTimes, 95), iterations: ITERATIONS },
    });
  } finally {
    await fleet.stop();
  }
}
