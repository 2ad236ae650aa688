// §11.3: a deletion that would leave the desired state referring to what is deleted is a plan
// error (App Mesh would answer ResourceInUseException half-way through an apply).
import { Diagnostic } from '../../provider/model/diagnostic';
import { describeIdentity } from '../../provider/model/identity';
import { Kind } from '../../provider/model/kinds';
import { PlanResource } from './plan-types';
import { ReferenceIndex, Referrer } from './references';

/** The rule each kind's deletion-blocking cites; VirtualNode has no ID of its own in the spec. */
const RULE: Record<Kind, string> = {
  Mesh: 'MESH-5',
  VirtualRouter: 'VR-3',
  VirtualNode: 'PLAN-IN-USE',
  VirtualService: 'VS-3',
  VirtualGateway: 'VG-5',
  Route: 'PLAN-IN-USE',
  GatewayRoute: 'PLAN-IN-USE',
};

const VERB: Record<Referrer['relation'], string> = {
  mesh: 'lives in',
  parent: 'belongs to',
  provider: 'names as its provider',
  target: 'targets',
  backend: 'lists as a backend',
};

const SHOWN_BLOCKERS = 5;

/** References that make App Mesh refuse a delete (§11.3); a backend does not. */
export const BLOCKING_RELATIONS = ['mesh', 'parent', 'provider', 'target'] as const;

export function deletionDiagnostics(deleted: readonly PlanResource[], desired: ReferenceIndex): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const resource of deleted) {
    const blockers = desired.referrersOf(resource.key, BLOCKING_RELATIONS);
    if (blockers.length > 0) {
      out.push(blockedDeletion(resource, blockers));
      continue;
    }
    const backendUsers = desired.referrersOf(resource.key, ['backend']);
    if (backendUsers.length > 0) out.push(lostBackend(resource, backendUsers));
  }
  return out;
}

function located(referrer: Referrer): Pick<Diagnostic, 'file' | 'line' | 'column' | 'pointer'> {
  const source = referrer.from.source;
  if (!source) return { file: '', line: 0, column: 0, pointer: referrer.pointer };
  return { file: source.file, ...source.locate(referrer.pointer), pointer: referrer.pointer };
}

/** `Route a of VirtualRouter r (mesh m) targets it; …`, the first few referrers of a resource. */
export function listBlockers(blockers: readonly Referrer[]): string {
  const shown = blockers.slice(0, SHOWN_BLOCKERS).map((b) => `${describeIdentity(b.from.identity)} ${VERB[b.relation]} it`);
  const more = blockers.length - shown.length;
  return shown.join('; ') + (more > 0 ? `; and ${more} more` : '');
}

function blockedDeletion(resource: PlanResource, blockers: readonly Referrer[]): Diagnostic {
  const what = describeIdentity(resource.identity);
  return {
    code: RULE[resource.identity.kind],
    severity: 'error',
    message:
      `${what} would be deleted, but it is still in use: ${listBlockers(blockers)}. ` +
      `App Mesh refuses to delete a resource in use (§11.3). Remove or change these references in the same commit, or keep ${what}.`,
    ...located(blockers[0]),
  };
}

function lostBackend(resource: PlanResource, users: readonly Referrer[]): Diagnostic {
  const what = describeIdentity(resource.identity);
  return {
    code: 'A-6',
    severity: 'warning',
    message: `${what} will be deleted while ${listBlockers(users)}; those proxies lose that egress route. Remove the backend entries if this is intended.`,
    ...located(users[0]),
  };
}
