// Cross-document rules (graph layer) on the Appendix B.2 mesh with one change each.
import * as assert from 'node:assert/strict';
import { identityKey, identityOf } from '../../provider/model/identity';
import { Kind } from '../../provider/model/kinds';
import { MeshModel } from '../../provider/model/mesh-model';
import { Resource, ResourceDocument, syntheticSource } from '../../provider/model/resource';
import { validateGraph } from '../../provider/validate/graph-layer';
import { EnvironmentConfig } from '../../provider/environment/environment-config';
import { loadApps } from './validate-fixtures';

type Doc = Record<string, any>;

interface Case {
  name: string;
  input: {
    /** Edits of B.2 documents, by identity key. */
    patch?: Record<string, (doc: Doc) => void>;
    add?: Doc[];
    environment?: (config: EnvironmentConfig) => void;
  };
  /** `CODE severity key pointer` of the diagnostics beyond those of the unchanged B.2 set. */
  expected: string[];
}

const arn = (mesh: string, service: string) => `arn:aws:appmesh:us-west-2:111122223333:mesh/${mesh}/virtualService/${service}`;

const cases: Case[] = [
  { name: 'R1 mesh not defined', input: { add: [{ kind: 'VirtualNode', meshName: 'other', virtualNodeName: 'x', spec: {} }] }, expected: ['R1 error VirtualNode/other/x /meshName'] },
  {
    name: 'R2 route of an unknown router',
    input: { add: [{ kind: 'Route', meshName: 'apps', virtualRouterName: 'nope', routeName: 'x', spec: { tcpRoute: { action: { weightedTargets: [{ virtualNode: 'db', weight: 100 }] } } } }] },
    expected: ['R2 error Route/apps/nope/x /virtualRouterName'],
  },
  { name: 'R4 unknown provider node', input: { patch: { 'VirtualService/apps/reports.apps.local': (d) => (d.spec = { provider: { virtualNode: { virtualNodeName: 'servicea' } } }) } }, expected: ['R4 error VirtualService/apps/reports.apps.local /spec/provider/virtualNode/virtualNodeName'] },
  { name: 'R6 unknown target node', input: { patch: { 'Route/apps/db/db-primary': (d) => (d.spec.tcpRoute.action.weightedTargets[0].virtualNode = 'dbx') } }, expected: ['R6 error Route/apps/db/db-primary /spec/tcpRoute/action/weightedTargets/0/virtualNode'] },
  {
    name: 'R7 unknown gateway-route target',
    input: { patch: { 'GatewayRoute/apps/ingress-gw/web': (d) => (d.spec.httpRoute.action.target.virtualService.virtualServiceName = 'missing.apps.local') } },
    expected: ['R7 error GatewayRoute/apps/ingress-gw/web /spec/httpRoute/action/target/virtualService/virtualServiceName'],
  },
  // The App Mesh API never checked backend names (severity-policy.test.ts: missingBackend / rules make it an error).
  { name: 'R8 missing backend is a warning', input: { patch: { 'VirtualNode/apps/batch-client': (d) => (d.spec.backends[0].virtualService.virtualServiceName = 'nope.apps.local') } }, expected: ['R8 warning VirtualNode/apps/batch-client /spec/backends/0/virtualService/virtualServiceName'] },
  { name: 'R8 a backend ARN of the same mesh resolves', input: { patch: { 'VirtualNode/apps/batch-client': (d) => (d.spec.backends[0].virtualService.virtualServiceName = arn('apps', 'serviceb.apps.local')) } }, expected: [] },
  { name: 'R8 a backend ARN of another mesh is an error', input: { patch: { 'VirtualNode/apps/batch-client': (d) => (d.spec.backends[0].virtualService.virtualServiceName = arn('prod', 'serviceb.apps.local')) } }, expected: ['R8 error VirtualNode/apps/batch-client /spec/backends/0/virtualService/virtualServiceName'] },
  { name: 'VR-1 router with routes and no listener', input: { patch: { 'VirtualRouter/apps/db': (d) => (d.spec = {}) } }, expected: ['VR-1 warning VirtualRouter/apps/db /spec'] },
  { name: 'VR-1 router with neither listener nor route', input: { add: [{ kind: 'VirtualRouter', meshName: 'apps', virtualRouterName: 'idle', spec: {} }] }, expected: ['VR-1 warning VirtualRouter/apps/idle /spec'] },
  {
    name: 'RT-P-1 two router listeners and no match.port',
    input: { patch: { 'VirtualRouter/apps/db': (d) => d.spec.listeners.push({ portMapping: { port: 5433, protocol: 'tcp' } }), 'Route/apps/db/db-primary': (d) => delete d.spec.tcpRoute.match } },
    expected: ['RT-P-1 error Route/apps/db/db-primary /spec/tcpRoute/match'],
  },
  { name: 'XR-3 match.port not on the router', input: { patch: { 'Route/apps/db/db-primary': (d) => (d.spec.tcpRoute.match.port = 5433) } }, expected: ['XR-3 error Route/apps/db/db-primary /spec/tcpRoute/match/port'] },
  { name: 'XR-3 target port not on the node', input: { patch: { 'Route/apps/servicea-grpc/orders-rpc': (d) => (d.spec.grpcRoute.action.weightedTargets[0].port = 9091) } }, expected: ['XR-3 error Route/apps/servicea-grpc/orders-rpc /spec/grpcRoute/action/weightedTargets/0/port'] },
  { name: 'XR-5 gRPC gateway route to an http provider listener', input: { patch: { 'GatewayRoute/apps/ingress-gw/orders-grpc': (d) => (d.spec.grpcRoute.action.target.port = 8080) } }, expected: ['XR-5 warning GatewayRoute/apps/ingress-gw/orders-grpc /spec/grpcRoute/action/target'] },
  { name: 'GR-13 target without a provider', input: { patch: { 'GatewayRoute/apps/ingress-gw/orders-exact': (d) => { d.spec.httpRoute.action.target = { virtualService: { virtualServiceName: 'reports.apps.local' } }; } } }, expected: ['GR-13 warning GatewayRoute/apps/ingress-gw/orders-exact /spec/httpRoute/action/target/virtualService/virtualServiceName'] },
  {
    name: 'VN-BE-5 two TCP backends on one port',
    input: {
      add: [
        { kind: 'VirtualNode', meshName: 'apps', virtualNodeName: 'cache', spec: { listeners: [{ portMapping: { port: 5432, protocol: 'tcp' } }], serviceDiscovery: { dns: { hostname: 'cache.apps.local' } } } },
        { kind: 'VirtualService', meshName: 'apps', virtualServiceName: 'cache.apps.local', spec: { provider: { virtualNode: { virtualNodeName: 'cache' } } } },
      ],
      patch: { 'VirtualNode/apps/batch-client': (d) => d.spec.backends.push({ virtualService: { virtualServiceName: 'db.apps.local' } }, { virtualService: { virtualServiceName: 'cache.apps.local' } }) },
    },
    expected: ['VN-BE-5 warning VirtualNode/apps/batch-client /spec/backends/2/virtualService/virtualServiceName'],
  },
  { name: 'MESH-3 backends in an ALLOW_ALL mesh', input: { patch: { 'Mesh/apps': (d) => (d.spec.egressFilter.type = 'ALLOW_ALL') } }, expected: ['MESH-3 info VirtualNode/apps/batch-client /spec/backends', 'MESH-3 info VirtualNode/apps/serviceA /spec/backends'] },
  {
    name: 'XR-9 enforced TLS towards plaintext listeners',
    input: { patch: { 'VirtualNode/apps/batch-client': (d) => d.spec.backends.push({ virtualService: { virtualServiceName: 'db.apps.local', clientPolicy: { tls: { validation: { trust: { file: { certificateChain: '/ca.pem' } } } } } } }) } },
    expected: ['XR-9 warning VirtualNode/apps/batch-client /spec/backends/1/virtualService/virtualServiceName'],
  },
  {
    name: 'XR-10 STRICT mutual TLS and a client without certificate',
    input: { patch: { 'VirtualNode/apps/serviceB': (d) => (d.spec.listeners[0].tls.validation = { trust: { file: { certificateChain: '/ca.pem' } } }) } },
    expected: ['XR-10 warning VirtualNode/apps/batch-client /spec/backends/0/virtualService/virtualServiceName'],
  },
  { name: 'ID-4 names that differ only in case', input: { add: [{ kind: 'VirtualNode', meshName: 'apps', virtualNodeName: 'ServiceA', spec: {} }] }, expected: ['ID-4 warning VirtualNode/apps/ServiceA /virtualNodeName'] },
  {
    name: 'A-12 one gateway-route name on two gateways',
    input: {
      add: [
        { kind: 'VirtualGateway', meshName: 'apps', virtualGatewayName: 'edge', spec: { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] } },
        { kind: 'GatewayRoute', meshName: 'apps', virtualGatewayName: 'edge', gatewayRouteName: 'web', spec: { httpRoute: { match: { prefix: '/' }, action: { target: { virtualService: { virtualServiceName: 'servicea.apps.local' }, port: 8080 } } } } },
      ],
    },
    expected: ['A-12 warning GatewayRoute/apps/edge/web /gatewayRouteName'],
  },
  {
    name: 'quotas from environment.yaml',
    input: { environment: (c) => Object.assign(c.quotas, { virtualNodesPerMesh: 4, routesPerVirtualRouter: 1, gatewayRoutesPerVirtualGateway: 2, backendsPerVirtualNode: 1, virtualGatewaysPerMesh: 1 }) },
    expected: [
      'QUOTA-13 error VirtualNode/apps/serviceBv2 ',
      'VR-4 error Route/apps/serviceB/serviceB-default ',
      'GR-15 error GatewayRoute/apps/ingress-gw/web ',
      'VN-BE-2 error VirtualNode/apps/serviceA /spec/backends/1',
    ],
  },
];

describe('mesh graph rules (validateGraph)', () => {
  let base: Resource[];
  let config: EnvironmentConfig;
  before(async () => {
    const env = await loadApps();
    base = env.resources;
    config = env.config;
  });
  // Every document sits in a file of its own, so the file names the resource.
  const render = (resources: Resource[], environment: EnvironmentConfig) => {
    const keyByFile = new Map(resources.map((r) => [r.source.file, r.key]));
    return validateGraph(new MeshModel(resources), { environment }).map((d) => `${d.code} ${d.severity} ${keyByFile.get(d.file)} ${d.pointer}`);
  };

  for (const { name, input, expected } of cases) {
    it(name, () => {
      const environment: EnvironmentConfig = structuredClone(config);
      input.environment?.(environment);
      const resources = base.map((r) => {
        const edit = input.patch?.[r.key];
        if (!edit) return r;
        const doc = structuredClone(r.doc) as Doc;
        edit(doc);
        return { ...r, doc: doc as ResourceDocument };
      });
      const added = (input.add ?? []).map((doc) => {
        const identity = identityOf(doc.kind as Kind, doc)!;
        return { kind: doc.kind as Kind, identity, key: identityKey(identity), doc: doc as ResourceDocument, source: syntheticSource(`added/${identity.name}.yaml`) };
      });
      const unchanged = new Set(render(base, config));
      const found = render([...resources, ...added], environment).filter((line) => !unchanged.has(line));
      // validateEnvironment sorts findings by position; the graph layer gives them per owner.
      assert.deepEqual([...found].sort(), [...expected].sort());
    });
  }

  it('a quota message says how to raise the quota in environment.yaml', () => {
    const environment: EnvironmentConfig = structuredClone(config);
    environment.quotas.virtualNodesPerMesh = 4;
    const [quota] = validateGraph(new MeshModel(base), { environment }).filter((d) => d.code === 'QUOTA-13');
    assert.match(quota.message, /mesh apps has 5 virtual nodes, above the quota of 4/);
    assert.match(quota.message, /`quotas: \{ virtualNodesPerMesh: 100 \}`/);
  });
});
