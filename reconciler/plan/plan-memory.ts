// What the daemon's planner keeps of one environment between commits, so that a plan costs what
// the commit changed: both sides' reference indexes (advanced by the resources that are not the
// same objects as last time) and how each differing identity differed. The plan it gives is the
// full plan's (test/daemon/incremental-equals-full.test.ts); without a memory, everything is
// compared from scratch (meshplane plan, serve --full-recompute).
import { ChangeAction, PlanResource } from './plan-types';
import { ReferenceIndex } from './references';
import { compareLists, Comparison, identityChange } from './resource-comparison';

export class PlanMemory {
  private desired: ReferenceIndex | undefined;
  private applied: ReferenceIndex | undefined;
  private account: string | undefined;
  /** Identities whose desired and applied resources differed at the last comparison, and how. */
  private readonly differing = new Map<string, ChangeAction>();

  /** The comparison compareResources gives, looking again only at identities whose resources changed. */
  compare(desired: readonly PlanResource[], applied: readonly PlanResource[], account: string): Comparison {
    try {
      return this.advance(desired, applied, account);
    } catch (error) {
      this.forget();
      throw error;
    }
  }

  private advance(desired: readonly PlanResource[], applied: readonly PlanResource[], account: string): Comparison {
    let touched: Iterable<string>;
    if (!this.desired || !this.applied || account !== this.account) {
      this.desired = new ReferenceIndex(desired);
      this.applied = new ReferenceIndex(applied);
      this.account = account;
      this.differing.clear();
      touched = new Set([...this.desired.keys(), ...this.applied.keys()]);
    } else {
      touched = new Set([...this.desired.advance(desired), ...this.applied.advance(applied)]);
    }
    if (this.desired.hasDuplicates()) {
      // An invalid desired state: compared element by element, as the full comparison does.
      this.differing.clear();
      this.account = undefined;
      return compareLists(desired, applied, this.desired, this.applied, account);
    }
    for (const key of touched) {
      const action = identityChange(this.applied.resource(key), this.desired.resource(key), account);
      if (action) this.differing.set(key, action);
      else this.differing.delete(key);
    }
    return this.comparison();
  }

  private comparison(): Comparison {
    const desiredIndex = this.desired!;
    const appliedIndex = this.applied!;
    const comparison: Comparison = { desiredIndex, appliedIndex, sameIdentity: [], created: [], deleted: [] };
    for (const [key, action] of this.differing) {
      if (action === 'create') comparison.created.push(desiredIndex.resource(key)!);
      else if (action === 'delete') comparison.deleted.push(appliedIndex.resource(key)!);
      else comparison.sameIdentity.push({ action, before: appliedIndex.resource(key)!, after: desiredIndex.resource(key)! });
    }
    // Renames and moves pair creates with deletes in list order (ID-2).
    if (comparison.created.length > 0 && comparison.deleted.length > 0) {
      comparison.created.sort((a, b) => desiredIndex.position(a) - desiredIndex.position(b));
      comparison.deleted.sort((a, b) => appliedIndex.position(a) - appliedIndex.position(b));
    }
    return comparison;
  }

  private forget(): void {
    this.desired = undefined;
    this.applied = undefined;
    this.account = undefined;
    this.differing.clear();
  }
}
