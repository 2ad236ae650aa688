// Identities of resources: the stable key used everywhere (maps, state, plans) and ARNs.
import { KIND_INFO, Kind } from './kinds';

/** Identity tuple of a resource: kind plus its identity members in ARN order. */
export interface Identity {
  kind: Kind;
  meshName: string;
  /** Own name (equal to meshName for a Mesh). */
  name: string;
  /** Parent router or gateway name for Route and GatewayRoute. */
  parentName?: string;
}

/** Stable string key, e.g. `Route/apps/serviceB/serviceB-default`. */
export function identityKey(id: Identity): string {
  if (id.kind === 'Mesh') return `Mesh/${id.meshName}`;
  return id.parentName !== undefined
    ? `${id.kind}/${id.meshName}/${id.parentName}/${id.name}`
    : `${id.kind}/${id.meshName}/${id.name}`;
}

/** Reads the identity members of a document of a known kind; undefined when any is missing or not a string. */
export function identityOf(kind: Kind, doc: Record<string, unknown>): Identity | undefined {
  const info = KIND_INFO[kind];
  const values = info.identityKeys.map((key) => doc[key]);
  if (!values.every((v) => typeof v === 'string')) return undefined;
  const [meshName] = values as string[];
  const name = doc[info.nameKey] as string;
  const parentName = info.parentKind ? (values[1] as string) : undefined;
  return { kind, meshName, name, parentName };
}

/** `mesh/apps/virtualRouter/serviceB/route/serviceB-default`: the resource part of an ARN. */
export function arnResourcePath(id: Identity): string {
  const info = KIND_INFO[id.kind];
  if (id.kind === 'Mesh') return `mesh/${id.meshName}`;
  if (info.parentKind) {
    const parentApi = KIND_INFO[info.parentKind].apiName;
    return `mesh/${id.meshName}/${parentApi}/${id.parentName}/${info.apiName}/${id.name}`;
  }
  return `mesh/${id.meshName}/${info.apiName}/${id.name}`;
}

export interface ArnContext {
  partition?: string;
  region: string;
  account: string;
}

export function arnOf(id: Identity, ctx: ArnContext): string {
  return `arn:${ctx.partition ?? 'aws'}:appmesh:${ctx.region}:${ctx.account}:${arnResourcePath(id)}`;
}

/** Human-readable label used in messages: `VirtualNode serviceB (mesh apps)`. */
export function describeIdentity(id: Identity): string {
  if (id.kind === 'Mesh') return `Mesh ${id.meshName}`;
  const parent = id.parentName !== undefined ? ` of ${KIND_INFO[KIND_INFO[id.kind].parentKind!].kind} ${id.parentName}` : '';
  return `${id.kind} ${id.name}${parent} (mesh ${id.meshName})`;
}
