// HCL ⇄ plan JSON ⇄ .tf.json with real Terraform: the shop fixture (all seven kinds, TLS,
// retries, outlier detection, gateway route rewrites, Cloud Map, variables, locals, count,
// for_each, dynamic blocks, mesh_name = aws_appmesh_mesh.shop.id) is planned offline by
// Terraform with the hashicorp/aws provider from the filesystem mirror; importing the HCL, the
// `terraform show -json` of the plan and the equivalent .tf.json gives the same documents.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../helpers/paths';
import { offlineAwsProviderHcl, requireAwsProvider, TERRAFORM, TerraformSandbox, terraformSandbox } from '../terraform/real-terraform';
import { byKey, errors, importTerraformFiles } from './terraform-import';

const FIXTURES = path.join(REPO_ROOT, 'test', 'import', 'terraform-fixtures');

function readFolder(folder: string): Record<string, string> {
  return Object.fromEntries(fs.readdirSync(path.join(FIXTURES, folder)).map((name) => [`${folder}/${name}`, fs.readFileSync(path.join(FIXTURES, folder, name), 'utf8')]));
}

/** `terraform show -json` of a plan of the fixture folder, made offline in a sandbox. */
function planFixture(mirror: { dir: string; version: string }, sandbox: TerraformSandbox, folder: string): string {
  const workdir = path.join(sandbox.dir, folder);
  fs.cpSync(path.join(FIXTURES, folder), workdir, { recursive: true });
  fs.writeFileSync(
    path.join(workdir, 'provider.tf'),
    `terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws", version = "${mirror.version}" }\n  }\n}\n` + offlineAwsProviderHcl({ appmeshEndpoint: 'http://127.0.0.1:9' }),
  );
  const run = (...args: string[]) => execFileSync(TERRAFORM, args, { cwd: workdir, env: sandbox.env(workdir), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  run('init', '-input=false', '-no-color');
  run('plan', '-input=false', '-no-color', '-refresh=false', '-out=tfplan');
  return run('show', '-json', 'tfplan');
}

describe('import --from terraform: HCL, plan JSON and .tf.json of one mesh (real terraform, offline)', function () {
  this.timeout(300_000);
  let sandbox: TerraformSandbox;
  let planJson: string;

  before(function () {
    const mirror = requireAwsProvider(this);
    sandbox = terraformSandbox(mirror);
    planJson = planFixture(mirror, sandbox, 'shop');
  });
  after(() => sandbox?.remove());

  it('the plan needs the configuration to know mesh_name (it is aws_appmesh_mesh.shop.id, unknown before apply)', () => {
    const plan = JSON.parse(planJson) as { planned_values: { root_module: { resources: Array<{ type: string; values: Record<string, unknown> }> } } };
    const node = plan.planned_values.root_module.resources.find((r) => r.type === 'aws_appmesh_virtual_node' && r.values.name === 'cart-v1');
    assert.ok(node, 'the plan has the cart-v1 node');
    assert.equal(node.values.mesh_name, undefined);
  });

  it('imports the HCL, the plan and the .tf.json to identical canonical documents, without findings', async () => {
    const hcl = await importTerraformFiles(readFolder('shop'), { inputs: ['shop'] });
    const plan = await importTerraformFiles({ 'plan.json': planJson });
    const json = await importTerraformFiles(readFolder('shop-json'), { inputs: ['shop-json'] });
    for (const result of [hcl, plan, json]) assert.deepEqual(errors(result), []);
    const expected = byKey(hcl);
    assert.deepEqual(
      [...expected.keys()].map((key) => key.split('/')[0]).sort(),
      ['GatewayRoute', 'GatewayRoute', 'Mesh', 'Route', 'Route', 'Route', 'VirtualGateway', 'VirtualNode', 'VirtualNode', 'VirtualNode', 'VirtualRouter', 'VirtualRouter', 'VirtualRouter', 'VirtualService', 'VirtualService'],
    );
    assert.deepEqual(byKey(plan), expected);
    assert.deepEqual(byKey(json), expected);
    // Spot checks that the fixture's features arrived, not only that the three agree.
    assert.deepEqual(expected.get('Mesh/shop')?.tags, [
      { key: 'project', value: 'shop' },
      { key: 'workspace', value: 'default' },
    ]);
    const cart = expected.get('VirtualNode/shop/cart-v1') as { spec: Record<string, any> };
    assert.deepEqual(cart.spec.serviceDiscovery, { awsCloudMap: { namespaceName: 'shop.local', serviceName: 'cart', attributes: [{ key: 'version', value: 'v1' }] } });
    assert.deepEqual(cart.spec.listeners[0].outlierDetection, { maxServerErrors: 5, interval: { unit: 's', value: 10 }, baseEjectionDuration: { unit: 's', value: 30 }, maxEjectionPercent: 50 });
    assert.equal(cart.spec.listeners[0].tls.certificate.acm.certificateArn, 'arn:aws:acm:us-west-2:111122223333:certificate/cart');
    const frontend = expected.get('VirtualNode/shop/frontend') as { spec: Record<string, any> };
    assert.deepEqual(frontend.spec.backends, [{ virtualService: { virtualServiceName: 'cart.shop.local' } }, { virtualService: { virtualServiceName: 'catalog.shop.local' } }]);
    assert.deepEqual((expected.get('GatewayRoute/shop/ingress/catalog-gw') as { spec: Record<string, any> }).spec.httpRoute.action.rewrite, { prefix: { value: '/' }, hostname: { defaultTargetHostname: 'ENABLED' } });
    assert.deepEqual((expected.get('Route/shop/grpc-router-0/catalog-grpc') as { spec: Record<string, any> }).spec.grpcRoute.match, { serviceName: 'shop.Catalog', methodName: 'List', metadata: [{ name: 'x-tenant', match: { exact: 'gold' } }] });
  });

  it('names the --param for an unknown value the configuration cannot resolve, and uses it', async () => {
    // Without `configuration`, mesh_name is unknown and nothing says where it comes from.
    const bare = JSON.parse(planJson) as Record<string, unknown>;
    delete bare.configuration;
    const refused = await importTerraformFiles({ 'plan.json': bare });
    const unresolved = errors(refused).find((f) => f.code === 'IMPORT-UNRESOLVED' && f.message.includes('aws_appmesh_virtual_gateway.ingress.mesh_name'));
    assert.ok(unresolved, JSON.stringify(errors(refused).slice(0, 3)));
    assert.match(unresolved.message, /pass --param aws_appmesh_virtual_gateway\.ingress\.mesh_name=<value>/);
    const given = await importTerraformFiles({ 'plan.json': bare }, { params: { 'aws_appmesh_virtual_gateway.ingress.mesh_name': 'shop' } });
    assert.ok(byKey(given).has('VirtualGateway/shop/ingress'));
  });
});

describe("import --from terraform: terraform-provider-aws's own App Mesh acceptance configurations (real terraform, offline)", function () {
  this.timeout(300_000);
  let sandbox: TerraformSandbox;
  let planJson: string;

  before(function () {
    const mirror = requireAwsProvider(this);
    sandbox = terraformSandbox(mirror);
    // main.tf calls every configuration as a module: one plan, resources under module.<name>.
    planJson = planFixture(mirror, sandbox, 'provider-acceptance');
  });
  after(() => sandbox?.remove());

  it('imports each configuration\'s HCL and the plan of all of them as modules to identical documents', async () => {
    const files = Object.fromEntries(
      fs.readdirSync(path.join(FIXTURES, 'provider-acceptance'), { recursive: true, encoding: 'utf8' })
        .filter((name) => name.endsWith('.tf'))
        .map((name) => [`acc/${name}`, fs.readFileSync(path.join(FIXTURES, 'provider-acceptance', name), 'utf8')]),
    );
    const hcl = await importTerraformFiles(files, { inputs: ['acc'] });
    const plan = await importTerraformFiles({ 'plan.json': planJson });
    assert.deepEqual(errors(hcl), []);
    assert.deepEqual(errors(plan), []);
    assert.deepEqual(byKey(plan), byKey(hcl));
    assert.equal(hcl.resources.length, 11);
    const docs = byKey(hcl);
    // The provider writes grpc_route.match.prefix = null and metadata invert = false into the plan.
    assert.deepEqual((docs.get('Route/tf-acc-route-grpc/tf-acc-router/tf-acc-route') as { spec: Record<string, any> }).spec.grpcRoute.match, { metadata: [{ name: 'X-Testing1' }] });
    assert.deepEqual((docs.get('VirtualNode/tf-acc-node-cloud-map/tf-acc-node') as { spec: Record<string, any> }).spec.serviceDiscovery, {
      awsCloudMap: { namespaceName: 'tf-acc-namespace', serviceName: 'tf-acc-namespace', attributes: [{ key: 'serviceName', value: 'serviceb1' }] },
    });
  });
});
