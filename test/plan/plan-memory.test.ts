// The daemon's planner memory gives the full plan at every step of a sequence of commits, reusing
// unchanged resource objects as the loader and the state store do: deletions blocked by many
// referrers (listed in the desired list's order even when resources joined the index later),
// renames paired in list order, duplicate keys, an account change, and an apply between commits.
import * as assert from 'node:assert/strict';
import { computePlan, Plan, PlanMemory, PlanResource } from '../../reconciler/plan';
import { ACCOUNT, baseDocs, mesh, node, resource, route, serviceToNode } from './plan-fixtures';

type Doc = Record<string, unknown>;

/** A repository as the loader sees it (one file per document): a document unchanged keeps its object, wherever it moves in the list. */
class Desired {
  private readonly kept = new Map<string, PlanResource>();
  constructor(private docs: Doc[]) {}

  set(docs: Doc[]): this {
    this.docs = docs;
    return this;
  }

  list(): PlanResource[] {
    return this.docs.map((doc, i) => {
      const text = JSON.stringify(doc);
      const existing = this.kept.get(text);
      if (existing) return existing;
      const made = resource(doc, 'environments/apps/test.yaml', i + 1);
      this.kept.set(text, made);
      return made;
    });
  }
}

/** An apply as the state store makes it: resources the plan does not change keep their object. */
function applied(previous: readonly PlanResource[], plan: Plan, desired: readonly PlanResource[]): PlanResource[] {
  const changed = new Set(plan.changes.map((c) => c.key));
  const before = new Map(previous.map((r) => [r.key, r]));
  return desired.map((r) => (changed.has(r.key) || !before.has(r.key) ? { identity: r.identity, key: r.key, doc: structuredClone(r.doc) } : before.get(r.key)!));
}

describe('plan: the planner memory gives the full plan', () => {
  it('over commits that block deletions, rename, duplicate keys and change the account', () => {
    const memory = new PlanMemory();
    const repo = new Desired(baseDocs());
    let state: PlanResource[] = [];
    let account = ACCOUNT;
    const step = (what: string, apply: boolean) => {
      const desired = repo.list();
      const full = computePlan(desired, state, { environment: 'apps', account });
      const kept = computePlan(desired, state, { environment: 'apps', account }, memory);
      assert.equal(JSON.stringify(kept), JSON.stringify(full), what);
      if (apply) state = applied(state, full, desired);
      return full;
    };
    // Nodes of one content under different names: renames among them pair by list order.
    const twin = (name: string) => ({ ...node(name), spec: node('twin').spec });
    const twins = (...names: string[]) => names.map(twin);

    step('everything created', true);
    step('nothing changed', true);
    repo.set([...twins('t0', 't1', 't2'), ...baseDocs()]);
    step('nodes added before the others in the list', true);

    // The mesh deleted: every resource blocks it; the first five are named in list order.
    repo.set([node('first'), ...baseDocs().slice(1), ...twins('t0', 't1', 't2')]);
    const blocked = step('mesh deleted while in use', false);
    assert.match(blocked.diagnostics.find((d) => d.code === 'MESH-5')!.message, /in use: VirtualNode first\b.*; and \d+ more/);

    // Two of the twins renamed, the first rename planned (not applied) before the second: each new
    // name still pairs with a deleted one in list order, not in the order the renames were seen.
    repo.set([...baseDocs(), ...twins('u0', 't1', 't2')]);
    step('one rename', false);
    repo.set([...baseDocs(), ...twins('u1', 'u0', 't2')]);
    const renamed = step('two renames', true);
    assert.deepEqual(renamed.changes.filter((c) => c.action === 'replace').map((c) => `${c.from!.name}→${c.identity.name}`).sort(), ['t0→u1', 't1→u0']);

    repo.set([...baseDocs(), route('serviceB', 'serviceB', [['serviceA', 100]]), twin('t2')]);
    step('a duplicate key (invalid desired state)', false);
    repo.set([...baseDocs(), twin('t2')]);
    step('the duplicate removed', true);

    account = '444455556666';
    step('another account', true);
    repo.set([mesh(), node('serviceA'), serviceToNode('servicea.apps.local', 'serviceA')]);
    step('most resources deleted, some blocked by a service', false);
  });
});
