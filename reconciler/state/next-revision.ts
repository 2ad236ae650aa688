// The revision an apply commits: every desired resource with the metadata App Mesh would return
// (ARN, a uid kept for the resource's life, a version bumped on every update, timestamps, owners).
import * as os from 'node:os';
import { arnOf } from '../../provider/model/identity';
import { KIND_INFO } from '../../provider/model/kinds';
import { ResourceDocument } from '../../provider/model/resource';
import { Plan, PlanResource } from '../plan/plan-types';
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

export function nextRevision(input: NextRevisionInput): AppliedRevision {
  const { previous, plan, config, now } = input;
  const timestamp = now.toISOString();
  const revisionNumber = (previous?.revision ?? 0) + 1;
  const before = new Map((previous?.resources ?? []).map((r) => [r.key, r]));
  const updated = new Set(plan.changes.filter((c) => c.action === 'update').map((c) => c.key));
  // A replace that keeps its key (meshOwner changed) is still a new resource with a new uid.
  const recreated = new Set(plan.changes.filter((c) => c.action === 'replace').map((c) => c.key));
  const resources: AppliedResource[] = [...input.desired]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((resource) => {
      const old = recreated.has(resource.key) ? undefined : before.get(resource.key);
      const meshOwner = resource.identity.kind === 'Mesh' ? config.account : (resource.doc.meshOwner ?? config.account);
      const metadata = old
        ? {
            ...old.metadata,
            meshOwner,
            version: updated.has(resource.key) ? old.metadata.version + 1 : old.metadata.version,
            lastUpdatedAt: updated.has(resource.key) ? timestamp : old.metadata.lastUpdatedAt,
          }
        : {
            arn: arnOf(resource.identity, { partition: config.partition, region: config.region, account: config.account }),
            uid: resourceUid(config.name, resource.key, revisionNumber),
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
    });
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
