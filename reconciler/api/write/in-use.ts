// ResourceInUseException as App Mesh answered it (resource-model §11.3): a mesh with resources in
// it, a router with routes or named as a provider, a node that is a route target or a provider, a
// virtual service a gateway route targets, a gateway with gateway routes. A backend does not block.
import { describeIdentity } from '../../../provider/model/identity';
import { Resource } from '../../../provider/model/resource';
import { BLOCKING_RELATIONS, listBlockers } from '../../plan/deletion-blocking';
import { ReferenceIndex } from '../../plan/references';
import { ApiWriteFailure, refuse } from './api-failure';

export function deletionInUse(deleted: Resource, remaining: readonly Resource[]): ApiWriteFailure | undefined {
  const blockers = new ReferenceIndex(remaining).referrersOf(deleted.key, BLOCKING_RELATIONS);
  if (blockers.length === 0) return undefined;
  const what = describeIdentity(deleted.identity);
  return refuse('ResourceInUseException', `${what} is in use: ${listBlockers(blockers)}. Delete or change those first.`);
}
