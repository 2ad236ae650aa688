// Desired state against applied state → an ordered change set with field-level diffs.
import { compareDiagnostics } from '../../provider/model/diagnostic';
import { Identity } from '../../provider/model/identity';
import { affectedProxies } from './affected-proxies';
import { canonicalize, stableStringify } from './canonical';
import { deletionDiagnostics } from './deletion-blocking';
import { diffValues } from './diff';
import { orderSteps } from './ordering';
import { PlanMemory } from './plan-memory';
import { Plan, PlanResource, PlanStep, PlanSummary, ResourceChange } from './plan-types';
import { body, compareResources } from './resource-comparison';

export interface PlanOptions {
  environment: string;
  /** The environment's account: the mesh owner of resources that do not set meshOwner. */
  account: string;
}

function contentKey(resource: PlanResource): string {
  return stableStringify(canonicalize({ spec: resource.doc.spec, tags: resource.doc.tags }));
}

/**
 * The plan from the applied resources to the desired ones. With a memory (the daemon keeps one
 * per environment), only identities whose resources are not the same objects as at the last plan
 * are compared again; the plan is the same.
 */
export function computePlan(desired: readonly PlanResource[], applied: readonly PlanResource[], options: PlanOptions, memory?: PlanMemory): Plan {
  const { desiredIndex, appliedIndex, sameIdentity, created, deleted } = memory
    ? memory.compare(desired, applied, options.account)
    : compareResources(desired, applied, options.account);
  const changes: ResourceChange[] = sameIdentity.map(({ action, before, after }) => change(action, before, after, options.account));
  const { replaces, creates, deletes } = pairIdentityChanges(created, deleted, options.account);
  changes.push(...replaces, ...creates.map((r) => change('create', undefined, r, options.account)), ...deletes.map((r) => change('delete', r, undefined, options.account)));

  const steps = orderSteps(changes.flatMap(stepsOf));
  const position = new Map(steps.map((step, i) => [step.key, i]));
  const rank = (c: ResourceChange) => position.get(c.key) ?? 0;
  changes.sort((a, b) => rank(a) - rank(b));

  const deletedIdentities = changes.filter((c) => c.action === 'delete' || c.action === 'replace').map((c) => c.before!);
  const replacedInPlace = new Set(changes.filter((c) => c.action === 'replace' && c.before!.key === c.after!.key).map((c) => c.key));
  const diagnostics = deletionDiagnostics(
    deletedIdentities.filter((r) => !replacedInPlace.has(r.key)),
    desiredIndex,
  ).sort(compareDiagnostics);

  return {
    environment: options.environment,
    changes,
    settings: [],
    steps,
    summary: summarize(changes),
    affectedProxies: affectedProxies(changes, appliedIndex, desiredIndex),
    diagnostics,
  };
}

function change(action: ResourceChange['action'], before: PlanResource | undefined, after: PlanResource | undefined, account: string): ResourceChange {
  const subject = (after ?? before)!;
  const result: ResourceChange = {
    action,
    identity: subject.identity,
    key: subject.key,
    diff: diffValues(before ? body(before, account) : undefined, after ? body(after, account) : undefined),
    before,
    after,
  };
  if (action === 'replace') result.from = before!.identity;
  return result;
}

function stepsOf(c: ResourceChange): PlanStep[] {
  switch (c.action) {
    case 'create':
      return [{ op: 'create', key: c.key }];
    case 'update':
      return [{ op: 'update', key: c.key }];
    case 'delete':
      return [{ op: 'delete', key: c.key }];
    case 'replace':
      // Make before break when the identity differs; the same identity must go first.
      return c.before!.key === c.after!.key
        ? [{ op: 'delete', key: c.key }, { op: 'create', key: c.key }]
        : [{ op: 'create', key: c.after!.key }, { op: 'delete', key: c.before!.key }];
  }
}

/** Kind, mesh and parent: where a renamed resource stays (a renamed mesh is only a kind). */
function slotOf(id: Identity): string {
  return id.kind === 'Mesh' ? 'Mesh\u0000' : `${id.kind}\u0000${id.meshName}\u0000${id.parentName ?? ''}\u0000`;
}

/**
 * ID-2: identity is immutable, so a rename (same content, new name), a move to another mesh
 * (same name, new mesh) or to another router/gateway shows as one replace, not an unrelated
 * create and delete.
 */
function pairIdentityChanges(created: PlanResource[], deleted: PlanResource[], account: string) {
  const replaces: ResourceChange[] = [];
  if (created.length === 0 || deleted.length === 0) return { replaces, creates: created, deletes: deleted };
  const paired = new Set<PlanResource>();
  const byName = new Map<string, PlanResource[]>();
  const byContent = new Map<string, PlanResource[]>();
  const nameKey = (r: PlanResource) => `${r.identity.kind}\u0000${r.identity.name}`;
  for (const resource of deleted) {
    push(byName, nameKey(resource), resource);
    push(byContent, slotOf(resource.identity) + contentKey(resource), resource);
  }
  const creates: PlanResource[] = [];
  for (const after of created) {
    const moved = (byName.get(nameKey(after)) ?? []).find((d) => !paired.has(d));
    const renamed = moved ? undefined : (byContent.get(slotOf(after.identity) + contentKey(after)) ?? []).find((d) => !paired.has(d));
    const before = moved ?? renamed;
    if (before) {
      paired.add(before);
      replaces.push(change('replace', before, after, account));
    } else {
      creates.push(after);
    }
  }
  return { replaces, creates, deletes: deleted.filter((d) => !paired.has(d)) };
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function summarize(changes: readonly ResourceChange[]): PlanSummary {
  const summary: PlanSummary = { create: 0, update: 0, delete: 0, replace: 0 };
  for (const c of changes) summary[c.action]++;
  return summary;
}

export function hasChanges(plan: Plan): boolean {
  return plan.changes.length > 0 || plan.settings.length > 0;
}
