// The discovery target: Cloud Map namespaces/services for awsCloudMap discovery, and Route 53
// records so every virtual service name resolves; plus provider and backend of each stack.
import * as assert from 'node:assert/strict';
import { Testing } from 'cdktf';
import { makeTempRepo, TempRepo } from '../helpers/temp-repo';
import { operatorConfig } from '../../reconciler/operator/operator-config';
import { stackOfEnvironment } from './stack-fixtures';

const MESH = `
kind: Mesh
meshName: shop
---
kind: VirtualNode
meshName: shop
virtualNodeName: cart
spec:
  listeners: [{ portMapping: { port: 8080, protocol: http } }]
  serviceDiscovery:
    awsCloudMap:
      namespaceName: shop.local
      serviceName: cart
      attributes: [{ key: version, value: v1 }]
---
kind: VirtualNode
meshName: shop
virtualNodeName: cart-v2
spec:
  listeners: [{ portMapping: { port: 8080, protocol: http } }]
  serviceDiscovery:
    awsCloudMap: { namespaceName: shop.local, serviceName: cart }
---
kind: VirtualNode
meshName: shop
virtualNodeName: pay
spec:
  listeners: [{ portMapping: { port: 8080, protocol: http } }]
  serviceDiscovery:
    dns: { hostname: pay.internal.example, responseType: LOADBALANCER }
---
kind: VirtualService
meshName: shop
virtualServiceName: checkout.shop.local
spec:
  provider: { virtualNode: { virtualNodeName: cart } }
---
kind: VirtualService
meshName: shop
virtualServiceName: cart.shop.local
spec:
  provider: { virtualNode: { virtualNodeName: cart } }
---
kind: VirtualService
meshName: shop
virtualServiceName: pay.elsewhere.example
spec:
  provider: { virtualNode: { virtualNodeName: pay } }
`;

function repoWith(environmentYaml: string): TempRepo {
  return makeTempRepo({ 'environments/shop/environment.yaml': environmentYaml, 'environments/shop/mesh.yaml': MESH });
}

describe('discovery target', () => {
  let repo: TempRepo | undefined;
  afterEach(() => repo?.remove());

  it('creates one Cloud Map namespace and service per name, attached to the VPC, and makes the nodes wait for them', async () => {
    repo = repoWith('account: "111122223333"\nregion: eu-west-1\nterraform:\n  vpcId: vpc-0abc\n  privateZone: apps.internal\n');
    const { synth, json, validation } = await stackOfEnvironment(repo.dir, 'shop');
    assert.deepEqual(validation.filter((d) => d.severity === 'error'), []);
    assert.ok(Testing.toHaveResourceWithProperties(synth, 'aws_service_discovery_private_dns_namespace', { name: 'shop.local', vpc: 'vpc-0abc' }));
    const namespaceId = '${aws_service_discovery_private_dns_namespace.shop-local.id}';
    assert.ok(
      Testing.toHaveResourceWithProperties(synth, 'aws_service_discovery_service', {
        name: 'cart',
        namespace_id: namespaceId,
        dns_config: { namespace_id: namespaceId, routing_policy: 'MULTIVALUE', dns_records: [{ type: 'A', ttl: 10 }] },
      }),
    );
    assert.deepEqual(Object.keys(json.resource!.aws_service_discovery_service), ['shop-local_cart']);
    assert.deepEqual(Object.keys(json.resource!.aws_service_discovery_private_dns_namespace), ['shop-local']);
    for (const node of ['shop_cart', 'shop_cart-v2']) {
      assert.deepEqual(json.resource!.aws_appmesh_virtual_node[node].depends_on, [
        'aws_appmesh_mesh.shop',
        'aws_service_discovery_service.shop-local_cart',
      ]);
    }
    assert.ok(
      Testing.toHaveResourceWithProperties(synth, 'aws_appmesh_virtual_node', {
        name: 'cart',
        spec: { service_discovery: { aws_cloud_map: { namespace_name: 'shop.local', service_name: 'cart', attributes: { version: 'v1' } } } },
      }),
    );
  });

  it('puts virtual service records into the Cloud Map namespace zone when the private zone has its name', async () => {
    repo = repoWith('terraform:\n  vpcId: vpc-0abc\n  privateZone: shop.local\n  serviceAddress: 10.0.0.53\n  recordTtl: 60\n');
    const { synth, json, diagnostics } = await stackOfEnvironment(repo.dir, 'shop');
    assert.equal(json.resource!.aws_route53_zone, undefined, 'no second zone of the same name in the VPC');
    assert.ok(
      Testing.toHaveResourceWithProperties(synth, 'aws_route53_record', {
        zone_id: '${aws_service_discovery_private_dns_namespace.shop-local.hosted_zone}',
        name: 'checkout.shop.local',
        type: 'A',
        ttl: 60,
        records: ['10.0.0.53'],
      }),
    );
    // cart.shop.local is the Cloud Map name of VirtualNode cart: it resolves to the real instances.
    assert.deepEqual(Object.keys(json.resource!.aws_route53_record), ['checkout-shop-local']);
    const byCode = (code: string) => diagnostics.filter((d) => d.code === code);
    assert.equal(byCode('TF-DNS-4').length, 1);
    assert.match(byCode('TF-DNS-4')[0].message, /cart\.shop\.local is also the discovery name of VirtualNode cart/);
    assert.equal(byCode('TF-DNS-3').length, 1);
    assert.equal(byCode('TF-DNS-3')[0].severity, 'warning');
    assert.match(byCode('TF-DNS-3')[0].message, /pay\.elsewhere\.example is outside the private zone shop\.local/);
    assert.equal(byCode('TF-DNS-3')[0].file, 'environments/shop/mesh.yaml');
    assert.equal(byCode('TF-DNS-3')[0].line, 46);
  });

  it('creates a private zone attached to the VPC when no namespace has its name', async () => {
    repo = makeTempRepo({
      'environments/shop/environment.yaml': 'terraform:\n  vpcId: vpc-0abc\n  privateZone: mesh.example.\n',
      'environments/shop/mesh.yaml': `kind: Mesh
meshName: shop
---
kind: VirtualNode
meshName: shop
virtualNodeName: api
spec:
  listeners: [{ portMapping: { port: 80, protocol: http } }]
  serviceDiscovery: { dns: { hostname: api.pods.internal } }
---
kind: VirtualService
meshName: shop
virtualServiceName: api.mesh.example
spec: { provider: { virtualNode: { virtualNodeName: api } } }
`,
    });
    const { synth } = await stackOfEnvironment(repo.dir, 'shop');
    assert.ok(Testing.toHaveResourceWithProperties(synth, 'aws_route53_zone', { name: 'mesh.example', vpc: [{ vpc_id: 'vpc-0abc' }] }));
    assert.ok(
      Testing.toHaveResourceWithProperties(synth, 'aws_route53_record', {
        zone_id: '${aws_route53_zone.mesh-example.zone_id}',
        name: 'api.mesh.example',
        records: ['10.10.10.10'],
        ttl: 300,
      }),
    );
  });

  it('refuses Cloud Map discovery without a VPC, pointing at environment.yaml', async () => {
    repo = repoWith('account: "111122223333"\nterraform:\n  enabled: false\n');
    const { diagnostics } = await stackOfEnvironment(repo.dir, 'shop');
    const missingVpc = diagnostics.find((d) => d.code === 'TF-DNS-1');
    assert.ok(missingVpc);
    assert.equal(missingVpc.severity, 'error');
    assert.equal(missingVpc.file, 'environments/shop/environment.yaml');
    assert.equal(missingVpc.line, 2);
    assert.match(missingVpc.message, /VirtualNode cart \(mesh shop\) uses awsCloudMap discovery.*Set terraform\.vpcId/);
    assert.ok(diagnostics.some((d) => d.code === 'TF-DNS-2' && d.severity === 'warning'), 'no privateZone: a warning says names will not resolve');
  });

  it('synthesizes nothing of the discovery target when targets leave it out', async () => {
    repo = repoWith('terraform:\n  targets: [appmesh]\n');
    const { json, diagnostics } = await stackOfEnvironment(repo.dir, 'shop');
    assert.deepEqual(Object.keys(json.resource!).sort(), ['aws_appmesh_mesh', 'aws_appmesh_virtual_node', 'aws_appmesh_virtual_service']);
    assert.deepEqual(diagnostics.filter((d) => d.code.startsWith('TF-DNS')), []);
  });

  it('synthesizes only the discovery target when asked', async () => {
    repo = repoWith('terraform:\n  targets: [discovery]\n  vpcId: vpc-0abc\n  privateZone: shop.local\n');
    const { json } = await stackOfEnvironment(repo.dir, 'shop');
    assert.deepEqual(Object.keys(json.resource!).sort(), ['aws_route53_record', 'aws_service_discovery_private_dns_namespace', 'aws_service_discovery_service']);
  });
});

describe('environment stack: provider and backend', () => {
  let repo: TempRepo | undefined;
  afterEach(() => repo?.remove());
  const minimal = 'kind: Mesh\nmeshName: shop\n';

  it('configures the AWS provider for the environment account and region, with local state by default', async () => {
    repo = makeTempRepo({ 'environments/shop/environment.yaml': 'account: "444455556666"\nregion: eu-central-1\n', 'environments/shop/mesh.yaml': minimal });
    const { synth, json } = await stackOfEnvironment(repo.dir, 'shop');
    assert.ok(Testing.toHaveProviderWithProperties(synth, 'aws', { region: 'eu-central-1', allowed_account_ids: ['444455556666'] }));
    assert.deepEqual(json.terraform.backend, { local: { path: 'terraform.shop.tfstate' } }, 'relative to the stack directory, not to where synth ran');
    assert.deepEqual(json.terraform.required_providers.aws.source, 'aws');
  });

  it('writes the operator\'s S3 backend with a lock file', async () => {
    repo = makeTempRepo({ 'environments/shop/mesh.yaml': minimal });
    const operator = operatorConfig({ terraform: { backend: { s3: { bucket: 'tf-state', key: 'meshplane/{env}.tfstate', region: 'us-east-1', useLockfile: true, encrypt: true } } } });
    const { json } = await stackOfEnvironment(repo.dir, 'shop', operator);
    assert.deepEqual(json.terraform.backend, {
      s3: { bucket: 'tf-state', key: 'meshplane/shop.tfstate', region: 'us-east-1', encrypt: true, use_lockfile: true },
    });
  });

  it('writes the operator\'s S3 backend with DynamoDB locking, or a local state directory', async () => {
    repo = makeTempRepo({ 'environments/shop/mesh.yaml': minimal, 'environments/local/mesh.yaml': minimal });
    const dynamo = operatorConfig({ terraform: { backend: { s3: { bucket: 'tf-state', key: '{env}.tfstate', dynamodbTable: 'tf-locks' } } } });
    assert.deepEqual((await stackOfEnvironment(repo.dir, 'shop', dynamo)).json.terraform.backend, {
      s3: { bucket: 'tf-state', key: 'shop.tfstate', dynamodb_table: 'tf-locks' },
    });
    const local = operatorConfig({ terraform: { backend: { local: { dir: '/var/lib/meshplane/tfstate' } } } });
    assert.deepEqual((await stackOfEnvironment(repo.dir, 'local', local)).json.terraform.backend, { local: { path: '/var/lib/meshplane/tfstate/local.tfstate' } });
  });
});
