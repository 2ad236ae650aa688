import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateSchema } from '../../provider/validate/schema-layer';
import { SHARED_DIR } from '../helpers/paths';
import { resourceFromYaml } from './resource-from-yaml';

interface Case {
  name: string;
  input: string;
  expected: { code: string; pointer?: string; message?: RegExp };
}

// resource-model.md Appendix B.3, NEG-02…NEG-10 (the shape-level negative cases), plus the
// VirtualNode variant of NEG-09.
const NEGATIVE_CASES: Case[] = [
  {
    name: 'NEG-02 weight 101',
    input: `
kind: Route
meshName: apps
virtualRouterName: serviceB
routeName: neg-02
spec:
  http2Route: {match: {prefix: /}, action: {weightedTargets: [{virtualNode: serviceB, weight: 101}]}}`,
    expected: {
      code: 'RT-T-1',
      pointer: '/spec/http2Route/action/weightedTargets/0/weight',
      message: /^spec\.http2Route\.action\.weightedTargets\[0\]\.weight is 101; it must be between 0 and 100 \(WeightedTarget\.weight\)/,
    },
  },
  {
    name: 'NEG-03 perRetryTimeout missing',
    input: `
kind: Route
meshName: apps
virtualRouterName: serviceB
routeName: neg-03
spec:
  http2Route:
    match: {prefix: /}
    action: {weightedTargets: [{virtualNode: serviceB, weight: 100}]}
    retryPolicy: {maxRetries: 2, httpRetryEvents: [gateway-error]}`,
    expected: {
      code: 'RT-R-1',
      pointer: '/spec/http2Route/retryPolicy',
      message: /spec\.http2Route\.retryPolicy is missing required member perRetryTimeout \(HttpRetryPolicy\)/,
    },
  },
  {
    name: 'NEG-04 timeoutMillis missing',
    input: `
kind: VirtualNode
meshName: apps
virtualNodeName: neg-04
spec:
  listeners:
    - portMapping: {port: 8080, protocol: http}
      healthCheck: {protocol: http, healthyThreshold: 2, unhealthyThreshold: 2, intervalMillis: 5000}
  serviceDiscovery: {dns: {hostname: neg-04.apps.local}}`,
    expected: { code: 'HC-1', pointer: '/spec/listeners/0/healthCheck', message: /spec\.listeners\[0\]\.healthCheck is missing required member timeoutMillis/ },
  },
  {
    name: 'NEG-05 listener validation trust cannot be acm',
    input: `
kind: VirtualNode
meshName: apps
virtualNodeName: neg-05
spec:
  listeners:
    - portMapping: {port: 8080, protocol: http}
      tls:
        mode: STRICT
        certificate: {file: {certificateChain: /c.pem, privateKey: /k.pem}}
        validation: {trust: {acm: {certificateAuthorityArns: ["arn:aws:acm-pca:us-west-2:111122223333:certificate-authority/x"]}}}
  serviceDiscovery: {dns: {hostname: neg-05.apps.local}}`,
    expected: {
      code: 'VN-L-4',
      pointer: '/spec/listeners/0/tls/validation/trust/acm',
      message: /unknown key "acm" in spec\.listeners\[0\]\.tls\.validation\.trust; allowed keys: file, sds/,
    },
  },
  {
    name: 'NEG-06 tcp listener on a gateway',
    input: `
kind: VirtualGateway
meshName: apps
virtualGatewayName: neg-06
spec:
  listeners:
    - portMapping: {port: 9000, protocol: tcp}`,
    expected: { code: 'VG-1', pointer: '/spec/listeners/0/portMapping/protocol', message: /is "tcp"; it must be one of http, http2, grpc/ },
  },
  {
    name: 'NEG-07 unknown egress filter type',
    input: `
kind: Mesh
meshName: neg-07
spec:
  egressFilter: {type: BLOCK}`,
    expected: { code: 'MESH-1', pointer: '/spec/egressFilter/type', message: /spec\.egressFilter\.type is "BLOCK"; it must be one of ALLOW_ALL, DROP_ALL/ },
  },
  {
    name: 'NEG-08 two providers',
    input: `
kind: VirtualService
meshName: apps
virtualServiceName: neg-08.apps.local
spec:
  provider:
    virtualNode: {virtualNodeName: serviceA}
    virtualRouter: {virtualRouterName: serviceB}`,
    expected: {
      code: 'VS-1',
      pointer: '/spec/provider',
      message: /^spec\.provider must set exactly one of virtualNode, virtualRouter; it sets virtualNode and virtualRouter\./,
    },
  },
  {
    name: 'NEG-09 four CA ARNs on a gateway',
    input: `
kind: VirtualGateway
meshName: apps
virtualGatewayName: neg-09
spec:
  listeners:
    - portMapping: {port: 8080, protocol: http}
  backendDefaults:
    clientPolicy:
      tls:
        validation:
          trust:
            acm:
              certificateAuthorityArns: [arn:a, arn:b, arn:c, arn:d]`,
    expected: { code: 'VG-4', message: /certificateAuthorityArns has 4 entries; it must have 1 to 3/ },
  },
  {
    name: 'NEG-09 four CA ARNs on a virtual node',
    input: `
kind: VirtualNode
meshName: apps
virtualNodeName: neg-09
spec:
  backendDefaults:
    clientPolicy:
      tls:
        validation:
          trust:
            acm:
              certificateAuthorityArns: [arn:a, arn:b, arn:c, arn:d]`,
    expected: { code: 'VN-CP-1', pointer: '/spec/backendDefaults/clientPolicy/tls/validation/trust/acm/certificateAuthorityArns' },
  },
  {
    name: 'NEG-10 priority 1001',
    input: `
kind: GatewayRoute
meshName: apps
virtualGatewayName: ingress-gw
gatewayRouteName: neg-10
spec:
  priority: 1001
  httpRoute:
    match: {prefix: /, port: 8443}
    action: {target: {virtualService: {virtualServiceName: servicea.apps.local}, port: 8080}}`,
    expected: { code: 'GR-14', pointer: '/spec/priority', message: /spec\.priority is 1001; it must be between 0 and 1000/ },
  },
];

// Further cases, one per kind of mistake the messages must explain.
const MESSAGE_CASES: Case[] = [
  {
    name: 'unknown key with did-you-mean',
    input: `
kind: VirtualNode
meshName: apps
virtualNodeName: typo
spec:
  listeners: [{portMapping: {port: 80, protocol: http}}]
  serviceDiscovery: {dns: {hostName: typo.apps.local}}`,
    expected: {
      code: 'VN-SD-1',
      pointer: '/spec/serviceDiscovery/dns/hostName',
      message: /^unknown key "hostName" in spec\.serviceDiscovery\.dns; allowed keys: hostname, ipPreference, responseType\. Did you mean "hostname"\?$/,
    },
  },
  {
    name: 'port out of range',
    input: `
kind: VirtualNode
meshName: apps
virtualNodeName: big-port
spec:
  listeners: [{portMapping: {port: 70000, protocol: http}}]
  serviceDiscovery: {dns: {hostname: big-port.apps.local}}`,
    expected: {
      code: 'VN-L-1',
      message: /^spec\.listeners\[0\]\.portMapping\.port is 70000; it must be between 1 and 65535 \(PortMapping\.port\)\. Use a port in that range\.$/,
    },
  },
  {
    name: 'service discovery with neither member',
    input: `
kind: VirtualNode
meshName: apps
virtualNodeName: empty-sd
spec:
  serviceDiscovery: {}`,
    expected: { code: 'VN-SD-1', message: /^spec\.serviceDiscovery must set exactly one of awsCloudMap, dns; it sets none\./ },
  },
  {
    name: 'route priority out of range',
    input: `
kind: Route
meshName: apps
virtualRouterName: serviceB
routeName: prio
spec:
  priority: -1
  tcpRoute: {action: {weightedTargets: [{virtualNode: db, weight: 1}]}}`,
    expected: { code: 'RT-PR-1', message: /spec\.priority is -1; it must be between 0 and 1000/ },
  },
  {
    name: 'header match with two methods',
    input: `
kind: Route
meshName: apps
virtualRouterName: serviceB
routeName: hdr
spec:
  httpRoute:
    match: {prefix: /, headers: [{name: x, match: {exact: a, prefix: b}}]}
    action: {weightedTargets: [{virtualNode: db, weight: 1}]}`,
    expected: { code: 'MM-1', pointer: '/spec/httpRoute/match/headers/0/match' },
  },
  {
    name: 'path match too long',
    input: `
kind: Route
meshName: apps
virtualRouterName: serviceB
routeName: path
spec:
  httpRoute:
    match: {path: {exact: /${'a'.repeat(255)}}}
    action: {weightedTargets: [{virtualNode: db, weight: 1}]}`,
    expected: { code: 'PM-1', message: /^spec\.httpRoute\.match\.path\.exact is 256 characters long; it must be 1 to 255 characters long \(HttpPathMatch\.exact\)/ },
  },
  {
    name: 'tcp timeout with perRequest (NEG-27)',
    input: `
kind: VirtualNode
meshName: apps
virtualNodeName: db
spec:
  listeners:
    - portMapping: {port: 5432, protocol: tcp}
      timeout: {tcp: {perRequest: {unit: s, value: 5}}}
  serviceDiscovery: {dns: {hostname: db.apps.local}}`,
    expected: { code: 'VN-L-2', pointer: '/spec/listeners/0/timeout/tcp/perRequest' },
  },
  {
    name: 'tcp connection pool on a gateway (NEG-30)',
    input: `
kind: VirtualGateway
meshName: apps
virtualGatewayName: gw
spec:
  listeners: [{portMapping: {port: 8443, protocol: http}, connectionPool: {tcp: {maxConnections: 1}}}]`,
    expected: { code: 'VG-2', message: /unknown key "tcp" in spec\.listeners\[0\]\.connectionPool; allowed keys: grpc, http, http2/ },
  },
  {
    name: 'gateway route hostname too long',
    input: `
kind: GatewayRoute
meshName: apps
virtualGatewayName: ingress-gw
gatewayRouteName: host
spec:
  httpRoute:
    match: {hostname: {exact: ${'a'.repeat(254)}}}
    action: {target: {virtualService: {virtualServiceName: servicea.apps.local}}}`,
    expected: { code: 'GR-3', message: /is 254 characters long; it must be 1 to 253 characters long/ },
  },
  {
    name: 'empty name',
    input: `
kind: VirtualRouter
meshName: apps
virtualRouterName: ""
spec: {}`,
    expected: { code: 'ID-1', pointer: '/virtualRouterName', message: /^virtualRouterName is empty/ },
  },
  {
    name: 'virtual service name longer than 255 (ID-1 beyond the model)',
    input: `
kind: VirtualService
meshName: apps
virtualServiceName: ${'s'.repeat(256)}
spec: {}`,
    expected: { code: 'ID-1' },
  },
  {
    name: 'too many tags',
    input: `
kind: Mesh
meshName: apps
tags: [${Array.from({ length: 51 }, (_, i) => `{key: k${i}, value: v}`).join(', ')}]`,
    expected: { code: 'TAG-1', pointer: '/tags' },
  },
  {
    name: 'spec missing',
    input: `
kind: VirtualNode
meshName: apps
virtualNodeName: nospec`,
    expected: { code: 'WR-2', pointer: '', message: /^the document is missing required member spec/ },
  },
  {
    name: 'wrong type',
    input: `
kind: VirtualRouter
meshName: apps
virtualRouterName: r
spec: {listeners: [{portMapping: {port: "80", protocol: http}}]}`,
    expected: { code: 'VR-2', message: /port is a string; it must be an integer \(PortMapping\.port\)/ },
  },
];

describe('schema layer', () => {
  for (const { name, input, expected } of [...NEGATIVE_CASES, ...MESSAGE_CASES]) {
    it(name, () => {
      const diagnostics = validateSchema(resourceFromYaml(input));
      assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics, null, 2));
      const [d] = diagnostics;
      assert.equal(d.code, expected.code, d.message);
      assert.equal(d.severity, 'error');
      if (expected.pointer !== undefined) assert.equal(d.pointer, expected.pointer);
      if (expected.message) assert.match(d.message, expected.message);
    });
  }

  it('accepts every valid fixture of resource-model.md Appendix B.2', () => {
    const fixtures = validFixtures();
    assert.ok(fixtures.length >= 20, `found only ${fixtures.length} fixtures`);
    for (const { name, yaml } of fixtures) {
      assert.deepEqual(validateSchema(resourceFromYaml(yaml)), [], `fixture ${name}`);
    }
  });

  it('accepts metadata, status and clientToken (the kind rules warn about them)', () => {
    const input = 'kind: Mesh\nmeshName: apps\nclientToken: abc\nmetadata: {uid: x}\nstatus: {status: ACTIVE}\n';
    assert.deepEqual(validateSchema(resourceFromYaml(input)), []);
  });

  it('positions a diagnostic with the source locator and names the file', () => {
    const located: string[] = [];
    const source = {
      file: 'environments/dev/mesh.yaml',
      docIndex: 0,
      locate: (pointer: string) => (located.push(pointer), { line: 4, column: 9 }),
    };
    const [d] = validateSchema(resourceFromYaml('kind: Mesh\nmeshName: apps\nspec:\n  egressFilter: {type: BLOCK}\n', source));
    assert.deepEqual(located, ['/spec/egressFilter/type']);
    assert.deepEqual({ file: d.file, line: d.line, column: d.column }, { file: 'environments/dev/mesh.yaml', line: 4, column: 9 });
  });

  it('reports each missing member of one object in one diagnostic, and nothing below a wrong type', () => {
    const missing = validateSchema(
      resourceFromYaml('kind: VirtualRouter\nmeshName: apps\nvirtualRouterName: r\nspec: {listeners: [{portMapping: {}}]}\n'),
    );
    assert.equal(missing.length, 1);
    assert.match(missing[0].message, /missing required members port, protocol/);
    const wrongType = validateSchema(resourceFromYaml('kind: VirtualRouter\nmeshName: apps\nvirtualRouterName: r\nspec: {listeners: [7]}\n'));
    assert.deepEqual(wrongType.map((d) => d.pointer), ['/spec/listeners/0']);
  });
});

/** The `#### fixture <name>` YAML blocks of Appendix B.2. */
function validFixtures(): Array<{ name: string; yaml: string }> {
  const spec = fs.readFileSync(path.join(SHARED_DIR, 'spec', 'resource-model.md'), 'utf8');
  const section = spec.slice(spec.indexOf('### B.2'), spec.indexOf('### B.3'));
  return [...section.matchAll(/#### fixture `([^`]+)`[^\n]*\n+```yaml\n([\s\S]*?)```/g)].map(([, name, yaml]) => ({ name, yaml }));
}
