// Issue 18: the embedded state store's commit costs what the change costs. One-route commits on a
// 10,001-resource environment: the commit's time against the floor of writing the same state.json
// bytes once (temp file, fsync, rename — what any crash-safe store must do), and the bytes its
// history entry adds (it used to be a whole revision, ~11 MB, per commit).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WorkingTreeSource } from '../reconciler/load/file-source';
import { loadEnvironment } from '../reconciler/load/load-environment';
import { applyEnvironment, PlanResource } from '../reconciler/plan';
import { FileStateStore } from '../reconciler/state';
import { writeFileAtomic } from '../reconciler/state/atomic-file';
import { below, medianMs, ratioAtMost, Report } from './report';
import { syntheticMeshDocuments, writeSyntheticEnvironment } from './synthetic-mesh';

const RESOURCES = 10_001;
const COMMITS = 7;

/** The desired state with route `i`'s retry count set to `retries` (a new object for that route only). */
function withRetries(desired: readonly PlanResource[], i: number, retries: number): PlanResource[] {
  const routes = desired.map((r, at) => [r, at] as const).filter(([r]) => r.identity.kind === 'Route');
  const [route, at] = routes[(i * 37) % routes.length];
  const spec = route.doc.spec as { httpRoute: { retryPolicy: Record<string, unknown> } };
  const changed = { ...route, doc: { ...route.doc, spec: { ...spec, httpRoute: { ...spec.httpRoute, retryPolicy: { ...spec.httpRoute.retryPolicy, maxRetries: retries } } } } };
  const next = [...desired];
  next[at] = changed as PlanResource;
  return next;
}

export async function run(report: Report): Promise<void> {
  const services = Math.round((RESOURCES - 1) / 4);
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'meshplane-bench-state-'));
  try {
    writeSyntheticEnvironment(repo, 'bench', syntheticMeshDocuments({ services, backendsPerNode: 5 }), services);
    const loaded = await loadEnvironment(new WorkingTreeSource(repo), 'bench');
    const store = new FileStateStore(path.join(repo, 'state'));
    let desired: readonly PlanResource[] = loaded.resources;
    await applyEnvironment({ store, config: loaded.config, desired, commit: null });

    const commitMs: number[] = [];
    const historyBytes: number[] = [];
    const commit = store.commit.bind(store);
    store.commit = async (...args) => {
      const started = process.hrtime.bigint();
      await commit(...args);
      commitMs.push(Number(process.hrtime.bigint() - started) / 1e6);
      historyBytes.push(fs.statSync(store.historyFile('bench', args[1].revision)).size);
    };
    for (let i = 1; i <= COMMITS; i++) {
      desired = withRetries(desired, i, 3 + i);
      await applyEnvironment({ store, config: loaded.config, desired, commit: null });
    }
    const stateFile = store.stateFile('bench');
    const bytes = fs.readFileSync(stateFile);
    const floor = await medianMs(3, () => writeFileAtomic(path.join(repo, 'floor.json'), bytes));
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    report({
      measurement: `state commit, one route of ${RESOURCES} resources`,
      value: median(commitMs.slice(1)),
      unit: 'ms',
      floor,
      target: ratioAtMost(2),
      details: { state_json_kb: Math.round(bytes.length / 1024) },
    });
    report({
      measurement: `state history bytes per one-route commit`,
      value: median(historyBytes.slice(1)) / 1024,
      unit: 'KB',
      target: below(16),
      details: { state_json_kb: Math.round(bytes.length / 1024) },
    });
  } finally {
    fs.rmSync(repo, { recursive: true, force: true });
  }
}
