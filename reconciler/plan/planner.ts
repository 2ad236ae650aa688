// Desired state against applied state → an ordered change set with field-level diffs.
import { compareDiagnostics } from '../../provider/model/diagnostic';
import { Identity } from '../../provider/model/identity';
import { affectedProxies } from './affected-proxies';
import { canonicalize, stableStringify } from './canonical';
import { deletionDiagnostics } from './deletion-blocking';
import { diffValues } from './diff';
import { orderSteps } from './ordering';
import { Plan, PlanResource, PlanStep, PlanSummary, ResourceChange } from './plan-types';
import { ReferenceIndex } from './references';

export interface PlanOptions {
  environment: string;
  /** The environment's account: the mesh owner of resources that do not set meshOwner. */
  account: string;
}

/**
 * What an update compares: everything App Mesh stores besides identity (spec, tags, and
 * meshOwner when it names another account than the environment's own).
 */
function body(resource: PlanResource, account: string): Record<string, unknown> {
  const { spec, tags, meshOwner } = resource.doc;
  return { meshOwner: meshOwner === account ? undefined : meshOwner, spec, tags };
}

function effectiveMeshOwner(resource: PlanResource, account: string): string {
  return resource.identity.kind === 'Mesh' ? account : (resource.doc.meshOwner ?? account);
}

/**
 * The canonical text of a document's body, kept per document object: the daemon hands the planner
 * the same objects for unchanged files (ParseCache) and the same applied revision (state store),
 * so a commit canonicalizes only what it changed.
 */
const bodyTexts = new WeakMap<PlanResource['doc'], { account: string; text: string }>();

function bodyText(resource: PlanResource, account: string): string {
  const kept = bodyTexts.get(resource.doc);
  if (kept && kept.account === account) return kept.text;
  const text = stableStringify(canonicalize(body(resource, account)));
  bodyTexts.set(resource.doc, { account, text });
  return text;
}

function contentKey(resource: PlanResource): string {
  return stableStringify(canonicalize({ spec: resource.doc.spec, tags: resource.doc.tags }));
}

export function computePlan(desired: readonly PlanResource[], applied: readonly PlanResource[], options: PlanOptions): Plan {
  const desiredIndex = new ReferenceIndex(desired);
  const appliedIndex = new ReferenceIndex(applied);
  const changes: ResourceChange[] = [];
  const created: PlanResource[] = [];

  for (const after of desired) {
    const before = appliedIndex.byKey.get(after.key);
    if (!before) {
      created.push(after);
      continue;
    }
    if (effectiveMeshOwner(before, options.account) !== effectiveMeshOwner(after, options.account)) {
      // Another mesh owner is another mesh: the resource moves (ID-2).
      changes.push(change('replace', before, after, options.account));
      continue;
    }
    if (before.doc !== after.doc && bodyText(before, options.account) !== bodyText(after, options.account)) changes.push(change('update', before, after, options.account));
  }
  const deleted = applied.filter((resource) => !desiredIndex.byKey.has(resource.key));
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
