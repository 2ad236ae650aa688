// The model as the translation reads it: typed specs by identity, plus a record of every
// resource (and endpoint query) each translation read, so a change re-translates only the
// proxies that read it.
import { identityKey } from '../model/identity';
import { Kind, KIND_INFO } from '../model/kinds';
import { MeshModel } from '../model/mesh-model';
import { Resource } from '../model/resource';
import type { EnvironmentConfig } from '../environment/environment-config';
import type {
  GatewayRouteSpec,
  MeshSpec,
  RouteSpec,
  VirtualGatewaySpec,
  VirtualNodeSpec,
  VirtualRouterSpec,
  VirtualServiceSpec,
} from '../../schemas/types';
import { DiscoveryQuery, Endpoint, EndpointSource } from './snapshot';

export interface Found<S> {
  name: string;
  meshName: string;
  key: string;
  spec: S;
}

/** The dependency key of a parent's children (routes of a router, gateway routes of a gateway). */
export function childrenKey(parentKey: string): string {
  return `children:${parentKey}`;
}

export function endpointsKey(query: DiscoveryQuery): string {
  return `endpoints:${JSON.stringify(query)}`;
}

export class MeshView {
  private reads: Set<string> | undefined;
  /** Every endpoint query answered, with its answer, for change detection on the next update. */
  readonly lookups = new Map<string, { query: DiscoveryQuery; endpoints: readonly Endpoint[] | undefined }>();

  constructor(
    readonly model: MeshModel,
    readonly config: EnvironmentConfig,
    private readonly endpointSource: EndpointSource,
  ) {}

  /**
   * Runs `fn`, returning what it read; the reads also count for any enclosing collection unless
   * `own` (a cached piece: its user records the piece instead, see fragment-cache.ts).
   */
  collect<T>(fn: () => T, options: { own?: boolean } = {}): { value: T; reads: Set<string> } {
    const outer = this.reads;
    const reads = new Set<string>();
    this.reads = reads;
    try {
      const value = fn();
      return { value, reads };
    } finally {
      this.reads = outer;
      if (outer && !options.own) for (const key of reads) outer.add(key);
    }
  }

  addRead(key: string): void {
    this.reads?.add(key);
  }

  addReads(keys: Iterable<string>): void {
    if (this.reads) for (const key of keys) this.reads.add(key);
  }

  private find<S>(kind: Kind, meshName: string, name: string): Found<S> | undefined {
    const key = identityKey({ kind, meshName, name });
    this.reads?.add(key);
    const resource = this.model.getByKey(key);
    if (!resource) return undefined;
    return { name, meshName, key, spec: (resource.doc.spec ?? {}) as S };
  }

  private children<S>(kind: Kind, meshName: string, parentName: string): Array<Found<S>> {
    const parentKind = KIND_INFO[kind].parentKind!;
    const parentKey = identityKey({ kind: parentKind, meshName, name: parentName });
    this.reads?.add(childrenKey(parentKey));
    const parent = this.model.getByKey(parentKey);
    if (!parent) return [];
    return this.model
      .childrenOf(parent)
      .filter((child) => child.kind === kind)
      .map((child: Resource) => {
        this.reads?.add(child.key);
        return { name: child.identity.name, meshName, key: child.key, spec: (child.doc.spec ?? {}) as S };
      });
  }

  mesh(meshName: string): MeshSpec {
    return this.find<MeshSpec>('Mesh', meshName, meshName)?.spec ?? {};
  }

  virtualNode(meshName: string, name: string): Found<VirtualNodeSpec> | undefined {
    return this.find('VirtualNode', meshName, name);
  }

  virtualService(meshName: string, name: string): Found<VirtualServiceSpec> | undefined {
    return this.find('VirtualService', meshName, name);
  }

  virtualRouter(meshName: string, name: string): Found<VirtualRouterSpec> | undefined {
    return this.find('VirtualRouter', meshName, name);
  }

  routes(meshName: string, routerName: string): Array<Found<RouteSpec>> {
    return this.children('Route', meshName, routerName);
  }

  virtualGateway(meshName: string, name: string): Found<VirtualGatewaySpec> | undefined {
    return this.find('VirtualGateway', meshName, name);
  }

  gatewayRoutes(meshName: string, gatewayName: string): Array<Found<GatewayRouteSpec>> {
    return this.children('GatewayRoute', meshName, gatewayName);
  }

  /** Endpoints the source knows for a discovery query (asked once per query per update). */
  endpoints(query: DiscoveryQuery): readonly Endpoint[] | undefined {
    const key = endpointsKey(query);
    this.reads?.add(key);
    let entry = this.lookups.get(key);
    if (!entry) {
      entry = { query, endpoints: this.endpointSource.lookup(query) };
      this.lookups.set(key, entry);
    }
    return entry.endpoints;
  }
}
