// Indexes the graph rules share, built once per validation so every rule stays linear:
// resources per kind and mesh, listeners per resource, providers and the node listeners a
// virtual service finally reaches.
import { Kind } from '../../model/kinds';
import { MeshModel } from '../../model/mesh-model';
import { Resource } from '../../model/resource';
import { ListenerView, listenersOf } from '../../rules/listener';
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

export class GraphIndex {
  private readonly byKindAndMesh = new Map<string, Resource[]>();
  private readonly listenerCache = new Map<string, ListenerView[]>();
  private readonly endpointCache = new Map<string, Endpoint[]>();

  constructor(readonly model: MeshModel) {
    for (const resource of model.resources) {
      const key = `${resource.kind}/${resource.identity.meshName}`;
      const list = this.byKindAndMesh.get(key);
      if (list) list.push(resource);
      else this.byKindAndMesh.set(key, [resource]);
    }
  }

  /** Resources of a kind in one mesh, in repository order. */
  inMesh(kind: Kind, meshName: string): readonly Resource[] {
    return this.byKindAndMesh.get(`${kind}/${meshName}`) ?? [];
  }

  /** Groups of resources of one kind, one group per mesh. */
  *meshGroups(kind: Kind): Iterable<readonly Resource[]> {
    for (const [key, list] of this.byKindAndMesh) if (key.startsWith(`${kind}/`)) yield list;
  }

  listeners(resource: Resource): readonly ListenerView[] {
    let views = this.listenerCache.get(resource.key);
    if (!views) {
      views = listenersOf(asObject(resource.doc.spec));
      this.listenerCache.set(resource.key, views);
    }
    return views;
  }

  /** The virtual service a backend reference (name or same-mesh ARN) designates, if it exists. */
  backendService(node: Resource, reference: unknown): Resource | undefined {
    const name = asString(reference);
    const target = name !== undefined ? parseServiceReference(node.identity.meshName, name) : undefined;
    if (!target || target.meshName !== node.identity.meshName) return undefined;
    return this.model.get('VirtualService', target.meshName, target.name);
  }

  /** The existing virtual node or router a virtual service names as provider. */
  provider(service: Resource): Resource | undefined {
    const meshName = service.identity.meshName;
    const node = asString(objectAt(service.doc.spec, 'provider', 'virtualNode')?.virtualNodeName);
    if (node !== undefined) return this.model.get('VirtualNode', meshName, node);
    const router = asString(objectAt(service.doc.spec, 'provider', 'virtualRouter')?.virtualRouterName);
    return router !== undefined ? this.model.get('VirtualRouter', meshName, router) : undefined;
  }

  /** Node listeners that traffic to `service` reaches: the provider node's, or those its router's routes target. */
  endpoints(service: Resource): readonly Endpoint[] {
    let endpoints = this.endpointCache.get(service.key);
    if (endpoints) return endpoints;
    const provider = this.provider(service);
    endpoints = [];
    if (provider?.kind === 'VirtualNode') {
      endpoints = this.listeners(provider).map((listener) => ({ node: provider, listener }));
    } else if (provider?.kind === 'VirtualRouter') {
      const seen = new Set<string>();
      for (const route of this.model.childrenOf(provider)) {
        for (const target of asArray(objectAt(routeBodyOf(route.doc.spec)?.body, 'action')?.weightedTargets)) {
          const nodeName = asString(asObject(target)?.virtualNode);
          const node = nodeName !== undefined ? this.model.get('VirtualNode', provider.identity.meshName, nodeName) : undefined;
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
    this.endpointCache.set(service.key, endpoints);
    return endpoints;
  }
}

/** `8080/http, 9090/grpc`: how messages list a resource's listeners. */
export function describeListeners(listeners: readonly ListenerView[]): string {
  return listeners.map((l) => `${l.port}/${l.protocol}`).join(', ');
}
