// The references one resource makes to others (resource-model.md §11.1, R1–R8), and a reverse
// index over a whole set of resources: who refers to this key, through which field.
import { identityKey, Identity } from '../../provider/model/identity';
import { KIND_INFO } from '../../provider/model/kinds';
import { asArray, asObject, asString } from '../../provider/rules/values';
import { PlanResource } from './plan-types';

/** mesh/parent/provider/target block the deletion of what they name (§11.3); backend does not. */
export type Relation = 'mesh' | 'parent' | 'provider' | 'target' | 'backend';

export interface Reference {
  to: string;
  relation: Relation;
  /** JSON pointer of the referring field in the document. */
  pointer: string;
}

const ROUTE_TYPES = ['httpRoute', 'http2Route', 'grpcRoute', 'tcpRoute'];

function key(kind: Identity['kind'], meshName: string, name: string, parentName?: string): string {
  return identityKey({ kind, meshName, name, parentName });
}

/** A backend is a virtual service name, or the ARN of a virtual service of the same mesh. */
function backendServiceName(reference: string): string {
  const match = /^arn:[^:]+:appmesh:[^:]*:[^:]*:mesh\/[^/]+\/virtualService\/(.+)$/.exec(reference);
  return match ? match[1] : reference;
}

export function referencesOf(resource: PlanResource): Reference[] {
  const { identity, doc } = resource;
  const mesh = identity.meshName;
  const spec = asObject(doc.spec);
  const out: Reference[] = [];
  if (identity.kind !== 'Mesh') out.push({ to: key('Mesh', mesh, mesh), relation: 'mesh', pointer: '/meshName' });
  const parentKind = KIND_INFO[identity.kind].parentKind;
  if (parentKind) out.push({ to: key(parentKind, mesh, identity.parentName!), relation: 'parent', pointer: `/${KIND_INFO[identity.kind].identityKeys[1]}` });
  switch (identity.kind) {
    case 'VirtualService': {
      const provider = asObject(spec?.provider);
      const node = asString(asObject(provider?.virtualNode)?.virtualNodeName);
      const router = asString(asObject(provider?.virtualRouter)?.virtualRouterName);
      if (node !== undefined) out.push({ to: key('VirtualNode', mesh, node), relation: 'provider', pointer: '/spec/provider/virtualNode/virtualNodeName' });
      if (router !== undefined) out.push({ to: key('VirtualRouter', mesh, router), relation: 'provider', pointer: '/spec/provider/virtualRouter/virtualRouterName' });
      break;
    }
    case 'Route':
      for (const type of ROUTE_TYPES) {
        asArray(asObject(asObject(spec?.[type])?.action)?.weightedTargets).forEach((target, i) => {
          const node = asString(asObject(target)?.virtualNode);
          if (node !== undefined) out.push({ to: key('VirtualNode', mesh, node), relation: 'target', pointer: `/spec/${type}/action/weightedTargets/${i}/virtualNode` });
        });
      }
      break;
    case 'GatewayRoute':
      for (const type of ROUTE_TYPES) {
        const service = asString(asObject(asObject(asObject(asObject(spec?.[type])?.action)?.target)?.virtualService)?.virtualServiceName);
        if (service !== undefined) out.push({ to: key('VirtualService', mesh, service), relation: 'target', pointer: `/spec/${type}/action/target/virtualService/virtualServiceName` });
      }
      break;
    case 'VirtualNode':
      asArray(spec?.backends).forEach((backend, i) => {
        const service = asString(asObject(asObject(backend)?.virtualService)?.virtualServiceName);
        if (service !== undefined) out.push({ to: key('VirtualService', mesh, backendServiceName(service)), relation: 'backend', pointer: `/spec/backends/${i}/virtualService/virtualServiceName` });
      });
      break;
    default:
      break;
  }
  return out;
}

export interface Referrer {
  from: PlanResource;
  relation: Relation;
  pointer: string;
}

/** Reverse references of one set of resources, built once per plan. */
export class ReferenceIndex {
  readonly byKey = new Map<string, PlanResource>();
  private readonly referrers = new Map<string, Referrer[]>();
  private readonly references = new Map<string, Reference[]>();

  constructor(resources: readonly PlanResource[]) {
    for (const resource of resources) {
      this.byKey.set(resource.key, resource);
      const refs = referencesOf(resource);
      this.references.set(resource.key, refs);
      for (const ref of refs) {
        const list = this.referrers.get(ref.to) ?? [];
        list.push({ from: resource, relation: ref.relation, pointer: ref.pointer });
        this.referrers.set(ref.to, list);
      }
    }
  }

  referrersOf(targetKey: string, relations?: readonly Relation[]): Referrer[] {
    const list = this.referrers.get(targetKey) ?? [];
    return relations ? list.filter((r) => relations.includes(r.relation)) : list;
  }

  referencesFrom(resourceKey: string): Reference[] {
    return this.references.get(resourceKey) ?? [];
  }
}
