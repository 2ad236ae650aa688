// The metadata the API answers for a resource of the Git head, which may be ahead of the applied
// revision (read-your-writes: a Describe right after a Create must find it). Where each fact comes
// from, so that a restarted daemon answers the same:
// - applied, unchanged since: the applied revision's metadata (the state store keeps it);
// - applied, changed in Git since: the applied metadata, version + 1, lastUpdatedAt = the head
//   commit's committer time (the apply that follows bumps the version the same way);
// - not applied yet: version 1, createdAt = lastUpdatedAt = the head commit's committer time, and
//   the uid the next revision will give it (resourceUid of the applied revision + 1).
import { arnOf } from '../../provider/model/identity';
import { EnvironmentConfig } from '../../provider/environment/environment-config';
import { diffValues } from '../plan/diff';
import { PlanResource } from '../plan/plan-types';
import { AppliedResource, AppliedRevision, ResourceMetadata, storedDocument } from '../state';
import { resourceUid } from '../state/resource-uid';

export interface HeadContext {
  config: EnvironmentConfig;
  applied: AppliedRevision | undefined;
  /** ISO-8601 committer time of the head commit. */
  committedAt: string;
}

export function headResource(resource: PlanResource, appliedByKey: ReadonlyMap<string, AppliedResource>, context: HeadContext): AppliedResource {
  const { config, applied, committedAt } = context;
  const doc = storedDocument(resource);
  const before = appliedByKey.get(resource.key);
  const meshOwner = resource.identity.kind === 'Mesh' ? config.account : (resource.doc.meshOwner ?? config.account);
  let metadata: ResourceMetadata;
  if (before && before.metadata.meshOwner === meshOwner) {
    const changed = diffValues(before.doc, doc).length > 0;
    metadata = changed ? { ...before.metadata, version: before.metadata.version + 1, lastUpdatedAt: committedAt } : before.metadata;
  } else {
    metadata = {
      arn: arnOf(resource.identity, config),
      uid: resourceUid(config.name, resource.key, (applied?.revision ?? 0) + 1),
      version: 1,
      createdAt: committedAt,
      lastUpdatedAt: committedAt,
      meshOwner,
      resourceOwner: config.account,
    };
  }
  return { key: resource.key, identity: resource.identity, doc, metadata, status: { status: 'ACTIVE' } };
}
