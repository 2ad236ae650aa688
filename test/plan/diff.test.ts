import * as assert from 'node:assert/strict';
import { DiffEntry, diffValues } from '../../reconciler/plan';

interface Case {
  name: string;
  before: unknown;
  after: unknown;
  expected: DiffEntry[];
}

const targets = (...pairs: Array<[string, number]>) => ({ action: { weightedTargets: pairs.map(([virtualNode, weight]) => ({ virtualNode, weight })) } });

const CASES: Case[] = [
  { name: 'absent, null, empty list and empty object are equal (WR-4)', before: { spec: {} }, after: { spec: { backends: [], logging: null, backendDefaults: {} } }, expected: [] },
  { name: 'an absent spec equals an empty one', before: { spec: undefined }, after: { spec: {} }, expected: [] },
  {
    name: 'a scalar change shows before → after',
    before: { spec: { httpRoute: targets(['a', 75], ['b', 25]) } },
    after: { spec: { httpRoute: targets(['a', 50], ['b', 50]) } },
    expected: [
      { op: 'change', path: 'spec.httpRoute.action.weightedTargets[0].weight', before: 75, after: 50 },
      { op: 'change', path: 'spec.httpRoute.action.weightedTargets[1].weight', before: 25, after: 50 },
    ],
  },
  {
    name: 'weighted targets are matched by virtualNode, not by position',
    before: { spec: { httpRoute: targets(['a', 75], ['b', 25]) } },
    after: { spec: { httpRoute: targets(['b', 50], ['a', 50]) } },
    expected: [
      { op: 'change', path: 'spec.httpRoute.action.weightedTargets[0].weight', before: 25, after: 50 },
      { op: 'change', path: 'spec.httpRoute.action.weightedTargets[1].weight', before: 75, after: 50 },
      { op: 'order', path: 'spec.httpRoute.action.weightedTargets', before: ['a', 'b'], after: ['b', 'a'] },
    ],
  },
  {
    name: 'a new weighted target is one addition, a dropped one one removal',
    before: { spec: { httpRoute: targets(['a', 100]) } },
    after: { spec: { httpRoute: targets(['c', 100]) } },
    expected: [
      { op: 'add', path: 'spec.httpRoute.action.weightedTargets[0].virtualNode', after: 'c' },
      { op: 'add', path: 'spec.httpRoute.action.weightedTargets[0].weight', after: 100 },
      { op: 'remove', path: 'spec.httpRoute.action.weightedTargets[0].virtualNode', before: 'a' },
      { op: 'remove', path: 'spec.httpRoute.action.weightedTargets[0].weight', before: 100 },
    ],
  },
  {
    name: 'backends are a set matched by virtualServiceName',
    before: { spec: { backends: [{ virtualService: { virtualServiceName: 'x' } }, { virtualService: { virtualServiceName: 'y' } }] } },
    after: { spec: { backends: [{ virtualService: { virtualServiceName: 'y' } }, { virtualService: { virtualServiceName: 'x' } }] } },
    expected: [],
  },
  {
    name: 'a backend gains a client policy',
    before: { spec: { backends: [{ virtualService: { virtualServiceName: 'x' } }] } },
    after: { spec: { backends: [{ virtualService: { virtualServiceName: 'x', clientPolicy: { tls: { enforce: true } } } }] } },
    expected: [{ op: 'add', path: 'spec.backends[x].virtualService.clientPolicy.tls.enforce', after: true }],
  },
  {
    name: 'retry events are a set',
    before: { spec: { retryPolicy: { httpRetryEvents: ['server-error', 'gateway-error'] } } },
    after: { spec: { retryPolicy: { httpRetryEvents: ['gateway-error', 'stream-error'] } } },
    expected: [
      { op: 'remove', path: 'spec.retryPolicy.httpRetryEvents[]', before: 'server-error' },
      { op: 'add', path: 'spec.retryPolicy.httpRetryEvents[]', after: 'stream-error' },
    ],
  },
  {
    name: 'header order is semantic and matched by name',
    before: { spec: { match: { headers: [{ name: 'a' }, { name: 'b' }] } } },
    after: { spec: { match: { headers: [{ name: 'b' }, { name: 'a' }] } } },
    expected: [{ op: 'order', path: 'spec.match.headers', before: ['a', 'b'], after: ['b', 'a'] }],
  },
  {
    name: 'listeners are matched by port',
    before: { spec: { listeners: [{ portMapping: { port: 80, protocol: 'http' } }, { portMapping: { port: 81, protocol: 'http' } }] } },
    after: { spec: { listeners: [{ portMapping: { port: 81, protocol: 'grpc' } }] } },
    expected: [
      { op: 'change', path: 'spec.listeners[0].portMapping.protocol', before: 'http', after: 'grpc' },
      { op: 'remove', path: 'spec.listeners[0].portMapping.port', before: 80 },
      { op: 'remove', path: 'spec.listeners[0].portMapping.protocol', before: 'http' },
    ],
  },
  {
    name: 'tags are a set matched by key',
    before: { tags: [{ key: 'team', value: 'a' }, { key: 'tier', value: '1' }] },
    after: { tags: [{ key: 'tier', value: '1' }, { key: 'team', value: 'b' }] },
    expected: [{ op: 'change', path: 'tags[team].value', before: 'a', after: 'b' }],
  },
  {
    name: 'a union member switch is one removal and one addition',
    before: { spec: { serviceDiscovery: { dns: { hostname: 'a' } } } },
    after: { spec: { serviceDiscovery: { awsCloudMap: { namespaceName: 'n', serviceName: 's' } } } },
    expected: [
      { op: 'add', path: 'spec.serviceDiscovery.awsCloudMap.namespaceName', after: 'n' },
      { op: 'add', path: 'spec.serviceDiscovery.awsCloudMap.serviceName', after: 's' },
      { op: 'remove', path: 'spec.serviceDiscovery.dns.hostname', before: 'a' },
    ],
  },
];

describe('plan diff (WR-4 canonical form, identity-matched lists)', () => {
  for (const c of CASES) {
    it(c.name, () => assert.deepEqual(diffValues(c.before, c.after), c.expected));
  }
});
