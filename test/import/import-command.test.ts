// `meshplane import` end to end: canonical files, re-import as a no-op, describe dumps,
// CloudFormation intrinsics, malformed inputs that write nothing, usage errors.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../reconciler/cli/main';
import { captureTerminal } from '../helpers/capture-terminal';
import { FIXTURES_DIR } from '../helpers/paths';
import { makeTempRepo, TempRepo } from '../helpers/temp-repo';

const ENVIRONMENT = 'account: "111122223333"\nregion: us-west-2\n';

async function meshplane(repo: TempRepo, ...args: string[]) {
  const terminal = captureTerminal();
  const code = await main(['node', 'meshplane', 'import', ...args.map((a) => (a.startsWith('@') ? path.join(repo.dir, a.slice(1)) : a))], terminal);
  return { code, out: terminal.stdout, err: terminal.stderr };
}

function filesUnder(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[path.relative(dir, full).split(path.sep).join('/')] = fs.readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return out;
}

describe('meshplane import', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = makeTempRepo({ 'environments/prod/environment.yaml': ENVIRONMENT });
  });
  afterEach(() => repo.remove());

  const corpus = fs.existsSync(FIXTURES_DIR) ? it : it.skip;

  corpus('writes one canonical file per resource with a provenance header, then validates', async () => {
    const input = path.join(FIXTURES_DIR, 'howto-k8s-ingress-gateway', 'k8s');
    const result = await meshplane(repo, '--from', 'k8s', input, '--out', '@environments/prod');
    assert.equal(result.code, 0, result.out);
    const files = filesUnder(path.join(repo.dir, 'environments/prod'));
    const gateway = files['howto-k8s-ingress-gateway/virtual-gateway/ingress-gw_howto-k8s-ingress-gateway.yaml'];
    assert.ok(gateway, Object.keys(files).join('\n'));
    // The input is outside the working directory: the header is relative to the folder holding it.
    assert.match(gateway, /^# Imported by meshplane from k8s\/v1beta2\/manifest\.yaml\nkind: VirtualGateway\nmeshName: howto-k8s-ingress-gateway\nvirtualGatewayName: ingress-gw_howto-k8s-ingress-gateway\nspec:\n/);
    assert.ok(files['howto-k8s-ingress-gateway/gateway-route/ingress-gw_howto-k8s-ingress-gateway/gateway-route-paths_howto-k8s-ingress-gateway.yaml']);
    assert.match(result.out, /info IMPORT-NOT-IMPORTED: podSelector exists only in Kubernetes/);
    assert.match(result.out, /import complete: \d+ resources from 1 file/);
    assert.match(result.out, /valid: 0 errors/);
  });

  corpus('re-importing its own output changes nothing', async () => {
    for (const [dialect, input] of [
      ['cloudformation', 'howto-http2/cloudformation'],
      ['k8s', 'howto-k8s-http-headers/k8s/v1beta2'],
      ['describe', 'howto-match-and-rewrite-at-ingress/api'],
    ]) {
      const first = await meshplane(repo, '--from', dialect, path.join(FIXTURES_DIR, input), '--out', '@environments/prod', '--param', 'ProjectName=howto-http2');
      assert.ok(first.code === 0 || dialect === 'describe', first.out);
      const before = filesUnder(path.join(repo.dir, 'environments/prod'));
      const again = await meshplane(repo, '--from', 'describe', '@environments/prod', '--out', '@environments/prod', '--format', 'json');
      const report = JSON.parse(again.out);
      assert.deepEqual(report.written, [], `${dialect}: re-import rewrote files`);
      assert.deepEqual(filesUnder(path.join(repo.dir, 'environments/prod')), before);
      fs.rmSync(path.join(repo.dir, 'environments/prod'), { recursive: true });
      repo.write('environments/prod/environment.yaml', ENVIRONMENT);
    }
  });

  it('imports describe output, list+describe dumps and arrays, dropping metadata and reporting the account', async () => {
    const metadata = (arn: string) => ({ arn, createdAt: '2024-01-01T00:00:00Z', lastUpdatedAt: '2024-01-01T00:00:00Z', meshOwner: '111122223333', resourceOwner: '111122223333', uid: 'u', version: 1 });
    repo.write('dump/mesh.json', JSON.stringify({ mesh: { meshName: 'apps', metadata: metadata('arn:aws:appmesh:eu-west-1:123456789012:mesh/apps'), spec: {}, status: { status: 'ACTIVE' } } }));
    repo.write(
      'dump/all.json',
      JSON.stringify({
        virtualNodes: [{ meshName: 'apps', virtualNodeName: 'a', arn: 'arn:aws:appmesh:eu-west-1:123456789012:mesh/apps/virtualNode/a' }],
        virtualServices: [{ meshName: 'apps', virtualServiceName: 'ghost.apps.local', arn: 'x' }],
      }),
    );
    repo.write(
      'dump/described.json',
      JSON.stringify([
        { virtualNode: { meshName: 'apps', virtualNodeName: 'a', metadata: { ...metadata('arn:aws:appmesh:eu-west-1:123456789012:mesh/apps/virtualNode/a'), meshOwner: '444455556666', resourceOwner: '123456789012' }, spec: { listeners: [{ portMapping: { port: 80, protocol: 'http' } }], serviceDiscovery: { dns: { hostname: 'a.apps.local' } } }, status: { status: 'ACTIVE' } } },
      ]),
    );
    const result = await meshplane(repo, '--from', 'describe', '@dump', '--out', '@environments/prod', '--format', 'json');
    const report = JSON.parse(result.out);
    const node = fs.readFileSync(path.join(repo.dir, 'environments/prod/apps/virtual-node/a.yaml'), 'utf8');
    assert.doesNotMatch(node, /metadata|status|createdAt/);
    assert.match(node, /meshOwner: "444455556666"/);
    assert.ok(report.report.some((f: any) => f.code === 'IMPORT-ACCOUNT' && f.message.includes('123456789012') && f.message.includes('eu-west-1')));
    const listOnly = report.report.find((f: any) => f.code === 'IMPORT-LIST-ONLY');
    assert.ok(listOnly && listOnly.message.includes('ghost.apps.local') && listOnly.file.endsWith('dump/all.json') && listOnly.line === 1);
    assert.equal(report.complete, true);
  });

  it('evaluates CloudFormation intrinsics and reports what it cannot resolve with file and line', async () => {
    repo.write(
      'cfn/mesh.yaml',
      [
        'Parameters:',
        '  Name: { Type: String, Default: apps }',
        '  Secure: { Type: String, AllowedValues: ["yes", "no"] }',
        'Conditions:',
        '  IsSecure: !Equals [!Ref Secure, "yes"]',
        'Resources:',
        '  Mesh:',
        '    Type: AWS::AppMesh::Mesh',
        '    Properties:',
        '      MeshName: !Ref Name',
        '  Node:',
        '    Type: AWS::AppMesh::VirtualNode',
        '    Properties:',
        '      MeshName: !GetAtt Mesh.MeshName',
        '      VirtualNodeName: !Sub "${Name}-node"',
        '      Spec:',
        '        Listeners:',
        '          - PortMapping: { Port: "8080", Protocol: http }',
        '            TLS: !If [IsSecure, { Mode: STRICT, Certificate: { ACM: { CertificateArn: !ImportValue "ca-arn" } } }, !Ref AWS::NoValue]',
        '        ServiceDiscovery: { DNS: { Hostname: !GetAtt Balancer.DNSName } }',
        '  Balancer:',
        '    Type: AWS::ElasticLoadBalancingV2::LoadBalancer',
        '',
      ].join('\n'),
    );
    const unresolved = await meshplane(repo, '--from', 'cloudformation', '@cfn', '--out', '@environments/prod', '--param', 'Secure=no');
    assert.equal(unresolved.code, 1);
    assert.match(unresolved.out, /cfn\/mesh\.yaml:20:\d+: error IMPORT-UNRESOLVED: Balancer\.DNSName of a AWS::ElasticLoadBalancingV2::LoadBalancer is known only once the stack is deployed; pass --param Balancer\.DNSName=<value>\./);
    assert.match(unresolved.out, /import incomplete/);

    const resolved = await meshplane(repo, '--from', 'cloudformation', '@cfn', '--out', '@environments/prod', '--param', 'Secure=yes', '--param', 'ca-arn=arn:aws:acm:us-west-2:111122223333:certificate/1', '--param', 'Balancer.DNSName=lb.example.com');
    assert.equal(resolved.code, 0, resolved.out);
    const node = fs.readFileSync(path.join(repo.dir, 'environments/prod/apps/virtual-node/apps-node.yaml'), 'utf8');
    assert.match(node, /port: 8080\n/);
    // Keys follow the API shape order (ListenerTls: certificate, mode, validation).
    assert.match(node, /tls:\n\s+certificate:\n\s+acm:\n\s+certificateArn: arn:aws:acm:us-west-2:111122223333:certificate\/1\n\s+mode: STRICT\n/);
    assert.match(node, /hostname: lb\.example\.com/);
  });

  const malformed: Array<{ name: string; dialect: string; file: string; text: string; expect: RegExp }> = [
    { name: 'broken YAML', dialect: 'k8s', file: 'in/broken.yaml', text: 'apiVersion: appmesh.k8s.aws/v1beta2\nkind: Mesh\nmetadata:\n  name: m\n   bad: indentation\n', expect: /in\/broken\.yaml:4:\d+: error IMPORT-SYNTAX/ },
    { name: 'a template with an unknown App Mesh type', dialect: 'cloudformation', file: 'in/t.yaml', text: 'Resources:\n  M:\n    Type: AWS::AppMesh::Mesh\n    Properties: { MeshName: m }\n  X:\n    Type: AWS::AppMesh::VirtualThing\n', expect: /in\/t\.yaml:6:\d+: error IMPORT-TYPE: resource X has the unknown type AWS::AppMesh::VirtualThing/ },
    { name: 'a custom resource of an unknown version', dialect: 'k8s', file: 'in/old.yaml', text: 'apiVersion: appmesh.k8s.aws/v1beta2\nkind: Mesh\nmetadata: { name: m }\nspec: {}\n---\napiVersion: appmesh.k8s.aws/v1beta1\nkind: VirtualNode\nmetadata: { name: n }\nspec: {}\n', expect: /in\/old\.yaml:6:\d+: error IMPORT-VERSION: appmesh\.k8s\.aws\/v1beta1 is not served/ },
    { name: 'a template with a duplicate key', dialect: 'cloudformation', file: 'in/dup.yaml', text: 'Resources:\n  M:\n    Type: AWS::AppMesh::Mesh\n    Properties: { MeshName: m }\n  M:\n    Type: AWS::AppMesh::Mesh\n', expect: /in\/dup\.yaml:5:3: error IMPORT-SYNTAX: Map keys must be unique: "M" is already a key/ },
    { name: 'JSON with a syntax error', dialect: 'describe', file: 'in/d.json', text: '{"mesh": {"meshName": "m",}}', expect: /in\/d\.json:1:\d+: error IMPORT-SYNTAX/ },
  ];
  for (const test of malformed) {
    it(`refuses ${test.name} with a positioned error and writes nothing`, async () => {
      repo.write(test.file, test.text);
      repo.write('in/good.yaml', test.dialect === 'cloudformation' ? 'Resources: {}\n' : test.dialect === 'k8s' ? 'apiVersion: appmesh.k8s.aws/v1beta2\nkind: Mesh\nmetadata: { name: other }\nspec: {}\n' : '{"mesh": {"meshName": "other", "spec": {}}}');
      const result = await meshplane(repo, '--from', test.dialect, '@in', '--out', '@environments/prod');
      assert.equal(result.code, 1);
      assert.match(result.out, test.expect);
      assert.match(result.out, /nothing was written/);
      assert.deepEqual(Object.keys(filesUnder(path.join(repo.dir, 'environments/prod'))), ['environment.yaml']);
    });
  }

  it('exits 2 on usage errors: an --out that is not an environment folder, a missing input, a bad --param', async () => {
    repo.write('in/m.json', '{"mesh": {"meshName": "m", "spec": {}}}');
    const notEnv = await meshplane(repo, '--from', 'describe', '@in', '--out', '@somewhere');
    assert.equal(notEnv.code, 2);
    assert.match(notEnv.err, /is not an environment folder; pass --out environments\/<env>\//);
    const missing = await meshplane(repo, '--from', 'describe', '@nope', '--out', '@environments/prod');
    assert.equal(missing.code, 2);
    assert.match(missing.err, /no such file or directory: .*nope/);
    const param = await meshplane(repo, '--from', 'cloudformation', '@in', '--out', '@environments/prod', '--param', 'novalue');
    assert.equal(param.code, 2);
    const dialect = await meshplane(repo, '--from', 'pulumi', '@in', '--out', '@environments/prod');
    assert.equal(dialect.code, 2);
  });
});
