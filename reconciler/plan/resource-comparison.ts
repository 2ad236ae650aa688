// Desired resources against applied ones, identity by identity: which are created, deleted,
// updated in place or replaced under the same identity (another mesh owner). Renames and moves
// are paired later, from what is created and deleted (planner.ts).
import { canonicalize, stableStringify } from './canonical';
import { ChangeAction, PlanResource } from './plan-types';
import { ReferenceIndex } from './references';

/** Both sides, indexed, and how they differ; created and deleted are in their lists' order. */
export interface Comparison {
  desiredIndex: ReferenceIndex;
  appliedIndex: ReferenceIndex;
  /** Updates, and replaces of one identity (its mesh owner changed). */
  sameIdentity: Array<{ action: 'update' | 'replace'; before: PlanResource; after: PlanResource }>;
  created: PlanResource[];
  deleted: PlanResource[];
}

/**
 * What an update compares: everything App Mesh stores besides identity (spec, tags, and
 * meshOwner when it names another account than the environment's own).
 */
export function body(resource: PlanResource, account: string): Record<string, unknown> {
  const { spec, tags, meshOwner } = resource.doc;
  return { meshOwner: meshOwner === account ? undefined : meshOwner, spec, tags };
}

function effectiveMeshOwner(resource: PlanResource, account: string): string {
  return resource.identity.kind === 'Mesh' ? account : (resource.doc.meshOwner ?? account);
}

/**
 * The canonical text of a document's body, kept per document object: the daemon hands the planner
 * the same objects for unchanged files (ParseCache) and the same applied revision (state store,
 * which keeps unchanged resources' objects from one revision to the next), so a commit
 * canonicalizes only what it changed.
 */
const bodyTexts = new WeakMap<PlanResource['doc'], { account: string; text: string }>();

function bodyText(resource: PlanResource, account: string): string {
  const kept = bodyTexts.get(resource.doc);
  if (kept && kept.account === account) return kept.text;
  const text = stableStringify(canonicalize(body(resource, account)));
  bodyTexts.set(resource.doc, { account, text });
  return text;
}

/** How one identity changes from its applied resource to its desired one; undefined when it does not. */
export function identityChange(before: PlanResource | undefined, after: PlanResource | undefined, account: string): ChangeAction | undefined {
  if (!before) return after && 'create';
  if (!after) return 'delete';
  // Another mesh owner is another mesh: the resource moves (ID-2).
  if (effectiveMeshOwner(before, account) !== effectiveMeshOwner(after, account)) return 'replace';
  if (before.doc !== after.doc && bodyText(before, account) !== bodyText(after, account)) return 'update';
  return undefined;
}

/** Every desired resource against its applied one, in list order (two resources of one key both count). */
export function compareLists(desired: readonly PlanResource[], applied: readonly PlanResource[], desiredIndex: ReferenceIndex, appliedIndex: ReferenceIndex, account: string): Comparison {
  const sameIdentity: Comparison['sameIdentity'] = [];
  const created: PlanResource[] = [];
  for (const after of desired) {
    const before = appliedIndex.resource(after.key);
    const action = identityChange(before, after, account);
    if (action === 'create') created.push(after);
    else if (action === 'update' || action === 'replace') sameIdentity.push({ action, before: before!, after });
  }
  const deleted = applied.filter((resource) => !desiredIndex.has(resource.key));
  return { desiredIndex, appliedIndex, sameIdentity, created, deleted };
}

/** The full comparison: both sides indexed from scratch. */
export function compareResources(desired: readonly PlanResource[], applied: readonly PlanResource[], account: string): Comparison {
  return compareLists(desired, applied, new ReferenceIndex(desired), new ReferenceIndex(applied), account);
}
