// The revision an apply commits: every desired resource with the metadata App Mesh would return
// (ARN, a uid kept for the resource's life, a version bumped on every update, timestamps, owners).
import * as os from 'node:os';
import { arnOf } from '../../provider/model/identity';
import { KIND_INFO } from '../../provider/model/kinds';
import { ResourceDocument } from '../../provider/model/resource';
import { Plan, PlanResource, ResourceChange } from '../plan/plan-types';
import { EnvironmentSettings, servedSettings } from '../plan/served-settings';
import { resourceUid } from './resource-uid';
import { AppliedResource, AppliedRevision, RevisionAction } from './state-types';

export interface NextRevisionInput {
  previous: AppliedRevision | undefined;
  plan: Plan;
  desired: readonly PlanResource[];
  config: EnvironmentSettings;
  commit: string | null;
  action: RevisionAction;
  rollbackTo?: number;
  now: Date;
}

/** The create-input App Mesh keeps: kind, identity members, meshOwner, spec (`{}` when absent), tags. */
export function storedDocument(resource: PlanResource): ResourceDocument {
  const { doc, identity } = resource;
  const stored: Record<string, unknown> = { kind: identity.kind };
  for (const key of KIND_INFO[identity.kind].identityKeys) stored[key] = doc[key];
  if (doc.meshOwner !== undefined && identity.kind !== 'Mesh') stored.meshOwner = doc.meshOwner;
  stored.spec = doc.spec ?? {};
  if (doc.tags !== undefined) stored.tags = doc.tags;
  return stored as ResourceDocument;
}

export function appliedBy(): string {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    // No passwd entry (some containers): keep "unknown".
  }
  return `${user}@${os.hostname()} (pid ${process.pid})`;
}

/**
 * Only the identities the plan changes get new entries; every other resource keeps its applied
 * object (the same AppliedResource, so the planner's and the store's per-object caches keep
 * hitting). The plan was computed from `desired` against `previous`, so previous − deleted +
 * created/updated/replaced is exactly the desired set.
 */
export function nextRevision(input: NextRevisionInput): AppliedRevision {
  const { previous, plan, config, now } = input;
  const timestamp = now.toISOString();
  const revisionNumber = (previous?.revision ?? 0) + 1;
  const removed = new Set<string>();
  const changed = new Map<string, ResourceChange>();
  for (const change of plan.changes) {
    if (change.action === 'delete') removed.add(change.key);
    else if (change.action === 'replace' && change.before!.key !== change.after!.key) {
      removed.add(change.before!.key);
      changed.set(change.after!.key, change);
    } else changed.set(change.key, change);
  }
  const kept: AppliedResource[] = [];
  const replaced = new Map<string, AppliedResource>();
  for (const old of previous?.resources ?? []) {
    if (removed.has(old.key)) continue;
    if (changed.has(old.key)) {
      replaced.set(old.key, old);
      continue;
    }
    // Unchanged, but meshOwner follows the environment's account (a settings change).
    const meshOwner = old.identity.kind === 'Mesh' ? config.account : (old.doc.meshOwner ?? config.account);
    kept.push(old.metadata.meshOwner === meshOwner ? old : { ...old, metadata: { ...old.metadata, meshOwner } });
  }
  const made = [...changed.values()]
    .map((change) => appliedResource(change.after!, change.action === 'update' ? replaced.get(change.key) : undefined, { config, timestamp, revisionNumber }))
    .sort(byKey);
  const resources = mergeByKey(kept, made);
  if (resources.length !== input.desired.length) {
    throw new Error(`internal: the plan does not lead from revision ${previous?.revision ?? 0} to the desired ${input.desired.length} resources (got ${resources.length})`);
  }
  const revision: AppliedRevision = {
    environment: config.name,
    revision: revisionNumber,
    commit: input.commit,
    action: input.action,
    appliedAt: timestamp,
    settings: servedSettings(config),
    appliedBy: appliedBy(),
    summary: { ...plan.summary },
    resources,
  };
  if (input.rollbackTo !== undefined) revision.rollbackTo = input.rollbackTo;
  return revision;
}

/** A created resource (no `old`: new uid, version 1) or an updated one (version + 1). */
function appliedResource(
  resource: PlanResource,
  old: AppliedResource | undefined,
  at: { config: EnvironmentSettings; timestamp: string; revisionNumber: number },
): AppliedResource {
  const { config, timestamp } = at;
  const meshOwner = resource.identity.kind === 'Mesh' ? config.account : (resource.doc.meshOwner ?? config.account);
  const metadata = old
    ? { ...old.metadata, meshOwner, version: old.metadata.version + 1, lastUpdatedAt: timestamp }
    : {
        arn: arnOf(resource.identity, { partition: config.partition, region: config.region, account: config.account }),
        uid: resourceUid(config.name, resource.key, at.revisionNumber),
        version: 1,
        createdAt: timestamp,
        lastUpdatedAt: timestamp,
        meshOwner,
        resourceOwner: config.account,
      };
  const { kind, meshName, name, parentName } = resource.identity;
  // As it will read back from JSON: no undefined members.
  const identity = parentName === undefined ? { kind, meshName, name } : { kind, meshName, name, parentName };
  return { key: resource.key, identity, doc: storedDocument(resource), metadata, status: { status: 'ACTIVE' as const } };
}

function byKey(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** Two lists sorted by key (no key in both) as one sorted list. */
function mergeByKey(a: readonly AppliedResource[], b: readonly AppliedResource[]): AppliedResource[] {
  const merged: AppliedResource[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && byKey(a[i], b[j]) < 0)) merged.push(a[i++]);
    else merged.push(b[j++]);
  }
  return merged;
}
