// The references one resource makes to others (resource-model.md §11.1, R1–R8), and a reverse
// index over a whole set of resources: who refers to this key, through which field.
import { identityKey, Identity } from '../../provider/model/identity';
import { KIND_INFO } from '../../provider/model/kinds';
import { intern } from '../../provider/load/intern';
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

// Interned: both sides' indexes are kept between commits, and tens of thousands of references
// repeat the same target keys and field pointers.
function key(kind: Identity['kind'], meshName: string, name: string, parentName?: string): string {
  return intern(identityKey({ kind, meshName, name, parentName }));
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
  if (parentKind) out.push({ to: key(parentKind, mesh, identity.parentName!), relation: 'parent', pointer: intern(`/${KIND_INFO[identity.kind].identityKeys[1]}`) });
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
          if (node !== undefined) out.push({ to: key('VirtualNode', mesh, node), relation: 'target', pointer: intern(`/spec/${type}/action/weightedTargets/${i}/virtualNode`) });
        });
      }
      break;
    case 'GatewayRoute':
      for (const type of ROUTE_TYPES) {
        const service = asString(asObject(asObject(asObject(asObject(spec?.[type])?.action)?.target)?.virtualService)?.virtualServiceName);
        if (service !== undefined) out.push({ to: key('VirtualService', mesh, service), relation: 'target', pointer: intern(`/spec/${type}/action/target/virtualService/virtualServiceName`) });
      }
      break;
    case 'VirtualNode':
      asArray(spec?.backends).forEach((backend, i) => {
        const service = asString(asObject(asObject(backend)?.virtualService)?.virtualServiceName);
        if (service !== undefined) out.push({ to: key('VirtualService', mesh, backendServiceName(service)), relation: 'backend', pointer: intern(`/spec/backends/${i}/virtualService/virtualServiceName`) });
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

/** One indexed resource and its references (a referrer is made from them when asked for). */
interface Indexed {
  resource: PlanResource;
  references: Reference[];
  /** The last advance() that found this resource's key in its list (tells removed keys from kept ones). */
  seen: number;
}

/**
 * Reverse references of one set of resources. Built from scratch, or kept between commits and
 * advanced to the next set of resources: an advance re-reads only resources that are not the very
 * same objects as before (the loader hands back unchanged files' Resource objects, the state store
 * the applied revision's), so it costs what changed, not what the set holds.
 */
export class ReferenceIndex {
  private readonly indexed = new Map<string, Indexed>();
  /** Per target key, the resources referring to it (once each, however many of their fields do). */
  private readonly referrers = new Map<string, Set<Indexed>>();
  private resources: readonly PlanResource[] = [];
  /** Whether every referrer set is in list order (true after a build from scratch). */
  private inListOrder = true;
  /** Position of each resource in the list, made when an ordered answer needs it. */
  private positions: Map<PlanResource, number> | undefined;
  /** Two resources of one key (an invalid set): advances rebuild, as a full build is the reference. */
  private duplicates = false;
  private generation = 0;

  constructor(resources: readonly PlanResource[]) {
    this.build(resources);
  }

  /**
   * Moves the index to another list of resources and returns the keys whose resource changed
   * (added, removed, or another object): what a plan must look at again.
   */
  advance(resources: readonly PlanResource[]): Set<string> {
    const changed = this.changedResources(resources);
    if (!changed) {
      const touched = new Set([...this.indexed.keys(), ...resources.map((r) => r.key)]);
      this.build(resources);
      return touched;
    }
    const touched = new Set<string>();
    for (const key of changed.removed) {
      this.remove(key);
      touched.add(key);
    }
    for (const resource of changed.replaced) {
      this.remove(resource.key);
      this.add(resource);
      touched.add(resource.key);
    }
    if (!changed.sameList) this.inListOrder = false;
    this.resources = resources;
    this.positions = undefined;
    return touched;
  }

  /** What differs from the indexed list; undefined when either list has a key twice (rebuild). */
  private changedResources(resources: readonly PlanResource[]): { removed: string[]; replaced: PlanResource[]; sameList: boolean } | undefined {
    if (this.duplicates) return undefined;
    const generation = ++this.generation;
    const replaced: PlanResource[] = [];
    const newKeys = new Set<string>();
    let kept = 0;
    let sameList = resources.length === this.resources.length;
    for (let i = 0; i < resources.length; i++) {
      const resource = resources[i];
      if (sameList && resource !== this.resources[i]) sameList = false;
      const entry = this.indexed.get(resource.key);
      if (entry) {
        if (entry.seen === generation) return undefined;
        entry.seen = generation;
        kept++;
        if (entry.resource !== resource) replaced.push(resource);
      } else {
        if (newKeys.has(resource.key)) return undefined;
        newKeys.add(resource.key);
        replaced.push(resource);
      }
    }
    const removed: string[] = [];
    if (kept < this.indexed.size) for (const [key, entry] of this.indexed) if (entry.seen !== generation) removed.push(key);
    return { removed, replaced, sameList };
  }

  private build(resources: readonly PlanResource[]): void {
    this.indexed.clear();
    this.referrers.clear();
    this.duplicates = false;
    for (const resource of resources) {
      if (this.indexed.has(resource.key)) this.duplicates = true;
      this.add(resource);
    }
    this.resources = resources;
    this.positions = undefined;
    this.inListOrder = true;
  }

  /** Indexes a resource; of two resources of one key, the last is the one its key finds, both refer (never removed: advances rebuild). */
  private add(resource: PlanResource): void {
    // A copy of its own length: an array grown by push keeps room for 17 (both sides' indexes
    // are kept between commits, one array per resource).
    const references = referencesOf(resource).slice();
    const entry: Indexed = { resource, references, seen: 0 };
    for (const ref of references) {
      const set = this.referrers.get(ref.to);
      if (set) set.add(entry);
      else this.referrers.set(ref.to, new Set([entry]));
    }
    this.indexed.set(resource.key, entry);
  }

  private remove(key: string): void {
    const entry = this.indexed.get(key);
    if (!entry) return;
    for (const { to } of entry.references) {
      const set = this.referrers.get(to);
      set?.delete(entry);
      if (set?.size === 0) this.referrers.delete(to);
    }
    this.indexed.delete(key);
  }

  /** Whether two resources of the list have one key (an invalid desired state). */
  hasDuplicates(): boolean {
    return this.duplicates;
  }

  resource(key: string): PlanResource | undefined {
    return this.indexed.get(key)?.resource;
  }

  has(key: string): boolean {
    return this.indexed.has(key);
  }

  keys(): IterableIterator<string> {
    return this.indexed.keys();
  }

  /** Where a resource is in the indexed list (for answers in list order). */
  position(resource: PlanResource): number {
    if (!this.positions) this.positions = new Map(this.resources.map((r, i) => [r, i]));
    return this.positions.get(resource) ?? -1;
  }

  /** Who refers to a key, in the order of the resources list (what diagnostics show first). */
  referrersOf(targetKey: string, relations?: readonly Relation[]): Referrer[] {
    const found = this.referrersInAnyOrder(targetKey, relations);
    if (!this.inListOrder && found.length > 1) found.sort((a, b) => this.position(a.from) - this.position(b.from));
    return found;
  }

  /** Who refers to a key, in no particular order (for questions whose answer is a set). */
  referrersInAnyOrder(targetKey: string, relations?: readonly Relation[]): Referrer[] {
    const found: Referrer[] = [];
    for (const { resource, references } of this.referrers.get(targetKey) ?? []) {
      for (const { to, relation, pointer } of references) {
        if (to === targetKey && (!relations || relations.includes(relation))) found.push({ from: resource, relation, pointer });
      }
    }
    return found;
  }

  referencesFrom(resourceKey: string): Reference[] {
    return this.indexed.get(resourceKey)?.references ?? [];
  }
}
