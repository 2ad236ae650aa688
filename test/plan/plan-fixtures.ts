// Resources for planner tests: the S01 canary (apps) plus an ingress gateway, as plan inputs.
import { identityKey, identityOf } from '../../provider/model/identity';
import { isKind } from '../../provider/model/kinds';
import { ResourceDocument, SourceRef } from '../../provider/model/resource';
import { PlanResource } from '../../reconciler/plan';

export const ACCOUNT = '111122223333';
export const CONFIG = { name: 'apps', account: ACCOUNT, region: 'us-west-2', partition: 'aws' };

/** A plan input from a document; its source reports line = position in `docs` + 1 for locating diagnostics. */
export function resource(doc: Record<string, unknown>, file = 'environments/apps/test.yaml', line = 1): PlanResource {
  if (!isKind(doc.kind)) throw new Error(`fixture without kind: ${JSON.stringify(doc)}`);
  const identity = identityOf(doc.kind, doc)!;
  const source: SourceRef = { file, docIndex: 0, locate: () => ({ line, column: 1 }) };
  return { identity, key: identityKey(identity), doc: structuredClone(doc) as ResourceDocument, source };
}

export const mesh = (meshName = 'apps', spec: Record<string, unknown> = { egressFilter: { type: 'DROP_ALL' } }) => ({ kind: 'Mesh', meshName, spec });

export const node = (name: string, extra: Record<string, unknown> = {}, meshName = 'apps') => ({
  kind: 'VirtualNode',
  meshName,
  virtualNodeName: name,
  spec: {
    listeners: [{ portMapping: { port: 80, protocol: 'http2' } }],
    serviceDiscovery: { dns: { hostname: `${name.toLowerCase()}.apps.local` } },
    ...extra,
  },
});

export const router = (name: string) => ({ kind: 'VirtualRouter', meshName: 'apps', virtualRouterName: name, spec: { listeners: [{ portMapping: { port: 80, protocol: 'http2' } }] } });

export const route = (routerName: string, name: string, targets: Array<[string, number]>) => ({
  kind: 'Route',
  meshName: 'apps',
  virtualRouterName: routerName,
  routeName: name,
  spec: { http2Route: { match: { prefix: '/' }, action: { weightedTargets: targets.map(([virtualNode, weight]) => ({ virtualNode, weight })) } } },
});

export const serviceToNode = (name: string, nodeName: string) => ({ kind: 'VirtualService', meshName: 'apps', virtualServiceName: name, spec: { provider: { virtualNode: { virtualNodeName: nodeName } } } });
export const serviceToRouter = (name: string, routerName: string) => ({ kind: 'VirtualService', meshName: 'apps', virtualServiceName: name, spec: { provider: { virtualRouter: { virtualRouterName: routerName } } } });

export const gateway = (name: string) => ({ kind: 'VirtualGateway', meshName: 'apps', virtualGatewayName: name, spec: { listeners: [{ portMapping: { port: 9080, protocol: 'http' } }] } });

export const gatewayRoute = (gatewayName: string, name: string, service: string, prefix = '/') => ({
  kind: 'GatewayRoute',
  meshName: 'apps',
  virtualGatewayName: gatewayName,
  gatewayRouteName: name,
  spec: { httpRoute: { match: { prefix }, action: { target: { virtualService: { virtualServiceName: service } } } } },
});

/** The S01 canary and an ingress gateway in front of servicea.apps.local. */
export function baseDocs(): Array<Record<string, unknown>> {
  return [
    mesh(),
    node('serviceA', { backends: [{ virtualService: { virtualServiceName: 'serviceb.apps.local' } }] }),
    node('serviceB'),
    node('serviceBv2'),
    router('serviceB'),
    route('serviceB', 'serviceB', [['serviceB', 75], ['serviceBv2', 25]]),
    serviceToNode('servicea.apps.local', 'serviceA'),
    serviceToRouter('serviceb.apps.local', 'serviceB'),
    gateway('ingress-gw'),
    gatewayRoute('ingress-gw', 'to-a', 'servicea.apps.local'),
  ];
}

export function resources(docs: ReadonlyArray<Record<string, unknown>>): PlanResource[] {
  return docs.map((doc, i) => resource(doc, 'environments/apps/test.yaml', i + 1));
}
