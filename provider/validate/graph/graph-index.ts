// Indexes the graph rules share, built once per validation so every rule stays linear:
// resources per kind and mesh, listeners per resource, providers and the node listeners a
// virtual service finally reaches. Every lookup of another resource goes through it, so what
// one owner's rules read can be recorded (incremental validation, GraphFindingsCache).
import { Kind } from '../../model/kinds';
import { identityKey } from '../../model/identity';
import { MeshModel } from '../../model/mesh-model';
import { Resource } from '../../model/resource';
import { ListenerView, listenersOf } from '../../rules/listener';
import { NameGroups } from './name-groups';
import { routeBodyOf } from '../../rules/route-types';
import { asArray, asNumber, asObject, asString, objectAt } from '../../rules/values';

/** One listener of a virtual node that traffic for a virtual service can end up on. */
export interface Endpoint {
  node: Resource;
  listener: ListenerView;
}

// `arn:aws:appmesh:us-west-2:111122223333:mesh/apps/virtualService/serviceb.apps.local` (§1.3).
const SERVICE_ARN = /^arn:[^:]+:appmesh:[^:]*:[^:]*:mesh\/([^/]+)\/virtualService\/([^/]+)$/;

export interface ServiceReference {
  meshName: string;
  name: string;
}

/** A backend names its virtual service by name or by full ARN; undefined for a malformed ARN. */
export function parseServiceReference(meshName: string, reference: string): ServiceReference | undefined {
  if (!reference.startsWith('arn:')) return { meshName, name: reference };
  const match = SERVICE_ARN.exec(reference);
  return match ? { meshName: match[1], name: match[2] } : undefined;
}

/**
 * What a rule read, as tokens: a resource key (whatever is defined there, or nothing), the
 * children of a parent key, the resources of a kind in a mesh, the meshes. GraphFindingsCache
 * re-runs a rule's owner only when something it read changed.
 */
export const childrenToken = (parentKey: string): string => `children\0${parentKey}`;
export const kindInMeshToken = (kind: Kind, meshName: string): string => `in-mesh\0${kind}/${meshName}`;
export const MESHES_TOKEN = 'meshes';
export const foldedKeyToken = (folded: string): string => `folded\0${folded}`;
export const gatewayRouteNameToken = (name: string): string => `gateway-route-name\0${name}`;

export class GraphIndex {
  private readonly byMesh = new Map<Kind, Map<string, Resource[]>>();
  private readonly listenerCache = new Map<Resource, ListenerView[]>();
  private readonly endpointCache = new Map<Resource, { endpoints: Endpoint[]; reads: Set<string> }>();
  /** Where lookups record their tokens while one owner's rules run (undefined: not recorded). */
  private reads: Set<string> | undefined;

  /** `names`: kept from the previous revision (GraphFindingsCache); else built when first needed. */
  constructor(
    private readonly model: MeshModel,
    private names?: NameGroups,
  ) {}

  get resources(): readonly Resource[] {
    return this.model.resources;
  }

  /** Records every lookup in `reads` until the next call (undefined stops recording). */
  record(reads: Set<string> | undefined): void {
    this.reads = reads;
  }

  /** The first resource of this identity (what App Mesh would resolve a name to). */
  get(kind: Kind, meshName: string, name: string): Resource | undefined {
    const key = identityKey({ kind, meshName, name });
    const found = this.model.getByKey(key);
    this.reads?.add(found?.key ?? key); // the resource's own string: kept reads share it
    return found;
  }

  /** Every definition of a key (several when it is defined twice, ID-5). */
  all(key: string): readonly Resource[] {
    this.reads?.add(key);
    return this.model.allByKey(key);
  }

  /** Routes of the router, or gateway routes of the gateway, of this key. */
  childrenOf(parentKey: string): readonly Resource[] {
    this.reads?.add(childrenToken(parentKey));
    return this.model.childrenOfKey(parentKey);
  }

  /** Resources of a kind in one mesh, in repository order. */
  inMesh(kind: Kind, meshName: string): readonly Resource[] {
    this.reads?.add(kindInMeshToken(kind, meshName));
    return this.meshesOf(kind).get(meshName) ?? [];
  }

  /** How many resources of a kind the model has, in every mesh (for groups: not recorded). */
  countOf(kind: Kind): number {
    return this.model.list(kind).length;
  }

  /** Every mesh, grouped by name (duplicates together). */
  meshes(): Resource[] {
    this.reads?.add(MESHES_TOKEN);
    return [...this.meshesOf('Mesh').values()].flat();
  }

  /** Every mesh, in repository order. */
  allMeshes(): readonly Resource[] {
    this.reads?.add(MESHES_TOKEN);
    return this.model.list('Mesh');
  }

  /** Resources whose key differs from `folded` only in case (foldedKey), in repository order. */
  sameFoldedKey(folded: string): readonly Resource[] {
    this.reads?.add(foldedKeyToken(folded));
    this.names ??= NameGroups.of(this.model);
    return this.names.sameFoldedKey(folded);
  }

  /** Gateway routes of one mesh-wide name (meshWideName), in repository order. */
  gatewayRoutesNamed(name: string): readonly Resource[] {
    this.reads?.add(gatewayRouteNameToken(name));
    this.names ??= NameGroups.of(this.model);
    return this.names.gatewayRoutesNamed(name);
  }

  /** Resources of one kind by mesh (a pass over that kind only, when first needed). */
  private meshesOf(kind: Kind): Map<string, Resource[]> {
    let byMesh = this.byMesh.get(kind);
    if (!byMesh) {
      byMesh = new Map();
      for (const resource of this.model.list(kind)) {
        const list = byMesh.get(resource.identity.meshName);
        if (list) list.push(resource);
        else byMesh.set(resource.identity.meshName, [resource]);
      }
      this.byMesh.set(kind, byMesh);
    }
    return byMesh;
  }

  /** Listeners of a resource (its own document: no token). */
  listeners(resource: Resource): readonly ListenerView[] {
    let views = this.listenerCache.get(resource);
    if (!views) {
      views = listenersOf(asObject(resource.doc.spec));
      this.listenerCache.set(resource, views);
    }
    return views;
  }

  /** The virtual service a backend reference (name or same-mesh ARN) designates, if it exists. */
  backendService(node: Resource, reference: unknown): Resource | undefined {
    const name = asString(reference);
    const target = name !== undefined ? parseServiceReference(node.identity.meshName, name) : undefined;
    if (!target || target.meshName !== node.identity.meshName) return undefined;
    return this.get('VirtualService', target.meshName, target.name);
  }

  /** The existing virtual node or router a virtual service names as provider. */
  provider(service: Resource): Resource | undefined {
    const meshName = service.identity.meshName;
    const node = asString(objectAt(service.doc.spec, 'provider', 'virtualNode')?.virtualNodeName);
    if (node !== undefined) return this.get('VirtualNode', meshName, node);
    const router = asString(objectAt(service.doc.spec, 'provider', 'virtualRouter')?.virtualRouterName);
    return router !== undefined ? this.get('VirtualRouter', meshName, router) : undefined;
  }

  /** Node listeners that traffic to `service` reaches: the provider node's, or those its router's routes target. */
  endpoints(service: Resource): readonly Endpoint[] {
    let cached = this.endpointCache.get(service);
    if (!cached) {
      // Computed once per validation, but every owner that uses them read what they were made of.
      const outer = this.reads;
      const reads = new Set<string>();
      this.reads = reads;
      try {
        cached = { endpoints: this.findEndpoints(service), reads };
      } finally {
        this.reads = outer;
      }
      this.endpointCache.set(service, cached);
    }
    if (this.reads) for (const token of cached.reads) this.reads.add(token);
    return cached.endpoints;
  }

  private findEndpoints(service: Resource): Endpoint[] {
    const provider = this.provider(service);
    const endpoints: Endpoint[] = [];
    if (provider?.kind === 'VirtualNode') {
      for (const listener of this.listeners(provider)) endpoints.push({ node: provider, listener });
    } else if (provider?.kind === 'VirtualRouter') {
      const seen = new Set<string>();
      for (const route of this.childrenOf(provider.key)) {
        for (const target of asArray(objectAt(routeBodyOf(route.doc.spec)?.body, 'action')?.weightedTargets)) {
          const nodeName = asString(asObject(target)?.virtualNode);
          const node = nodeName !== undefined ? this.get('VirtualNode', provider.identity.meshName, nodeName) : undefined;
          if (!node) continue;
          const port = asNumber(asObject(target)?.port);
          for (const listener of this.listeners(node)) {
            const key = `${node.key}:${listener.port}`;
            if ((port === undefined || listener.port === port) && !seen.has(key)) {
              seen.add(key);
              endpoints.push({ node, listener });
            }
          }
        }
      }
    }
    return endpoints;
  }
}

/** `8080/http, 9090/grpc`: how messages list a resource's listeners. */
export function describeListeners(listeners: readonly ListenerView[]): string {
  return listeners.map((l) => `${l.port}/${l.protocol}`).join(', ');
}
