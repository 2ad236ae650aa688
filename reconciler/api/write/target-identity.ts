// The API's way of naming a resource (kind, mesh, name, parent member) in the repository's terms:
// its identity key and the identity members a document carries.
import { describeIdentity, Identity, identityKey } from '../../../provider/model/identity';
import { KIND_INFO } from '../../../provider/model/kinds';
import { ApiResourceIdentity } from './api-mutation';

export function identityOfTarget(target: ApiResourceIdentity): Identity {
  const parentName = target.kind === 'Route' ? target.virtualRouterName : target.kind === 'GatewayRoute' ? target.virtualGatewayName : undefined;
  return { kind: target.kind, meshName: target.meshName, name: target.kind === 'Mesh' ? target.meshName : target.name, parentName: parentName ?? (KIND_INFO[target.kind].parentKind ? '' : undefined) };
}

export function targetKey(target: ApiResourceIdentity): string {
  return identityKey(identityOfTarget(target));
}

export function describeTarget(target: ApiResourceIdentity): string {
  return describeIdentity(identityOfTarget(target));
}

/** `meshName`, the parent's member (routes, gateway routes) and the name member, in API order. */
export function identityMembers(identity: Identity): Record<string, string> {
  const info = KIND_INFO[identity.kind];
  const members: Record<string, string> = { meshName: identity.meshName };
  if (info.parentKind) members[info.identityKeys[1]] = identity.parentName ?? '';
  members[info.nameKey] = identity.name;
  return members;
}

/** `apps/serviceB/serviceB-route`: the resource as commit messages name it (mesh, parent, name). */
export function resourcePathLabel(identity: Identity): string {
  if (identity.kind === 'Mesh') return identity.meshName;
  return [identity.meshName, identity.parentName, identity.name].filter((part) => part !== undefined).join('/');
}
