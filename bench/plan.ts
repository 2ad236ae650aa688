// Issue 3 target: `plan` on 10,000 resources with 1% of them changed, within 3× the time to read
// and YAML-parse the same files (the floor, measured in the same run).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { validateEnvironment } from '../provider/validate/validate';
import { WorkingTreeSource } from '../reconciler/load/file-source';
import { loadEnvironment } from '../reconciler/load/load-environment';
import { applyEnvironment, planEnvironment, PlanMemory, PlanResource } from '../reconciler/plan';
import { FileStateStore } from '../reconciler/state';
import { medianMs, ratioAtMost, Report } from './report';
import { Document, syntheticMeshDocuments, writeSyntheticEnvironment } from './synthetic-mesh';

const RESOURCES = 10_000;
const CHANGED_SHARE = 0.01;

/** Changes `count` routes (maxRetries 2 → 3), spread over the mesh. */
function changeRoutes(docs: Document[], count: number): Document[] {
  const routes = docs.filter((d) => d.kind === 'Route');
  const step = Math.floor(routes.length / count);
  const chosen = new Set(routes.filter((_, i) => i % step === 0).slice(0, count));
  return docs.map((d) => (chosen.has(d) ? { ...d, spec: { httpRoute: { ...(d.spec as any).httpRoute, retryPolicy: { ...(d.spec as any).httpRoute.retryPolicy, maxRetries: 3 } } } } : d));
}

export async function run(report: Report): Promise<void> {
  const services = Math.round((RESOURCES - 1) / 4);
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'meshplane-bench-plan-'));
  try {
    const docs = syntheticMeshDocuments({ services, backendsPerNode: 5 });
    writeSyntheticEnvironment(repo, 'bench', docs, services);
    const store = new FileStateStore(path.join(repo, '.meshplane'));
    const initial = await loadEnvironment(new WorkingTreeSource(repo), 'bench');
    await applyEnvironment({ store, config: initial.config, desired: initial.resources, commit: null });

    const changed = Math.round(RESOURCES * CHANGED_SHARE);
    const files = writeSyntheticEnvironment(repo, 'bench', changeRoutes(docs, changed), services);
    const floor = await medianMs(3, () => {
      for (const file of files) for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) doc.toJS();
    });
    let summary = '';
    // What `meshplane plan --env bench` does: load, read the applied state, diff.
    const plan = await medianMs(3, async () => {
      const loaded = await loadEnvironment(new WorkingTreeSource(repo), 'bench');
      const result = planEnvironment({ config: loaded.config, desired: loaded.resources, applied: await store.read('bench') });
      summary = `${result.summary.update} updates, ${result.affectedProxies.length} proxies`;
    });
    // The same with validation first, as the command runs it (validation has its own bench).
    const validated = await medianMs(3, async () => {
      const loaded = await loadEnvironment(new WorkingTreeSource(repo), 'bench');
      validateEnvironment(loaded);
      planEnvironment({ config: loaded.config, desired: loaded.resources, applied: await store.read('bench') });
    });
    const loaded = await loadEnvironment(new WorkingTreeSource(repo), 'bench');
    const applied = await store.read('bench');
    const diffOnly = await medianMs(3, () => planEnvironment({ config: loaded.config, desired: loaded.resources, applied }));
    // The daemon's planner: memory of the last plan, then one more route changed (a new object).
    const memory = new PlanMemory();
    planEnvironment({ config: loaded.config, desired: loaded.resources, applied, memory });
    const at = loaded.resources.findIndex((r) => r.identity.kind === 'Route');
    let retries = 10;
    const withMemory = await medianMs(5, () => {
      const route = loaded.resources[at];
      const httpRoute = (route.doc.spec as any).httpRoute;
      const desired: PlanResource[] = [...loaded.resources];
      desired[at] = { ...route, doc: { ...route.doc, spec: { httpRoute: { ...httpRoute, retryPolicy: { ...httpRoute.retryPolicy, maxRetries: retries++ } } } } };
      planEnvironment({ config: loaded.config, desired, applied, memory });
    });
    report({
      measurement: `plan ${RESOURCES} resources, ${changed} changed`,
      value: plan,
      unit: 'ms',
      floor,
      target: ratioAtMost(3),
      details: { changes: summary, diff_only_ms: diffOnly, with_validation_ms: validated, one_more_route_with_memory_ms: withMemory },
    });
  } finally {
    fs.rmSync(repo, { recursive: true, force: true });
  }
}
