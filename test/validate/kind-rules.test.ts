// Per-document rules (kind layer) not covered by the Appendix B cases, table-driven on
// small in-memory documents.
import * as assert from 'node:assert/strict';
import { identityKey, identityOf } from '../../provider/model/identity';
import { Kind } from '../../provider/model/kinds';
import { Resource, ResourceDocument, syntheticSource } from '../../provider/model/resource';
import { validateKindRules } from '../../provider/validate/kind-layer';
import { defaultEnvironment, ValidationSettings } from '../../provider/environment/environment-config';

function resource(doc: Record<string, unknown>): Resource {
  const kind = doc.kind as Kind;
  const identity = identityOf(kind, doc)!;
  return { kind, identity, key: identityKey(identity), doc: doc as ResourceDocument, source: syntheticSource('doc.yaml') };
}

const listener = (port: number, protocol: string, extra: object = {}) => ({ portMapping: { port, protocol }, ...extra });
const node = (spec: object, extra: object = {}) => ({ kind: 'VirtualNode', meshName: 'apps', virtualNodeName: 'n', spec, ...extra });
const dns = { dns: { hostname: 'n.apps.local' } };
const target = [{ virtualNode: 'n', weight: 100 }];
const route = (spec: object) => ({ kind: 'Route', meshName: 'apps', virtualRouterName: 'r', routeName: 'x', spec });
const gatewayRoute = (spec: object) => ({ kind: 'GatewayRoute', meshName: 'apps', virtualGatewayName: 'g', gatewayRouteName: 'x', spec });
const gwTarget = { target: { virtualService: { virtualServiceName: 's.apps.local' } } };
const gateway = (listeners: object[], extra: object = {}) => ({ kind: 'VirtualGateway', meshName: 'apps', virtualGatewayName: 'g', spec: { listeners, ...extra } });

interface Case {
  name: string;
  input: Record<string, unknown>;
  validation?: Partial<ValidationSettings>;
  /** `CODE severity pointer` of every diagnostic, in order. */
  expected: string[];
}

const cases: Case[] = [
  // §1 envelope and names
  { name: 'ID-3 strict rejects a dot in a node name', input: node({}, { virtualNodeName: 'a.b' }), expected: ['ID-3 error /virtualNodeName'] },
  { name: 'ID-3 compat accepts a dot but never a slash', input: node({}, { virtualNodeName: 'a/b' }), validation: { names: 'compat' }, expected: ['ID-3 error /virtualNodeName'] },
  { name: 'ID-3 strict allows dots in virtual-service names', input: { kind: 'VirtualService', meshName: 'apps', virtualServiceName: 'a.b', spec: {} }, expected: [] },
  { name: 'ID-8 metadata and status are ignored with a warning', input: node({}, { metadata: {}, status: {} }), expected: ['ID-8 warning /metadata', 'ID-8 warning /status'] },
  { name: 'WR-3 clientToken is ignored with a warning', input: node({}, { clientToken: 't' }), expected: ['WR-3 warning /clientToken'] },
  { name: 'TAG-1 duplicate tag keys', input: node({}, { tags: [{ key: 'a' }, { key: 'a', value: 'b' }] }), expected: ['TAG-1 error /tags/1/key'] },
  { name: 'VS-5 service name without a dot', input: { kind: 'VirtualService', meshName: 'apps', virtualServiceName: 'orders', spec: {} }, expected: ['VS-5 warning /virtualServiceName'] },
  // §6 virtual node
  { name: 'VN-L-1 an empty listener list (the SDKs require at least one)', input: node({ listeners: [] }), expected: ['VN-L-1 error /spec/listeners'] },
  { name: 'VR-1 an empty router listener list', input: { kind: 'VirtualRouter', meshName: 'apps', virtualRouterName: 'r', spec: { listeners: [] } }, expected: ['VR-1 error /spec/listeners'] },
  { name: 'VG-1 an empty gateway listener list', input: gateway([]), expected: ['VG-1 error /spec/listeners'] },
  { name: 'VS-4 a virtual service provided by a node is fine', input: { kind: 'VirtualService', meshName: 'apps', virtualServiceName: 's.apps.local', spec: { provider: { virtualNode: { virtualNodeName: 'n' } } } }, expected: [] },
  { name: 'VN-L-1 duplicate listener ports', input: node({ listeners: [listener(80, 'http'), listener(80, 'http2')], serviceDiscovery: dns }), expected: ['VN-L-1 error /spec/listeners/1/portMapping/port'] },
  { name: 'VN-L-5 Envoy admin port', input: node({ listeners: [listener(9901, 'http')], serviceDiscovery: dns }), expected: ['VN-L-5 warning /spec/listeners/0/portMapping/port'] },
  { name: 'TO-1 timeout member differs from the protocol', input: node({ listeners: [listener(80, 'http', { timeout: { grpc: {} } })], serviceDiscovery: dns }), expected: ['TO-1 error /spec/listeners/0/timeout'] },
  {
    name: 'HC-1, HC-2, HC-4 on one health check',
    input: node({ listeners: [listener(80, 'http', { healthCheck: { protocol: 'http', path: '/', port: 81, intervalMillis: 5000, timeoutMillis: 6000 } })], serviceDiscovery: dns }),
    expected: ['HC-1 error /spec/listeners/0/healthCheck', 'HC-2 error /spec/listeners/0/healthCheck/port', 'HC-4 warning /spec/listeners/0/healthCheck/timeoutMillis'],
  },
  { name: 'HC-3 http health check without path', input: node({ listeners: [listener(80, 'http', { healthCheck: { protocol: 'http', healthyThreshold: 2, unhealthyThreshold: 2, intervalMillis: 5000, timeoutMillis: 2000 } })], serviceDiscovery: dns }), expected: ['HC-3 warning /spec/listeners/0/healthCheck'] },
  { name: 'OD-2 DNS without responseType defaults to LOADBALANCER', input: node({ listeners: [listener(80, 'http', { outlierDetection: {} })], serviceDiscovery: dns }), expected: ['OD-2 warning /spec/listeners/0/outlierDetection'] },
  { name: 'VN-SD-4 Cloud Map without an adapter', input: node({ serviceDiscovery: { awsCloudMap: { namespaceName: 'a', serviceName: 'b' } } }), validation: { cloudMapAdapter: false }, expected: ['VN-SD-4 error /spec/serviceDiscovery/awsCloudMap'] },
  {
    name: 'TLS-5 ACM certificate without a provider',
    input: node({ listeners: [listener(80, 'http', { tls: { mode: 'STRICT', certificate: { acm: { certificateArn: 'arn' } } } })], serviceDiscovery: dns }),
    validation: { acmProvider: false },
    expected: ['TLS-5 error /spec/listeners/0/tls/certificate/acm'],
  },
  {
    name: 'VN-L-4 listener trust from ACM, TLS-1 malformed SAN',
    input: node({ listeners: [listener(80, 'http', { tls: { mode: 'STRICT', certificate: { sds: { secretName: 's' } }, validation: { trust: { acm: {} }, subjectAlternativeNames: { match: { exact: ['not a name'] } } } } })], serviceDiscovery: dns }),
    expected: ['VN-L-4 error /spec/listeners/0/tls/validation/trust/acm', 'TLS-1 error /spec/listeners/0/tls/validation/subjectAlternativeNames/match/exact/0'],
  },
  {
    name: 'VN-BE-1 duplicate backend; TLS-2 wildcard SAN under default enforce; VN-CP-4 duplicate port',
    input: node({
      backends: [{ virtualService: { virtualServiceName: 's.apps.local' } }, { virtualService: { virtualServiceName: 's.apps.local' } }],
      backendDefaults: { clientPolicy: { tls: { ports: [80, 80], validation: { trust: { file: { certificateChain: '/c' } }, subjectAlternativeNames: { match: { exact: ['*.apps.local'] } } } } } },
    }),
    expected: ['VN-BE-1 error /spec/backends/1/virtualService/virtualServiceName', 'TLS-2 error /spec/backendDefaults/clientPolicy/tls/validation/subjectAlternativeNames/match/exact/0', 'VN-CP-4 error /spec/backendDefaults/clientPolicy/tls/ports/1'],
  },
  {
    name: 'LOG-2 unknown Envoy operator; known operators with arguments pass',
    input: node({ logging: { accessLog: { file: { path: '/dev/stdout', format: { json: [{ key: 'a', value: '%START_TIME(%Y-%m-%dT%H:%M:%S)% %REQ(X-Y?:PATH):10% 100%%' }, { key: 'b', value: '%RESPONSE_CODES%' }] } } } } }),
    expected: ['LOG-2 warning /spec/logging/accessLog/file/format/json/1/value'],
  },
  // §7 router
  { name: 'VR-2 duplicate router listener ports', input: { kind: 'VirtualRouter', meshName: 'apps', virtualRouterName: 'r', spec: { listeners: [listener(80, 'http'), listener(80, 'tcp')] } }, expected: ['VR-2 error /spec/listeners/1/portMapping/port'] },
  // §8 route
  { name: 'RT-1 no route type', input: route({ priority: 1 }), expected: ['RT-1 error /spec'] },
  { name: 'RT-M-2 prefix without a leading slash', input: route({ httpRoute: { match: { prefix: 'api' }, action: { weightedTargets: target } } }), expected: ['RT-M-2 error /spec/httpRoute/match/prefix'] },
  {
    name: 'A-16 empty header match, MM-2 empty range, RT-M-6 duplicate header, MM-3 look-ahead',
    input: route({ http2Route: { match: { prefix: '/', headers: [{ name: 'x', match: {} }, { name: 'X', match: { range: { start: 5, end: 5 } } }, { name: 'y', match: { regex: 'a(?=b)' } }] }, action: { weightedTargets: target } } }),
    expected: ['A-16 error /spec/http2Route/match/headers/0/match', 'RT-M-6 warning /spec/http2Route/match/headers/1/name', 'MM-2 error /spec/http2Route/match/headers/1/match/range', 'MM-3 error /spec/http2Route/match/headers/2/match/regex'],
  },
  { name: 'PM-1 path with exact and regex', input: route({ httpRoute: { match: { path: { exact: '/a', regex: '/b' } }, action: { weightedTargets: target } } }), expected: ['PM-1 error /spec/httpRoute/match/path'] },
  { name: 'RT-M-4 query parameter match without exact', input: route({ httpRoute: { match: { prefix: '/', queryParameters: [{ name: 'q', match: {} }] }, action: { weightedTargets: target } } }), expected: ['RT-M-4 error /spec/httpRoute/match/queryParameters/0/match'] },
  { name: 'RT-T-2 all weights 0', input: route({ tcpRoute: { action: { weightedTargets: [{ virtualNode: 'n', weight: 0 }] } } }), expected: ['RT-T-2 error /spec/tcpRoute/action/weightedTargets'] },
  { name: 'RT-T-5 duplicate node and port', input: route({ tcpRoute: { action: { weightedTargets: [{ virtualNode: 'n', weight: 50, port: 1 }, { virtualNode: 'n', weight: 50, port: 1 }] } } }), expected: ['RT-T-5 warning /spec/tcpRoute/action/weightedTargets/1'] },
  { name: 'A-25 retry policy on a tcp route', input: route({ tcpRoute: { action: { weightedTargets: target }, retryPolicy: { maxRetries: 1 } } }), expected: ['A-25 error /spec/tcpRoute/retryPolicy'] },
  {
    name: 'RT-R-1 no events, unknown http event, grpc events on http2, wrong tcp events',
    input: route({ http2Route: { match: { prefix: '/' }, action: { weightedTargets: target }, retryPolicy: { maxRetries: 1, perRetryTimeout: { unit: 's', value: 1 }, httpRetryEvents: ['5xx'], grpcRetryEvents: ['cancelled'], tcpRetryEvents: ['reset'] } } }),
    expected: ['RT-R-1 error /spec/http2Route/retryPolicy/httpRetryEvents/0', 'RT-R-1 error /spec/http2Route/retryPolicy/grpcRetryEvents', 'RT-R-1 error /spec/http2Route/retryPolicy/tcpRetryEvents'],
  },
  { name: 'RT-R-1 missing perRetryTimeout and events', input: route({ httpRoute: { match: { prefix: '/' }, action: { weightedTargets: target }, retryPolicy: { maxRetries: 1 } } }), expected: ['RT-R-1 error /spec/httpRoute/retryPolicy', 'RT-R-1 error /spec/httpRoute/retryPolicy'] },
  // §9 gateway
  {
    name: 'VG-1 tcp listener and duplicate port; VG-6 privileged and admin ports',
    input: gateway([listener(80, 'http'), listener(80, 'tcp'), listener(9901, 'grpc')]),
    expected: ['VG-1 error /spec/listeners/1/portMapping/port', 'VG-6 warning /spec/listeners/0/portMapping/port', 'VG-1 error /spec/listeners/1/portMapping/protocol', 'VG-6 warning /spec/listeners/1/portMapping/port', 'VG-6 warning /spec/listeners/2/portMapping/port'],
  },
  { name: 'VN-CP-2 ACM client certificate on a gateway', input: gateway([listener(8080, 'http')], { backendDefaults: { clientPolicy: { tls: { certificate: { acm: {} }, validation: { trust: { file: { certificateChain: '/c' } } } } } } }), expected: ['VN-CP-2 error /spec/backendDefaults/clientPolicy/tls/certificate/acm'] },
  // §10 gateway route
  { name: 'GR-1 tcpRoute on a gateway route', input: gatewayRoute({ tcpRoute: {} }), expected: ['GR-1 error /spec'] },
  { name: 'GR-2 no prefix, path or hostname', input: gatewayRoute({ httpRoute: { match: { port: 8080 }, action: gwTarget } }), expected: ['GR-2 error /spec/httpRoute/match'] },
  { name: 'GR-3 hostname with exact and suffix', input: gatewayRoute({ httpRoute: { match: { hostname: { exact: 'a.b', suffix: '.b' } }, action: gwTarget } }), expected: ['GR-3 error /spec/httpRoute/match/hostname'] },
  { name: 'GR-5 reserved gRPC service name', input: gatewayRoute({ grpcRoute: { match: { serviceName: 'aws.appmesh.Status' }, action: gwTarget } }), expected: ['GR-5 error /spec/grpcRoute/match/serviceName'] },
  { name: 'GR-5 gRPC match without serviceName or hostname (App Mesh accepted it)', input: gatewayRoute({ grpcRoute: { match: {}, action: gwTarget } }), expected: ['GR-5 warning /spec/grpcRoute/match'] },
  { name: 'GR-5 gRPC match only on port (App Mesh accepted it)', input: gatewayRoute({ grpcRoute: { match: { port: 8443 }, action: gwTarget } }), expected: ['GR-5 warning /spec/grpcRoute/match'] },
  { name: 'GR-9 path rewrite on a gRPC gateway route', input: gatewayRoute({ grpcRoute: { match: { serviceName: 'a.B' }, action: { ...gwTarget, rewrite: { path: { exact: '/x' } } } } }), expected: ['GR-9 error /spec/grpcRoute/action/rewrite/path'] },
  { name: 'GR-7 path rewrite with a prefix match', input: gatewayRoute({ httpRoute: { match: { prefix: '/a/' }, action: { ...gwTarget, rewrite: { path: { exact: '/x' } } } } }), expected: ['GR-7 error /spec/httpRoute/action/rewrite/path'] },
  { name: 'GR-8 prefix rewrite with defaultPrefix and value', input: gatewayRoute({ httpRoute: { match: { prefix: '/a/' }, action: { ...gwTarget, rewrite: { prefix: { defaultPrefix: 'ENABLED', value: '/b/' } } } } }), expected: ['GR-8 error /spec/httpRoute/action/rewrite/prefix'] },
  { name: 'odd values never throw', input: node({ listeners: [null, 5, { portMapping: 'x', healthCheck: [] }], backends: 'x', logging: { accessLog: { file: { format: { text: 7 } } } } }), expected: ['VN-SD-2 error /spec/listeners'] },
];

describe('kind rules (validateKindRules)', () => {
  for (const { name, input, validation, expected } of cases) {
    it(name, () => {
      const environment = defaultEnvironment('test');
      Object.assign(environment.validation, validation);
      const diagnostics = validateKindRules(resource(input), { environment });
      assert.deepEqual(diagnostics.map((d) => `${d.code} ${d.severity} ${d.pointer}`), expected);
      for (const d of diagnostics) assert.ok(d.message.length > 40, `${d.code} message explains the fix: ${d.message}`);
    });
  }
});
