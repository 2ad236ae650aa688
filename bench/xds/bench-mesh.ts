// The mesh the xDS benchmark serves: N proxies that all call `shared.bench.local` (whose route the
// benchmark changes) plus three of 50 other services each, and a registry with two instances of
// every node. Used by bench/xds/measure.ts and by profiling scripts.
import { identityKey, identityOf } from '../../provider/model/identity';
import { inferKind } from '../../provider/model/kinds';
import { MeshModel } from '../../provider/model/mesh-model';
import { Resource, ResourceDocument, syntheticSource } from '../../provider/model/resource';
import { EndpointRegistry } from '../../reconciler/registry/endpoint-registry';

export const MESH = 'bench';
const BACKEND_SERVICES = 50;
const SHARED_ROUTE = identityKey({ kind: 'Route', meshName: MESH, name: 'shared', parentName: 'shared' });

function toResource(doc: Record<string, unknown>): Resource {
  const kind = inferKind(doc)!;
  const identity = identityOf(kind, doc)!;
  return { kind, identity, key: identityKey(identity), doc: { ...doc, kind } as ResourceDocument, source: syntheticSource('bench/xds.yaml') };
}

const listener = () => [{ portMapping: { port: 8080, protocol: 'http' } }];

function route(name: string, targets: [string, number][]): Record<string, unknown> {
  return {
    kind: 'Route',
    meshName: MESH,
    virtualRouterName: name,
    routeName: name,
    spec: { httpRoute: { match: { prefix: '/' }, action: { weightedTargets: targets.map(([virtualNode, weight]) => ({ virtualNode, weight })) } } },
  };
}

function sharedRoute(weights: [number, number]): Record<string, unknown> {
  return route('shared', [['shared-v1', weights[0]], ['shared-v2', weights[1]]]);
}

function meshDocuments(proxies: number): Record<string, unknown>[] {
  const docs: Record<string, unknown>[] = [{ kind: 'Mesh', meshName: MESH, spec: {} }];
  const node = (name: string, backends: string[]) => ({
    kind: 'VirtualNode',
    meshName: MESH,
    virtualNodeName: name,
    spec: {
      listeners: listener(),
      serviceDiscovery: { awsCloudMap: { namespaceName: 'bench.local', serviceName: name } },
      backends: backends.map((virtualServiceName) => ({ virtualService: { virtualServiceName } })),
    },
  });
  const router = (name: string) => ({ kind: 'VirtualRouter', meshName: MESH, virtualRouterName: name, spec: { listeners: listener() } });
  const service = (name: string) => ({ kind: 'VirtualService', meshName: MESH, virtualServiceName: `${name}.bench.local`, spec: { provider: { virtualRouter: { virtualRouterName: name } } } });
  docs.push(node('shared-v1', []), node('shared-v2', []), router('shared'), sharedRoute([50, 50]), service('shared'));
  for (let j = 0; j < BACKEND_SERVICES; j++) {
    const name = `svc-${j}`;
    docs.push(node(name, []), router(name), route(name, [[name, 100]]), service(name));
  }
  for (let i = 0; i < proxies; i++) {
    const others = [0, 1, 2].map((k) => `svc-${(i + k) % BACKEND_SERVICES}.bench.local`);
    docs.push(node(`proxy-${i}`, ['shared.bench.local', ...others]));
  }
  return docs;
}

/** The mesh with shared's route at 50/50. */
export function benchModel(proxies: number): MeshModel {
  return new MeshModel(meshDocuments(proxies).map(toResource));
}

/**
 * The same mesh with shared's route at 60/40, as the daemon builds it after a commit that edits the
 * route's file: its parse cache hands back the very same Resource objects for every file the commit
 * did not touch (reconciler/load/parse-cache.ts), and a new one for the edited route only.
 */
export function withSharedWeights(model: MeshModel, weights: [number, number]): MeshModel {
  return new MeshModel(model.resources.map((r) => (r.key === SHARED_ROUTE ? toResource(sharedRoute(weights)) : r)));
}

export function benchRegistry(proxies: number): EndpointRegistry {
  const registry = new EndpointRegistry();
  const names = ['shared-v1', 'shared-v2', ...Array.from({ length: BACKEND_SERVICES }, (_, j) => `svc-${j}`), ...Array.from({ length: proxies }, (_, i) => `proxy-${i}`)];
  names.forEach((name, index) => {
    for (const k of [1, 2]) registry.register('bench.local', name, `${name}-${k}`, { address: `10.${k}.${index >> 8}.${index & 255}`, port: 8080 });
  });
  return registry;
}
