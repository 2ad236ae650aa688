// What the state store keeps per environment: the applied revision (with the metadata App Mesh
// would have returned for every resource) and its history.
import { Identity } from '../../provider/model/identity';
import { ResourceDocument } from '../../provider/model/resource';
import { PlanSummary } from '../plan/plan-types';
import type { ServedSettings } from '../plan/served-settings';

/** `metadata` of `aws appmesh describe-*` output (resource-model.md §1.4). */
export interface ResourceMetadata {
  arn: string;
  /** UUID, stable for the life of the resource (a delete and re-create gets a new one). */
  uid: string;
  /** 1 at creation, incremented on every update. */
  version: number;
  /** ISO-8601 timestamps. */
  createdAt: string;
  lastUpdatedAt: string;
  meshOwner: string;
  resourceOwner: string;
}

export interface AppliedResource {
  key: string;
  identity: Identity;
  /** The create-input as applied: kind, identity members, meshOwner, spec, tags. */
  doc: ResourceDocument;
  metadata: ResourceMetadata;
  status: { status: 'ACTIVE' };
}

export type RevisionAction = 'apply' | 'rollback';

export interface AppliedRevision {
  environment: string;
  /** 1, 2, 3, … in the order applied; never reused. */
  revision: number;
  /** Git commit the desired state came from; null when not from a Git repository. */
  commit: string | null;
  action: RevisionAction;
  /** For a rollback: the revision whose resources were applied again. */
  rollbackTo?: number;
  appliedAt: string;
  /**
   * The environment settings it was validated, translated and served with (a rollback restores
   * them); revisions written before defaultRetryPolicy/validation/quotas/discovery were recorded
   * have only account, region and partition.
   */
  settings: { account: string; region: string; partition: string } & Partial<Omit<ServedSettings, 'account' | 'region' | 'partition'>>;
  /** Who applied it: `user@host (pid n)`. */
  appliedBy: string;
  summary: PlanSummary;
  resources: AppliedResource[];
}

/** One line of `meshplane history`. */
export interface HistoryEntry {
  revision: number;
  commit: string | null;
  action: RevisionAction;
  rollbackTo?: number;
  appliedAt: string;
  appliedBy: string;
  summary: PlanSummary;
  resourceCount: number;
}

/** The revision's fields besides its resources (what a history delta records as is). */
export type RevisionHeader = Omit<AppliedRevision, 'resources'>;

export function historyEntryOf(revision: AppliedRevision): HistoryEntry {
  return historyEntryOfHeader(revision, revision.resources.length);
}

export function historyEntryOfHeader(revision: RevisionHeader, resourceCount: number): HistoryEntry {
  const entry: HistoryEntry = {
    revision: revision.revision,
    commit: revision.commit,
    action: revision.action,
    appliedAt: revision.appliedAt,
    appliedBy: revision.appliedBy,
    summary: revision.summary,
    resourceCount,
  };
  if (revision.rollbackTo !== undefined) entry.rollbackTo = revision.rollbackTo;
  return entry;
}

/** Who holds an environment's lock. */
export interface LockHolder {
  pid: number;
  host: string;
  /** What it is doing, e.g. `meshplane apply`. */
  operation: string;
  since: string;
  /** Random, so a holder only ever releases its own lock. */
  token: string;
}
