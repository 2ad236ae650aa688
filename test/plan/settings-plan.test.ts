// Settings in environment.yaml that change translation are planned like resource changes: listed
// with the proxies whose configuration changes, recorded in the revision, restored by a rollback.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyEnvironment, computePlan, EnvironmentSettings, formatPlanJson, formatPlanMarkdown, formatPlanText, planEnvironment } from '../../reconciler/plan';
import { FileStateStore } from '../../reconciler/state';
import { nextRevision } from '../../reconciler/state/next-revision';
import { AppliedRevision } from '../../reconciler/state/state-types';
import { DEFAULT_VALIDATION } from '../../provider/environment/environment-config';
import { REPO_ROOT } from '../helpers/paths';
import { baseDocs, CONFIG, resources } from './plan-fixtures';

const GOLDEN_DIR = path.join(REPO_ROOT, 'test', 'plan', 'golden');

function assertGolden(name: string, actual: string): void {
  const file = path.join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(file, actual);
  assert.equal(actual, fs.readFileSync(file, 'utf8'), `${file} differs; run with UPDATE_GOLDEN=1 to accept the new output`);
}

const DESIRED = resources(baseDocs());
const SERVICE_B = { namespace: 'apps.local', service: 'serviceb', address: '10.0.1.17', port: 80 };

/** The canary applied with `settings`, as the state store would hold it. */
function appliedWith(settings: EnvironmentSettings): AppliedRevision {
  const plan = computePlan(DESIRED, [], { environment: 'apps', account: CONFIG.account });
  return nextRevision({ previous: undefined, plan, desired: DESIRED, config: settings, commit: null, action: 'apply', now: new Date('2026-12-02T20:00:00Z') });
}

describe('plan: environment.yaml settings', () => {
  it('plans a defaultRetryPolicy flip with the proxies whose routes change (golden text, markdown, json)', () => {
    const plan = planEnvironment({ config: { ...CONFIG, defaultRetryPolicy: false }, desired: DESIRED, applied: appliedWith(CONFIG) });
    assert.deepEqual(plan.changes, []);
    assert.deepEqual(plan.settings, [{ op: 'change', path: 'defaultRetryPolicy', before: true, after: false, effect: 'translation' }]);
    assert.deepEqual(plan.summary, { create: 0, update: 0, delete: 0, replace: 0, settings: 1 });
    // Every proxy with HTTP routes to a backend: serviceA (to serviceb) and the gateway (to servicea).
    assert.deepEqual(plan.affectedProxies.map((p) => p.id), ['mesh/apps/virtualGateway/ingress-gw', 'mesh/apps/virtualNode/serviceA']);
    const text = formatPlanText(plan);
    assert.match(text, /Plan: 0 to add, 0 to change, 0 to destroy, 1 setting to change\.\n$/);
    assertGolden('settings-retry-plan.txt', text);
    assertGolden('settings-retry-plan.md', formatPlanMarkdown(plan));
    const json = JSON.parse(formatPlanJson(plan));
    assert.deepEqual(json.settings, [{ op: 'change', path: 'defaultRetryPolicy', before: true, after: false, effect: 'translation' }]);
    assert.deepEqual(json.summary, { create: 0, update: 0, delete: 0, replace: 0, settings: 1 });
  });

  it('plans a static discovery instance with the proxies that reach that service (golden text)', () => {
    const plan = planEnvironment({ config: { ...CONFIG, discovery: { instances: [SERVICE_B] } }, desired: DESIRED, applied: appliedWith(CONFIG) });
    assert.equal(plan.settings.length, 1);
    assert.equal(plan.settings[0].effect, 'translation');
    assert.match(plan.settings[0].path, /^discovery\.instances/);
    // serviceb.apps.local's instances are serviceA's backend; nobody else talks to serviceB.
    assert.deepEqual(plan.affectedProxies.map((p) => p.id), ['mesh/apps/virtualNode/serviceA']);
    assertGolden('settings-discovery-plan.txt', formatPlanText(plan));
  });

  it('plans validation settings with no proxy reached, and unchanged settings as no changes', () => {
    const applied = appliedWith(CONFIG);
    const validation = planEnvironment({ config: { ...CONFIG, validation: { ...DEFAULT_VALIDATION, names: 'compat', missingBackend: 'error' } }, desired: DESIRED, applied });
    assert.deepEqual(validation.settings.map((s) => [s.path, s.effect]), [['validation.missingBackend', 'validation'], ['validation.names', 'validation']]);
    assert.deepEqual(validation.affectedProxies, []);
    const same = planEnvironment({ config: { ...CONFIG, defaultRetryPolicy: true, discovery: { instances: [] } }, desired: DESIRED, applied });
    assert.deepEqual(same.settings, []);
    assert.match(formatPlanText(same), /^No changes\./);
  });

  it('compares a revision written before settings were recorded with the defaults', () => {
    const old = appliedWith(CONFIG);
    old.settings = { account: CONFIG.account, region: CONFIG.region, partition: CONFIG.partition };
    assert.deepEqual(planEnvironment({ config: { ...CONFIG, defaultRetryPolicy: true }, desired: DESIRED, applied: old }).settings, []);
    assert.equal(planEnvironment({ config: { ...CONFIG, defaultRetryPolicy: false }, desired: DESIRED, applied: old }).settings.length, 1);
  });

  it('applies a settings-only change as a new revision that records it, and a rollback restores it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshplane-settings-'));
    try {
      const store = new FileStateStore(dir);
      const first = await applyEnvironment({ store, config: CONFIG, desired: DESIRED, commit: 'a'.repeat(40) });
      assert.equal(first.revision?.settings.defaultRetryPolicy, true);
      const flipped = await applyEnvironment({ store, config: { ...CONFIG, defaultRetryPolicy: false, discovery: { instances: [SERVICE_B] } }, desired: DESIRED, commit: 'b'.repeat(40) });
      assert.equal(flipped.status, 'applied');
      assert.equal(flipped.revision?.revision, 2);
      assert.equal(flipped.revision?.settings.defaultRetryPolicy, false);
      assert.deepEqual(flipped.revision?.settings.discovery?.instances, [SERVICE_B]);
      // Applying the same again changes nothing.
      const again = await applyEnvironment({ store, config: { ...CONFIG, defaultRetryPolicy: false, discovery: { instances: [SERVICE_B] } }, desired: DESIRED, commit: 'c'.repeat(40) });
      assert.equal(again.status, 'no-changes');
      // A rollback to revision 1 applies its resources with its settings (as `meshplane rollback` does).
      const target = (await store.readRevision('apps', 1)) as AppliedRevision;
      const rolledBack = await applyEnvironment({ store, config: { name: 'apps', ...target.settings }, desired: target.resources, commit: target.commit, action: 'rollback', rollbackTo: 1 });
      assert.equal(rolledBack.status, 'applied');
      assert.deepEqual(
        rolledBack.plan.settings.map((s) => [s.op, s.path, s.before ?? s.after]),
        [
          ['change', 'defaultRetryPolicy', false],
          ['remove', 'discovery.instances[]', 'apps.local/serviceb 10.0.1.17:80'],
        ],
      );
      assert.equal(rolledBack.revision?.settings.defaultRetryPolicy, true);
      assert.deepEqual(rolledBack.revision?.settings.discovery?.instances, []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
