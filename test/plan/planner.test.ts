import * as assert from 'node:assert/strict';
import { Kind } from '../../provider/model/kinds';
import { ChangeAction, computePlan, Plan, PlanResource } from '../../reconciler/plan';
import {
  ACCOUNT,
  baseDocs,
  gateway,
  gatewayRoute,
  mesh,
  node,
  resources,
  route,
  router,
  serviceToNode,
  serviceToRouter,
} from './plan-fixtures';

type Doc = Record<string, unknown>;

function plan(desired: readonly Doc[], applied: readonly Doc[]): Plan {
  return computePlan(resources(desired), resources(applied), { environment: 'apps', account: ACCOUNT });
}

function without(docs: readonly Doc[], predicate: (doc: Doc) => boolean): Doc[] {
  return docs.filter((d) => !predicate(d));
}

function edit(doc: Doc, change: (spec: any) => void): Doc {
  const copy = structuredClone(doc);
  change(copy.spec);
  return copy;
}

/** One resource per kind that nothing in the base set refers to, with an edited and a renamed twin. */
const SUBJECTS: Array<{ kind: Kind; doc: Doc; edited: Doc; renamed: Doc; editedPath: string }> = [
  {
    kind: 'Mesh',
    doc: mesh('other'),
    edited: mesh('other', { egressFilter: { type: 'ALLOW_ALL' } }),
    renamed: mesh('other2'),
    editedPath: 'spec.egressFilter.type',
  },
  {
    kind: 'VirtualNode',
    doc: node('serviceC'),
    edited: edit(node('serviceC'), (s) => (s.serviceDiscovery.dns.hostname = 'c2.apps.local')),
    renamed: { ...node('serviceC'), virtualNodeName: 'serviceD' },
    editedPath: 'spec.serviceDiscovery.dns.hostname',
  },
  {
    kind: 'VirtualRouter',
    doc: router('routerC'),
    edited: edit(router('routerC'), (s) => (s.listeners[0].portMapping.protocol = 'http')),
    renamed: router('routerD'),
    editedPath: 'spec.listeners[0].portMapping.protocol',
  },
  {
    kind: 'Route',
    doc: route('serviceB', 'canary', [['serviceBv2', 100]]),
    edited: route('serviceB', 'canary', [['serviceBv2', 90]]),
    renamed: route('serviceB', 'canary2', [['serviceBv2', 100]]),
    editedPath: 'spec.http2Route.action.weightedTargets[0].weight',
  },
  {
    kind: 'VirtualService',
    doc: serviceToNode('servicec.apps.local', 'serviceB'),
    edited: serviceToNode('servicec.apps.local', 'serviceBv2'),
    renamed: serviceToNode('serviced.apps.local', 'serviceB'),
    editedPath: 'spec.provider.virtualNode.virtualNodeName',
  },
  {
    kind: 'VirtualGateway',
    doc: gateway('gw2'),
    edited: edit(gateway('gw2'), (s) => (s.listeners[0].portMapping.protocol = 'http2')),
    renamed: gateway('gw3'),
    editedPath: 'spec.listeners[0].portMapping.protocol',
  },
  {
    kind: 'GatewayRoute',
    doc: gatewayRoute('ingress-gw', 'to-b', 'serviceb.apps.local', '/b'),
    edited: gatewayRoute('ingress-gw', 'to-b', 'serviceb.apps.local', '/bee'),
    renamed: gatewayRoute('ingress-gw', 'to-bee', 'serviceb.apps.local', '/b'),
    editedPath: 'spec.httpRoute.match.prefix',
  },
];

describe('planner: every kind, every action', () => {
  const base = baseDocs();
  for (const subject of SUBJECTS) {
    const cases: Array<{ action: ChangeAction; desired: Doc[]; applied: Doc[] }> = [
      { action: 'create', desired: [...base, subject.doc], applied: base },
      { action: 'update', desired: [...base, subject.edited], applied: [...base, subject.doc] },
      { action: 'delete', desired: base, applied: [...base, subject.doc] },
      { action: 'replace', desired: [...base, subject.renamed], applied: [...base, subject.doc] },
    ];
    for (const c of cases) {
      it(`${c.action} ${subject.kind}`, () => {
        const result = plan(c.desired, c.applied);
        assert.deepEqual(result.diagnostics, []);
        assert.equal(result.changes.length, 1, JSON.stringify(result.changes.map((x) => [x.action, x.key])));
        const [change] = result.changes;
        assert.equal(change.action, c.action);
        assert.equal(change.identity.kind, subject.kind);
        assert.deepEqual(result.summary, { create: 0, update: 0, delete: 0, replace: 0, [c.action]: 1 });
        if (c.action === 'update') {
          assert.deepEqual(change.diff.map((d) => [d.op, d.path]), [['change', subject.editedPath]]);
        }
        if (c.action === 'create') assert.ok(change.diff.length > 0 && change.diff.every((d) => d.op === 'add'));
        if (c.action === 'delete') assert.ok(change.diff.length > 0 && change.diff.every((d) => d.op === 'remove'));
        if (c.action === 'replace') {
          assert.notEqual(change.from!.name, change.identity.name);
          assert.deepEqual(change.diff, []);
          assert.deepEqual(result.steps.map((s) => s.op), ['create', 'delete']);
        }
      });
    }
  }

  it('no change when only WR-4-equivalent forms differ', () => {
    const applied = baseDocs();
    const desired = baseDocs().map((d) => (d.kind === 'VirtualNode' && d.virtualNodeName === 'serviceB' ? edit(d, (s) => (s.backends = [])) : d));
    const result = plan(desired, applied);
    assert.deepEqual(result.changes, []);
    assert.deepEqual(result.affectedProxies, []);
  });

  it('a move to another mesh is a replace (identity is immutable)', () => {
    const applied = [...baseDocs(), mesh('other'), node('mover')];
    const desired = [...baseDocs(), mesh('other'), node('mover', {}, 'other')];
    const result = plan(desired, applied);
    assert.deepEqual(result.changes.map((c) => [c.action, c.key, c.from && c.from.meshName]), [['replace', 'VirtualNode/other/mover', 'apps']]);
  });

  it('a route moved to another router is a replace', () => {
    const applied = [...baseDocs(), router('r2'), route('serviceB', 'canary', [['serviceBv2', 100]])];
    const desired = [...baseDocs(), router('r2'), route('r2', 'canary', [['serviceBv2', 100]])];
    const result = plan(desired, applied);
    assert.deepEqual(result.changes.map((c) => [c.action, c.key]), [['replace', 'Route/apps/r2/canary']]);
  });

  it('a changed meshOwner replaces the resource in place; the default owner is the environment account', () => {
    const applied = [...baseDocs(), node('serviceC')];
    const explicitDefault = plan([...baseDocs(), { ...node('serviceC'), meshOwner: ACCOUNT }], applied);
    assert.deepEqual(explicitDefault.changes, []);
    const other = plan([...baseDocs(), { ...node('serviceC'), meshOwner: '444455556666' }], applied);
    assert.deepEqual(other.changes.map((c) => c.action), ['replace']);
    assert.deepEqual(other.steps, [
      { op: 'delete', key: 'VirtualNode/apps/serviceC' },
      { op: 'create', key: 'VirtualNode/apps/serviceC' },
    ]);
  });
});

describe('planner: ordering (§11.5)', () => {
  const RANKS_CREATE: Record<Kind, number> = { Mesh: 0, VirtualNode: 1, VirtualRouter: 1, VirtualGateway: 1, Route: 2, VirtualService: 3, GatewayRoute: 4 };
  const RANKS_DELETE: Record<Kind, number> = { GatewayRoute: 0, VirtualService: 1, Route: 2, VirtualRouter: 3, VirtualNode: 3, VirtualGateway: 4, Mesh: 5 };
  const kindOf = (key: string) => key.split('/')[0] as Kind;

  it('creates a whole mesh parent-first', () => {
    const result = plan(baseDocs(), []);
    assert.deepEqual(result.diagnostics, []);
    const keys = result.steps.map((s) => s.key);
    assert.equal(keys.length, 10);
    assert.deepEqual(keys[0], 'Mesh/apps');
    for (let i = 1; i < keys.length; i++) assert.ok(RANKS_CREATE[kindOf(keys[i - 1])] <= RANKS_CREATE[kindOf(keys[i])], keys.join(' '));
    // Every resource is created after everything it names.
    const position = new Map(keys.map((k, i) => [k, i]));
    assert.ok(position.get('Route/apps/serviceB/serviceB')! > position.get('VirtualNode/apps/serviceBv2')!);
    assert.ok(position.get('Route/apps/serviceB/serviceB')! > position.get('VirtualRouter/apps/serviceB')!);
    assert.ok(position.get('VirtualService/apps/serviceb.apps.local')! > position.get('Route/apps/serviceB/serviceB')!);
    assert.ok(position.get('GatewayRoute/apps/ingress-gw/to-a')! > position.get('VirtualService/apps/servicea.apps.local')!);
    assert.deepEqual(result.changes.map((c) => c.key), keys);
  });

  it('destroys a whole mesh child-first, without errors', () => {
    const result = plan([], baseDocs());
    assert.deepEqual(result.diagnostics, []);
    const keys = result.steps.map((s) => s.key);
    assert.deepEqual(keys, [
      'GatewayRoute/apps/ingress-gw/to-a',
      'VirtualService/apps/servicea.apps.local',
      'VirtualService/apps/serviceb.apps.local',
      'Route/apps/serviceB/serviceB',
      'VirtualNode/apps/serviceA',
      'VirtualNode/apps/serviceB',
      'VirtualNode/apps/serviceBv2',
      'VirtualRouter/apps/serviceB',
      'VirtualGateway/apps/ingress-gw',
      'Mesh/apps',
    ]);
    for (let i = 1; i < keys.length; i++) assert.ok(RANKS_DELETE[kindOf(keys[i - 1])] <= RANKS_DELETE[kindOf(keys[i])]);
  });

  it('switching a service from a router to a node updates the service before deleting the router and its route', () => {
    const applied = baseDocs();
    const desired = without(baseDocs(), (d) => d.kind === 'Route' || d.kind === 'VirtualRouter').map((d) =>
      d.virtualServiceName === 'serviceb.apps.local' ? serviceToNode('serviceb.apps.local', 'serviceB') : d,
    );
    const result = plan(desired, applied);
    assert.deepEqual(result.diagnostics, []);
    assert.deepEqual(
      result.steps.map((s) => `${s.op} ${s.key}`),
      ['update VirtualService/apps/serviceb.apps.local', 'delete Route/apps/serviceB/serviceB', 'delete VirtualRouter/apps/serviceB'],
    );
  });

  it('a rename creates the new resource before deleting the old one', () => {
    const result = plan([...baseDocs(), router('routerD')], [...baseDocs(), router('routerC')]);
    assert.deepEqual(result.steps.map((s) => `${s.op} ${s.key}`), ['create VirtualRouter/apps/routerD', 'delete VirtualRouter/apps/routerC']);
  });
});

describe('planner: deletions blocked by references left in the desired state (Appendix B.3)', () => {
  const codes = (p: Plan) => p.diagnostics.map((d) => `${d.severity} ${d.code}`);

  it('NEG-23: deleting a virtual node a route still targets', () => {
    const result = plan(without(baseDocs(), (d) => d.virtualNodeName === 'serviceB'), baseDocs());
    assert.deepEqual(codes(result), ['error PLAN-IN-USE']);
    const [d] = result.diagnostics;
    assert.match(d.message, /VirtualNode serviceB \(mesh apps\) would be deleted, but it is still in use: Route serviceB of VirtualRouter serviceB \(mesh apps\) targets it/);
    assert.equal(d.pointer, '/spec/http2Route/action/weightedTargets/0/virtualNode');
    assert.equal(d.file, 'environments/apps/test.yaml');
    assert.equal(d.line, 5, 'located at the route that still refers to the node');
  });

  it('NEG-24: deleting a virtual service gateway routes target (VS-3)', () => {
    const result = plan(without(baseDocs(), (d) => d.virtualServiceName === 'servicea.apps.local'), baseDocs());
    assert.deepEqual(codes(result), ['error VS-3']);
    assert.match(result.diagnostics[0].message, /GatewayRoute to-a of VirtualGateway ingress-gw \(mesh apps\) targets it/);
  });

  it('NEG-25: deleting a mesh while children exist (MESH-5)', () => {
    const result = plan(without(baseDocs(), (d) => d.kind === 'Mesh'), baseDocs());
    assert.deepEqual(codes(result), ['error MESH-5']);
    assert.match(result.diagnostics[0].message, /Mesh apps would be deleted, but it is still in use: .* lives in it; .*and 4 more/);
  });

  it('a rename of a node still named by a route is blocked (ID-2)', () => {
    const desired = baseDocs().map((d) => (d.virtualNodeName === 'serviceBv2' ? { ...d, virtualNodeName: 'serviceBv3' } : d));
    const result = plan(desired, baseDocs());
    assert.deepEqual(codes(result), ['error PLAN-IN-USE']);
    assert.deepEqual(result.changes.map((c) => c.action), ['replace']);
  });

  it('deleting a router that a service names as provider (VR-3), and a gateway with routes (VG-5)', () => {
    const noRouter = without(baseDocs(), (d) => d.kind === 'VirtualRouter' || d.kind === 'Route');
    assert.deepEqual(codes(plan(noRouter, baseDocs())), ['error VR-3']);
    const noGateway = without(baseDocs(), (d) => d.kind === 'VirtualGateway');
    assert.deepEqual(codes(plan(noGateway, baseDocs())), ['error VG-5']);
  });

  it('deleting a service a node lists as a backend is allowed with a warning (A-6)', () => {
    const desired = without(baseDocs(), (d) => d.virtualServiceName === 'serviceb.apps.local');
    assert.deepEqual(codes(plan(desired, baseDocs())), ['warning A-6']);
  });
});

describe('planner: affected proxies (blast radius)', () => {
  const proxiesAfter = (change: (docs: Doc[]) => Doc[]) =>
    plan(change(baseDocs()), baseDocs()).affectedProxies.map((p) => p.id);
  const replaceDoc = (match: (d: Doc) => boolean, next: (d: Doc) => Doc) => (docs: Doc[]) => docs.map((d) => (match(d) ? next(d) : d));

  const CASES: Array<{ name: string; change: (docs: Doc[]) => Doc[]; expected: string[] }> = [
    {
      name: 'a route change reaches the nodes that list its service as a backend',
      change: replaceDoc((d) => d.kind === 'Route', () => route('serviceB', 'serviceB', [['serviceB', 50], ['serviceBv2', 50]])),
      expected: ['mesh/apps/virtualNode/serviceA'],
    },
    {
      name: 'a router change reaches the same nodes',
      change: replaceDoc((d) => d.kind === 'VirtualRouter', (d) => edit(d, (s) => (s.listeners[0].portMapping.port = 8080))),
      expected: ['mesh/apps/virtualNode/serviceA'],
    },
    {
      name: 'a node change reaches itself and the nodes whose backends reach it',
      change: replaceDoc((d) => d.virtualNodeName === 'serviceB', (d) => edit(d, (s) => (s.serviceDiscovery.dns.hostname = 'b2.apps.local'))),
      expected: ['mesh/apps/virtualNode/serviceA', 'mesh/apps/virtualNode/serviceB'],
    },
    {
      name: 'a node behind a gateway reaches the gateway',
      change: replaceDoc((d) => d.virtualNodeName === 'serviceA', (d) => edit(d, (s) => (s.serviceDiscovery.dns.hostname = 'a2.apps.local'))),
      expected: ['mesh/apps/virtualGateway/ingress-gw', 'mesh/apps/virtualNode/serviceA'],
    },
    {
      name: 'a service change reaches the gateways whose routes target it',
      change: replaceDoc((d) => d.virtualServiceName === 'servicea.apps.local', () => serviceToNode('servicea.apps.local', 'serviceB')),
      expected: ['mesh/apps/virtualGateway/ingress-gw'],
    },
    {
      name: 'a gateway route change reaches its gateway',
      change: replaceDoc((d) => d.kind === 'GatewayRoute', () => gatewayRoute('ingress-gw', 'to-a', 'servicea.apps.local', '/a')),
      expected: ['mesh/apps/virtualGateway/ingress-gw'],
    },
    {
      name: 'a mesh egress change reaches every proxy of the mesh',
      change: replaceDoc((d) => d.kind === 'Mesh', () => mesh('apps', { egressFilter: { type: 'ALLOW_ALL' } })),
      expected: ['mesh/apps/virtualGateway/ingress-gw', 'mesh/apps/virtualNode/serviceA', 'mesh/apps/virtualNode/serviceB', 'mesh/apps/virtualNode/serviceBv2'],
    },
    {
      name: 'a removed backend reaches the node that had it',
      change: replaceDoc((d) => d.virtualNodeName === 'serviceA', (d) => edit(d, (s) => delete s.backends)),
      expected: ['mesh/apps/virtualGateway/ingress-gw', 'mesh/apps/virtualNode/serviceA'],
    },
  ];
  for (const c of CASES) it(c.name, () => assert.deepEqual(proxiesAfter(c.change), c.expected));

  it('reports proxies as kind, mesh, name and Envoy identity', () => {
    const result = plan(baseDocs(), without(baseDocs(), (d) => d.kind === 'GatewayRoute'));
    assert.deepEqual(result.affectedProxies, [{ kind: 'VirtualGateway', meshName: 'apps', name: 'ingress-gw', id: 'mesh/apps/virtualGateway/ingress-gw' }]);
  });
});

export type { PlanResource };
