// A history entry that records only what a revision changed against the one before it: the
// revision's own fields, the resources added or changed (whole), the keys removed, and the
// resource count. Revision k is read back from the nearest whole revision at or before it plus
// the deltas after that one.
import { AppliedResource, AppliedRevision, RevisionHeader } from './state-types';

export interface RevisionDelta {
  header: RevisionHeader;
  /** The revision this one changes (header.revision − 1). */
  base: number;
  resourceCount: number;
  removed: string[];
  /** Added or changed resources, sorted by key. */
  changed: AppliedResource[];
}

/**
 * What `next` changed against `previous`. Unchanged resources are the same objects (nextRevision
 * keeps them), so this is a walk comparing references; only differing objects are compared by
 * content (`same`), so a revision built otherwise still yields the minimal delta.
 */
export function deltaBetween(previous: AppliedRevision, next: AppliedRevision, same: (a: AppliedResource, b: AppliedResource) => boolean): RevisionDelta | undefined {
  const { resources, ...header } = next;
  const before = previous.resources;
  // The walk needs both sorted by key (nextRevision keeps them so); otherwise the caller stores `next` whole.
  if (!sortedByKey(before) || !sortedByKey(resources)) return undefined;
  const removed: string[] = [];
  const changed: AppliedResource[] = [];
  let i = 0;
  let j = 0;
  while (i < before.length || j < resources.length) {
    const old = before[i];
    const now = resources[j];
    if (now === undefined || (old !== undefined && old.key < now.key)) {
      removed.push(old.key);
      i++;
    } else if (old === undefined || now.key < old.key) {
      changed.push(now);
      j++;
    } else {
      if (old !== now && !same(old, now)) changed.push(now);
      i++;
      j++;
    }
  }
  return { header, base: previous.revision, resourceCount: resources.length, removed, changed };
}

function sortedByKey(resources: readonly AppliedResource[]): boolean {
  for (let i = 1; i < resources.length; i++) if (!(resources[i - 1].key < resources[i].key)) return false;
  return true;
}

/**
 * `base` with `deltas` (oldest first, each following the previous one) applied; throws naming the
 * revision whose resource count does not come out (a history mixing two lineages).
 */
export function applyDeltas(base: AppliedRevision, deltas: readonly RevisionDelta[]): AppliedRevision {
  if (deltas.length === 0) return base;
  const resources = new Map(base.resources.map((r) => [r.key, r]));
  for (const delta of deltas) {
    for (const key of delta.removed) resources.delete(key);
    for (const resource of delta.changed) resources.set(resource.key, resource);
    if (resources.size !== delta.resourceCount) throw new DeltaMismatchError(delta.header.revision, delta.resourceCount, resources.size);
  }
  const last = deltas[deltas.length - 1];
  const sorted = [...resources.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { ...last.header, resources: sorted };
}

export class DeltaMismatchError extends Error {
  constructor(
    readonly revision: number,
    expected: number,
    actual: number,
  ) {
    super(`applied to the revisions before it, it gives ${actual} resources where it recorded ${expected}`);
  }
}
