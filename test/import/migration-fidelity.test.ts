// Issue 15 causes outside Terraform, one case each: gRPC `Metadata` matches in CloudFormation,
// two routes of one name in a Kubernetes VirtualRouter, an empty listener list, a refused
// awsName change, provenance headers that do not depend on where the checkout lives, and what
// the import says about a Terraform file given to another dialect.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../reconciler/cli/main';
import { captureTerminal } from '../helpers/capture-terminal';
import { makeTempRepo, TempRepo } from '../helpers/temp-repo';

const ENVIRONMENT = 'account: "111122223333"\nregion: us-west-2\n';

interface Outcome {
  code: number;
  out: string;
  json: { complete: boolean; valid: boolean; written: string[]; report: Array<{ code: string; severity: string; file: string; line: number; message: string }>; diagnostics: Array<{ code: string; severity: string }> };
}

async function importInto(repo: TempRepo, dialect: string, inputs: string[], extra: string[] = []): Promise<Outcome> {
  const terminal = captureTerminal();
  const code = await main(['node', 'meshplane', 'import', '--from', dialect, ...inputs, '--out', path.join(repo.dir, 'environments/prod'), '--format', 'json', ...extra], terminal);
  return { code, out: terminal.stdout + terminal.stderr, json: JSON.parse(terminal.stdout) };
}

const read = (repo: TempRepo, file: string) => fs.readFileSync(path.join(repo.dir, 'environments/prod', file), 'utf8');

const GRPC_TEMPLATE = [
  'Resources:',
  '  Mesh: { Type: AWS::AppMesh::Mesh, Properties: { MeshName: m } }',
  '  Node:',
  '    Type: AWS::AppMesh::VirtualNode',
  '    Properties:',
  '      MeshName: m',
  '      VirtualNodeName: orders',
  '      Spec:',
  '        Listeners: [{ PortMapping: { Port: 9000, Protocol: grpc } }]',
  '        ServiceDiscovery: { DNS: { Hostname: orders.m.local } }',
  '  Router:',
  '    Type: AWS::AppMesh::VirtualRouter',
  '    Properties: { MeshName: m, VirtualRouterName: r, Spec: { Listeners: [{ PortMapping: { Port: 9000, Protocol: grpc } }] } }',
  '  Route:',
  '    Type: AWS::AppMesh::Route',
  '    Properties:',
  '      MeshName: m',
  '      VirtualRouterName: r',
  '      RouteName: canary',
  '      Spec:',
  '        GrpcRoute:',
  '          Match:',
  '            ServiceName: orders.v1.Orders',
  '            Metadata:',
  '              - { Name: x-canary, Invert: false, Match: { Exact: "true" } }',
  '          Action: { WeightedTargets: [{ VirtualNode: orders, Weight: 100 }] }',
  '  Service:',
  '    Type: AWS::AppMesh::VirtualService',
  '    Properties: { MeshName: m, VirtualServiceName: orders.m.local, Spec: { Provider: { VirtualRouter: { VirtualRouterName: r } } } }',
  '  Gateway:',
  '    Type: AWS::AppMesh::VirtualGateway',
  '    Properties: { MeshName: m, VirtualGatewayName: gw, Spec: { Listeners: [{ PortMapping: { Port: 9443, Protocol: grpc } }] } }',
  '  GatewayRoute:',
  '    Type: AWS::AppMesh::GatewayRoute',
  '    Properties:',
  '      MeshName: m',
  '      VirtualGatewayName: gw',
  '      GatewayRouteName: tenant',
  '      Spec:',
  '        GrpcRoute:',
  '          Match:',
  '            ServiceName: orders.v1.Orders',
  '            Metadata: [{ Name: x-tenant, Match: { Prefix: acme- } }]',
  '          Action: { Target: { VirtualService: { VirtualServiceName: orders.m.local } } }',
  '',
].join('\n');

function routerManifest(routes: string[]): string {
  return [
    'apiVersion: appmesh.k8s.aws/v1beta2',
    'kind: Mesh',
    'metadata: { name: m }',
    'spec: {}',
    '---',
    'apiVersion: appmesh.k8s.aws/v1beta2',
    'kind: VirtualNode',
    'metadata: { name: web, namespace: apps }',
    'spec:',
    '  listeners: [{ portMapping: { port: 8080, protocol: http } }]',
    '  serviceDiscovery: { dns: { hostname: web.apps.svc.cluster.local } }',
    '---',
    'apiVersion: appmesh.k8s.aws/v1beta2',
    'kind: VirtualRouter',
    'metadata: { name: web, namespace: apps }',
    'spec:',
    '  listeners: [{ portMapping: { port: 8080, protocol: http } }]',
    '  routes:',
    ...routes.map((name) => `    - { name: ${name}, httpRoute: { match: { prefix: / }, action: { weightedTargets: [{ virtualNodeRef: { name: web }, weight: 1 }] } } }`),
    '',
  ].join('\n');
}

describe('import: migration fidelity (issue 15, CloudFormation, Kubernetes, describe)', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = makeTempRepo({ 'environments/prod/environment.yaml': ENVIRONMENT });
  });
  afterEach(() => repo.remove());

  it('CloudFormation: Metadata of a GrpcRouteMatch and a GrpcGatewayRouteMatch are the metadata matches', async () => {
    repo.write('cfn/grpc.yaml', GRPC_TEMPLATE);
    const result = await importInto(repo, 'cloudformation', [path.join(repo.dir, 'cfn')]);
    assert.equal(result.code, 0, result.out);
    assert.deepEqual(result.json.report.filter((f) => f.code === 'IMPORT-UNMAPPED'), []);
    assert.match(read(repo, 'm/route/r/canary.yaml'), /metadata:\n\s+- invert: false\n\s+match:\n\s+exact: "true"\n\s+name: x-canary\n/);
    assert.match(read(repo, 'm/gateway-route/gw/tenant.yaml'), /metadata:\n\s+- match:\n\s+prefix: acme-\n\s+name: x-tenant\n/);
  });

  it('Kubernetes: two routes of one name refuse the whole VirtualRouter, naming the file, both lines and the name', async () => {
    repo.write('k8s/router.yaml', routerManifest(['main', 'canary', 'main']));
    const result = await importInto(repo, 'k8s', [path.join(repo.dir, 'k8s')]);
    assert.equal(result.code, 1);
    const refused = result.json.report.filter((f) => f.code === 'IMPORT-ROUTE-NAME');
    assert.equal(refused.length, 1, result.out);
    assert.equal(refused[0].severity, 'error');
    assert.match(refused[0].file, /k8s\/router\.yaml$/);
    assert.equal(refused[0].line, 21);
    assert.match(refused[0].message, /routes 0 \(line 19\) and 2 of VirtualRouter apps\/web are both named "main"; the App Mesh controller refuses the whole VirtualRouter/);
    assert.ok(!fs.existsSync(path.join(repo.dir, 'environments/prod/m/virtual-router')), 'nothing of the refused router is written');

    repo.write('k8s/router.yaml', routerManifest(['main', 'canary']));
    const accepted = await importInto(repo, 'k8s', [path.join(repo.dir, 'k8s')]);
    assert.equal(accepted.code, 0, accepted.out);
  });

  it('an empty listener list is refused (the SDKs require at least one listener when the key is given)', async () => {
    repo.write('in/node.json', JSON.stringify({ virtualNode: { meshName: 'm', virtualNodeName: 'n', spec: { listeners: [], serviceDiscovery: { dns: { hostname: 'n.m.local' } } } } }));
    repo.write('in/mesh.json', JSON.stringify({ mesh: { meshName: 'm', spec: {} } }));
    const result = await importInto(repo, 'describe', [path.join(repo.dir, 'in')]);
    assert.equal(result.code, 1);
    assert.ok(result.json.diagnostics.some((d) => d.code === 'VN-L-1' && d.severity === 'error'), result.out);
  });

  it('Kubernetes: after refusing an awsName change, the accepted definition is the one written', async () => {
    const node = (awsName: string, port: number) =>
      ['apiVersion: appmesh.k8s.aws/v1beta2', 'kind: VirtualNode', 'metadata: { name: web, namespace: apps }', 'spec:', `  awsName: ${awsName}`, `  listeners: [{ portMapping: { port: ${port}, protocol: http } }]`, '  serviceDiscovery: { dns: { hostname: web.apps.svc.cluster.local } }', ''].join('\n');
    repo.write('k8s/1-mesh.yaml', 'apiVersion: appmesh.k8s.aws/v1beta2\nkind: Mesh\nmetadata: { name: m }\nspec: {}\n');
    repo.write('k8s/2-node.yaml', node('web-v1', 8080));
    repo.write('k8s/3-node.yaml', node('web-v2', 9090));
    const result = await importInto(repo, 'k8s', [path.join(repo.dir, 'k8s')]);
    assert.ok(result.json.report.some((f) => f.code === 'IMPORT-AWSNAME' && /the accepted definition is kept/.test(f.message)), result.out);
    const written = fs.readdirSync(path.join(repo.dir, 'environments/prod/m/virtual-node'));
    assert.deepEqual(written, ['web-v1.yaml']);
    assert.match(read(repo, 'm/virtual-node/web-v1.yaml'), /port: 8080/);
  });

  it('a Terraform file given to another dialect is refused with the dialect that reads it', async () => {
    repo.write('tf/main.tf', 'resource "aws_appmesh_mesh" "m" {\n  name = "m"\n}\n');
    for (const dialect of ['cloudformation', 'k8s', 'describe']) {
      const named = await importInto(repo, dialect, [path.join(repo.dir, 'tf/main.tf')]);
      assert.equal(named.code, 1);
      assert.match(named.json.report[0].message, /this is a Terraform file, not .*; import Terraform configuration \(\.tf, \.tf\.json\), variables and state with --from terraform\./, dialect);
      const folder = await importInto(repo, dialect, [path.join(repo.dir, 'tf')]);
      assert.equal(folder.code, 1);
      assert.match(folder.json.report[0].message, /nothing to import under this folder: .* It holds Terraform files: import them with --from terraform\./, dialect);
    }
  });

  it('a re-import from another path writes 0 files (headers do not name where the checkout lives)', async () => {
    const checkouts = [fs.mkdtempSync(path.join(os.tmpdir(), 'meshplane-a-')), fs.mkdtempSync(path.join(os.tmpdir(), 'meshplane-elsewhere-b-'))];
    try {
      for (const [i, checkout] of checkouts.entries()) {
        // The second one is a Git work tree: headers are relative to its root.
        if (i === 1) fs.mkdirSync(path.join(checkout, '.git'));
        fs.mkdirSync(path.join(checkout, i === 1 ? 'templates' : ''), { recursive: true });
      }
      fs.writeFileSync(path.join(checkouts[0], 'grpc.yaml'), GRPC_TEMPLATE);
      fs.writeFileSync(path.join(checkouts[1], 'templates', 'grpc.yaml'), GRPC_TEMPLATE);
      const first = await importInto(repo, 'cloudformation', [path.join(checkouts[0], 'grpc.yaml')]);
      assert.equal(first.code, 0, first.out);
      assert.ok(first.json.written.length >= 7);
      assert.match(read(repo, 'm/route/r/canary.yaml'), /^# Imported by meshplane from grpc\.yaml\n/);
      // The same file at another absolute path, in another clone: nothing to write.
      fs.renameSync(path.join(checkouts[1], 'templates', 'grpc.yaml'), path.join(checkouts[1], 'grpc.yaml'));
      const again = await importInto(repo, 'cloudformation', [path.join(checkouts[1], 'grpc.yaml')]);
      assert.equal(again.code, 0, again.out);
      assert.deepEqual(again.json.written, []);
      // Inside a Git work tree the header is relative to its root, whatever folder was named.
      fs.mkdirSync(path.join(checkouts[1], 'templates'), { recursive: true });
      fs.renameSync(path.join(checkouts[1], 'grpc.yaml'), path.join(checkouts[1], 'templates', 'grpc.yaml'));
      const fromTree = await importInto(repo, 'cloudformation', [path.join(checkouts[1], 'templates')]);
      assert.match(read(repo, 'm/route/r/canary.yaml'), /^# Imported by meshplane from templates\/grpc\.yaml\n/);
      assert.ok(fromTree.json.written.length >= 7);
    } finally {
      for (const dir of checkouts) fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
