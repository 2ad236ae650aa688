import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { computePlan, formatPlanJson, formatPlanMarkdown, formatPlanText, Plan } from '../../reconciler/plan';
import { REPO_ROOT } from '../helpers/paths';
import { ACCOUNT, baseDocs, gatewayRoute, node, resources, route, router } from './plan-fixtures';

const GOLDEN_DIR = path.join(REPO_ROOT, 'test', 'plan', 'golden');

/** Compares with a golden file; UPDATE_GOLDEN=1 rewrites it (review the diff before committing). */
function assertGolden(name: string, actual: string): void {
  const file = path.join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(file, actual);
  assert.equal(actual, fs.readFileSync(file, 'utf8'), `${file} differs; run with UPDATE_GOLDEN=1 to accept the new output`);
}

/** One change of every action: a weight shift, a new node, a renamed router, a deleted gateway route. */
function mixedPlan(): Plan {
  const applied = [...baseDocs(), router('legacy'), gatewayRoute('ingress-gw', 'old-path', 'servicea.apps.local', '/old')];
  const desired = [
    ...baseDocs().map((d) => (d.kind === 'Route' ? route('serviceB', 'serviceB', [['serviceB', 50], ['serviceBv2', 50]]) : d)),
    router('current'),
    node('serviceC', { backends: [{ virtualService: { virtualServiceName: 'serviceb.apps.local' } }] }),
  ];
  return computePlan(resources(desired), resources(applied), { environment: 'apps', account: ACCOUNT });
}

describe('plan formats', () => {
  it('markdown is a pull-request comment: summary first, one collapsible block per resource (golden)', () => {
    assertGolden('mixed-plan.md', formatPlanMarkdown(mixedPlan(), { comparing: '`main` → `feature`' }));
  });

  it('text is terraform-like and ends with the summary line (golden)', () => {
    const text = formatPlanText(mixedPlan());
    assert.match(text, /Plan: 2 to add, 1 to change, 2 to destroy\.\n$/);
    assert.match(text, /~ spec\.http2Route\.action\.weightedTargets\[1\]\.weight: 25 → 50/);
    assertGolden('mixed-plan.txt', text);
  });

  it('json has changes, summary and affected proxies', () => {
    const json = JSON.parse(formatPlanJson(mixedPlan()));
    assert.deepEqual(json.summary, { create: 1, update: 1, delete: 1, replace: 1 });
    assert.deepEqual(
      json.changes.map((c: { action: string; kind: string; meshName: string; name: string }) => [c.action, c.kind, c.meshName, c.name]),
      [
        ['create', 'VirtualNode', 'apps', 'serviceC'],
        ['replace', 'VirtualRouter', 'apps', 'current'],
        ['update', 'Route', 'apps', 'serviceB'],
        ['delete', 'GatewayRoute', 'apps', 'old-path'],
      ],
    );
    const update = json.changes[2];
    assert.equal(update.parentName, 'serviceB');
    assert.deepEqual(update.diff[0], { op: 'change', path: 'spec.http2Route.action.weightedTargets[0].weight', before: 75, after: 50 });
    assert.deepEqual(json.changes[1].from, { kind: 'VirtualRouter', meshName: 'apps', name: 'legacy' });
    assert.deepEqual(json.affectedProxies.map((p: { id: string }) => p.id), [
      'mesh/apps/virtualGateway/ingress-gw',
      'mesh/apps/virtualNode/serviceA',
      'mesh/apps/virtualNode/serviceC',
    ]);
  });

  it('an empty plan says there is nothing to do', () => {
    const plan = computePlan(resources(baseDocs()), resources(baseDocs()), { environment: 'apps', account: ACCOUNT });
    assert.match(formatPlanText(plan), /^No changes\./);
    assert.match(formatPlanMarkdown(plan), /\*\*No changes\.\*\*/);
    assert.deepEqual(JSON.parse(formatPlanJson(plan)).summary, { create: 0, update: 0, delete: 0, replace: 0 });
  });

  it('markdown code fences survive backticks in values', () => {
    const applied = resources([...baseDocs()]);
    const desired = resources(baseDocs().map((d) => (d.kind === 'GatewayRoute' ? gatewayRoute('ingress-gw', 'to-a', 'servicea.apps.local', '/```x') : d)));
    const markdown = formatPlanMarkdown(computePlan(desired, applied, { environment: 'apps', account: ACCOUNT }));
    assert.match(markdown, /\n````diff\n[^]*\/```x[^]*\n````\n/);
  });
});
