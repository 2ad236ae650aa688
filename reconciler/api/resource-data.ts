// A resource as App Mesh's describe-* operations return it (VirtualNodeData, RouteData, …):
// identity members, metadata, spec, status. Shared by the App Mesh API (which writes the
// timestamps as epoch seconds) and `meshplane describe` (which prints them as the AWS CLI does),
// and the list-* reference (VirtualNodeRef, …) made of the same facts.
import { KIND_INFO } from '../../provider/model/kinds';
import { AppliedResource } from '../state';

export type ResourceStatusCode = 'ACTIVE' | 'INACTIVE' | 'DELETED';

/** `{meshName, virtualNodeName, metadata, spec, status}` with ISO-8601 timestamps. */
export function resourceData(resource: AppliedResource, status: ResourceStatusCode = resource.status.status): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const key of KIND_INFO[resource.identity.kind].identityKeys) data[key] = resource.doc[key];
  data.metadata = { ...resource.metadata };
  data.spec = resource.doc.spec ?? {};
  data.status = { status };
  return data;
}

/** The list-* entry: identity members and the metadata facts (no uid). */
export function resourceRef(resource: AppliedResource): Record<string, unknown> {
  const ref: Record<string, unknown> = {};
  for (const key of KIND_INFO[resource.identity.kind].identityKeys) ref[key] = resource.doc[key];
  const { uid: _uid, ...facts } = resource.metadata;
  return { ...ref, ...facts };
}
