// Terraform configuration as users write it: HCL directories of several files, variables from
// --param and var files, locals, count/for_each, references to ids and names, functions,
// dynamic blocks, data sources through --param; every failure says which --param to pass, at
// the line of the HCL it is about; everything is bounded.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runImportCommand } from '../../reconciler/cli/commands/import';
import { captureTerminal } from '../helpers/capture-terminal';
import { makeTempRepo } from '../helpers/temp-repo';
import { byKey, errors, importTerraformFiles } from './terraform-import';

const VARIABLES_TF = `
variable "mesh_name" {
  type    = string
  default = "apps"
}

variable "services" {
  type    = list(string)
  default = ["orders", "payments"]
}

variable "ports" {
  type = map(number)
  default = {
    orders   = 8080
    payments = 9090
  }
}
`;

const MAIN_TF = `
locals {
  domain = "\${var.mesh_name}.local"
  tags   = { team = "platform", mesh = var.mesh_name }
}

resource "aws_appmesh_mesh" "this" {
  name = var.mesh_name
  spec {
    egress_filter {
      type = "DROP_ALL"
    }
  }
  tags = local.tags
}

resource "aws_appmesh_virtual_node" "service" {
  for_each  = toset(var.services)
  name      = "\${each.key}-node"
  mesh_name = aws_appmesh_mesh.this.id

  spec {
    listener {
      port_mapping {
        port     = lookup(var.ports, each.key, 80)
        protocol = "http"
      }
    }
    service_discovery {
      dns {
        hostname = format("%s.%s", each.value, local.domain)
      }
    }
  }
  tags = merge(local.tags, { service = upper(each.key) })
}
`;

const ROUTING_TF = `
resource "aws_appmesh_virtual_router" "router" {
  count     = 2
  name      = "router-\${count.index}"
  mesh_name = aws_appmesh_mesh.this.name
  spec {
    listener {
      port_mapping {
        port     = 8080 + count.index
        protocol = "http"
      }
    }
  }
}

resource "aws_appmesh_route" "orders" {
  name                = "orders"
  mesh_name           = aws_appmesh_mesh.this.id
  virtual_router_name = aws_appmesh_virtual_router.router[1].name
  spec {
    http_route {
      match {
        prefix = "/"
      }
      action {
        dynamic "weighted_target" {
          for_each = var.services
          content {
            virtual_node = aws_appmesh_virtual_node.service[weighted_target.value].name
            weight       = weighted_target.key == 0 ? 90 : 10
          }
        }
      }
    }
  }
}

resource "aws_appmesh_virtual_service" "orders" {
  name      = "orders.\${local.domain}"
  mesh_name = aws_appmesh_mesh.this.id
  spec {
    provider {
      virtual_router {
        virtual_router_name = join("-", ["router", tostring(length(aws_appmesh_virtual_router.router) - 1)])
      }
    }
  }
}
`;

describe('import --from terraform: configuration', () => {
  it('evaluates an HCL directory of several files: variables, locals, count, for_each, dynamic blocks, ids and functions', async () => {
    const result = await importTerraformFiles({ 'infra/variables.tf': VARIABLES_TF, 'infra/main.tf': MAIN_TF, 'infra/routing.tf': ROUTING_TF }, { inputs: ['infra'] });
    assert.deepEqual(errors(result), []);
    const docs = byKey(result);
    assert.deepEqual([...docs.keys()].sort(), [
      'Mesh/apps',
      'Route/apps/router-1/orders',
      'VirtualNode/apps/orders-node',
      'VirtualNode/apps/payments-node',
      'VirtualRouter/apps/router-0',
      'VirtualRouter/apps/router-1',
      'VirtualService/apps/orders.apps.local',
    ]);
    assert.deepEqual(docs.get('VirtualNode/apps/payments-node'), {
      kind: 'VirtualNode',
      meshName: 'apps',
      virtualNodeName: 'payments-node',
      spec: { listeners: [{ portMapping: { port: 9090, protocol: 'http' } }], serviceDiscovery: { dns: { hostname: 'payments.apps.local' } } },
      tags: [
        { key: 'mesh', value: 'apps' },
        { key: 'service', value: 'PAYMENTS' },
        { key: 'team', value: 'platform' },
      ],
    });
    assert.deepEqual(docs.get('VirtualRouter/apps/router-1')?.spec, { listeners: [{ portMapping: { port: 8081, protocol: 'http' } }] });
    assert.deepEqual(docs.get('Route/apps/router-1/orders')?.spec, {
      httpRoute: {
        match: { prefix: '/' },
        action: { weightedTargets: [{ virtualNode: 'orders-node', weight: 90 }, { virtualNode: 'payments-node', weight: 10 }] },
      },
    });
    assert.deepEqual(docs.get('VirtualService/apps/orders.apps.local')?.spec, { provider: { virtualRouter: { virtualRouterName: 'router-1' } } });
  });

  it('takes variables from --var-file and --param (later wins), and terraform.tfvars from the directory', async () => {
    const files = { 'tf/variables.tf': VARIABLES_TF, 'tf/main.tf': MAIN_TF, 'tf/terraform.tfvars': 'mesh_name = "from-tfvars"\n', 'prod.tfvars': 'mesh_name = "prod"\nservices = ["billing"]\n' };
    const fromDirectory = byKey(await importTerraformFiles(files, { inputs: ['tf'] }));
    assert.ok(fromDirectory.has('Mesh/from-tfvars'));
    const fromVarFile = byKey(await importTerraformFiles(files, { inputs: ['tf'], varFiles: ['prod.tfvars'] }));
    assert.deepEqual([...fromVarFile.keys()].sort(), ['Mesh/prod', 'VirtualNode/prod/billing-node']);
    const fromParam = byKey(await importTerraformFiles(files, { inputs: ['tf'], varFiles: ['prod.tfvars'], params: { mesh_name: 'staging', services: '["a", "b"]' } }));
    assert.deepEqual([...fromParam.keys()].sort(), ['Mesh/staging', 'VirtualNode/staging/a-node', 'VirtualNode/staging/b-node']);
  });

  it('says exactly which --param supplies an unknown value, at its HCL line, and uses it when given', async () => {
    const tf = [
      'variable "account" {}',
      'data "aws_caller_identity" "current" {}',
      'locals {',
      '  owner = data.aws_caller_identity.current.account_id',
      '}',
      'resource "aws_appmesh_mesh" "m" {',
      '  name = "apps"',
      '}',
      'resource "aws_appmesh_virtual_service" "shared" {',
      '  name       = "s.apps.local"',
      '  mesh_name  = aws_appmesh_mesh.m.id',
      '  mesh_owner = local.owner',
      '  spec {}',
      '}',
      'resource "aws_appmesh_virtual_node" "lb" {',
      '  name      = "lb"',
      '  mesh_name = "apps"',
      '  spec {',
      '    service_discovery {',
      '      dns {',
      '        hostname = aws_lb.front.dns_name',
      '      }',
      '    }',
      '  }',
      '}',
      'resource "aws_appmesh_virtual_node" "account" {',
      '  name      = "n-${var.account}"',
      '  mesh_name = "apps"',
      '  spec {}',
      '}',
    ].join('\n');
    const first = await importTerraformFiles({ 'main.tf': tf });
    const messages = errors(first).filter((f) => f.code === 'IMPORT-UNRESOLVED');
    const find = (param: string) => messages.find((f) => f.message.includes(`--param ${param}=<value>`));
    assert.equal(find('data.aws_caller_identity.current.account_id')?.line, 12, JSON.stringify(messages));
    assert.equal(find('aws_lb.front.dns_name')?.line, 21);
    assert.equal(find('account')?.line, 27);
    assert.deepEqual([...byKey(first).keys()], ['Mesh/apps']);
    assert.ok(errors(first).some((f) => f.code === 'IMPORT-SKIPPED' && f.message.includes('aws_appmesh_virtual_node.lb')));

    const second = await importTerraformFiles(
      { 'main.tf': tf },
      { params: { 'local.owner': '444455556666', 'aws_lb.front.dns_name': 'front.elb.amazonaws.com', account: '7' } },
    );
    assert.deepEqual(errors(second), []);
    const docs = byKey(second);
    assert.equal(docs.get('VirtualService/apps/s.apps.local')?.meshOwner, '444455556666');
    assert.deepEqual(docs.get('VirtualNode/apps/lb')?.spec, { serviceDiscovery: { dns: { hostname: 'front.elb.amazonaws.com' } } });
    assert.ok(docs.has('VirtualNode/apps/n-7'));
    const third = await importTerraformFiles({ 'main.tf': tf }, { params: { 'data.aws_caller_identity.current.account_id': '111122223333', 'aws_lb.front.dns_name': 'x', account: '7' } });
    assert.equal(byKey(third).get('VirtualService/apps/s.apps.local')?.meshOwner, '111122223333');
  });

  it('evaluates .tf.json like HCL: ${aws_appmesh_mesh.x.id}, resource["key"] references, cdktf "//" metadata', async () => {
    const config = {
      '//': { metadata: { backend: 'local', stackName: 'apps', version: '0.21.0' } },
      locals: { names: { a: 'alpha', b: 'beta' } },
      resource: {
        aws_appmesh_mesh: { m: { '//': { metadata: { path: 'apps/m', uniqueId: 'm' } }, name: 'apps' } },
        aws_appmesh_virtual_node: { n: { for_each: '${local.names}', name: '${each.value}', mesh_name: '${aws_appmesh_mesh.m.id}', spec: {} } },
        aws_appmesh_virtual_service: {
          s: { name: 'svc', mesh_name: '${aws_appmesh_mesh.m.id}', spec: { provider: { virtual_node: { virtual_node_name: '${aws_appmesh_virtual_node.n["b"].name}' } } } },
        },
      },
    };
    const result = await importTerraformFiles({ 'cdk.tf.json': config });
    assert.deepEqual(errors(result), []);
    const docs = byKey(result);
    assert.deepEqual([...docs.keys()].sort(), ['Mesh/apps', 'VirtualNode/apps/alpha', 'VirtualNode/apps/beta', 'VirtualService/apps/svc']);
    assert.deepEqual(docs.get('VirtualService/apps/svc')?.spec, { provider: { virtualNode: { virtualNodeName: 'beta' } } });
  });

  it('evaluates local modules with the arguments of each module call (count/for_each on the call too)', async () => {
    const root = [
      'resource "aws_appmesh_mesh" "m" {',
      '  name = "apps"',
      '}',
      'module "service" {',
      '  for_each  = { orders = 8080, payments = 9090 }',
      '  source    = "./modules/service"',
      '  mesh_name = aws_appmesh_mesh.m.id',
      '  name      = each.key',
      '  port      = each.value',
      '}',
    ].join('\n');
    const child = [
      'variable "mesh_name" {}',
      'variable "name" {}',
      'variable "port" {}',
      'resource "aws_appmesh_virtual_node" "this" {',
      '  name      = "${var.name}-node"',
      '  mesh_name = var.mesh_name',
      '  spec {',
      '    listener {',
      '      port_mapping {',
      '        port     = var.port',
      '        protocol = "http"',
      '      }',
      '    }',
      '  }',
      '}',
    ].join('\n');
    const result = await importTerraformFiles({ 'infra/main.tf': root, 'infra/modules/service/main.tf': child }, { inputs: ['infra'] });
    assert.deepEqual(errors(result), []);
    const docs = byKey(result);
    assert.deepEqual([...docs.keys()].sort(), ['Mesh/apps', 'VirtualNode/apps/orders-node', 'VirtualNode/apps/payments-node']);
    assert.deepEqual(docs.get('VirtualNode/apps/payments-node')?.spec, { listeners: [{ portMapping: { port: 9090, protocol: 'http' } }] });
  });

  it('reports HCL syntax errors at their line and writes nothing', async () => {
    const result = await importTerraformFiles({ 'main.tf': 'resource "aws_appmesh_mesh" "m" {\n  name = \n}\n' });
    assert.equal(result.malformed, true);
    assert.equal(errors(result)[0].code, 'IMPORT-SYNTAX');
    assert.equal(errors(result)[0].line, 2);
  });

  it('bounds count, for_each and expression depth, and reports cycles', async () => {
    const tf = [
      'resource "aws_appmesh_virtual_node" "many" {',
      '  count     = 100000',
      '  name      = "n${count.index}"',
      '  mesh_name = "apps"',
      '}',
      'locals {',
      '  a = local.b',
      '  b = local.a',
      `  deep = ${'lower('.repeat(60)}"x"${')'.repeat(60)}`,
      '}',
      'resource "aws_appmesh_mesh" "cycle" {',
      '  name = local.a',
      '}',
      'resource "aws_appmesh_mesh" "deep" {',
      '  name = local.deep',
      '}',
    ].join('\n');
    const result = await importTerraformFiles({ 'main.tf': tf });
    assert.equal(result.resources.length, 0);
    const limit = errors(result).find((f) => f.code === 'IMPORT-LIMIT');
    assert.ok(limit && limit.line === 2 && /count is 100000; a whole number from 0 to 1000/.test(limit.message), JSON.stringify(errors(result)));
    assert.ok(errors(result).some((f) => /circular reference through local\./.test(f.message) && f.line === 12));
    assert.ok(errors(result).some((f) => /nested deeper than 48 levels/.test(f.message)));
  });

  it('ignores the null and empty values the provider writes for unset attributes in state', async () => {
    const state = {
      version: 4,
      resources: [
        {
          mode: 'managed',
          type: 'aws_appmesh_route',
          name: 'r',
          instances: [
            {
              attributes: {
                name: 'r',
                mesh_name: 'apps',
                virtual_router_name: 'vr',
                spec: [{ grpc_route: [{ match: [{ method_name: 'Get', service_name: 'orders.Orders', prefix: null, metadata: [], port: 0 }], action: [{ weighted_target: [{ virtual_node: 'n', weight: 1, port: 0 }] }], retry_policy: [], timeout: [] }], http_route: [], http2_route: [], tcp_route: [], priority: 0 }],
              },
            },
          ],
        },
      ],
    };
    const result = await importTerraformFiles({ 'terraform.tfstate': state });
    assert.deepEqual(errors(result), []);
    assert.deepEqual(byKey(result).get('Route/apps/vr/r')?.spec, {
      grpcRoute: { match: { methodName: 'Get', serviceName: 'orders.Orders', port: 0 }, action: { weightedTargets: [{ virtualNode: 'n', weight: 1, port: 0 }] } },
      priority: 0,
    });
  });

  it('meshplane import passes --var-file and --param to the Terraform import', async () => {
    const repo = makeTempRepo({
      'environments/prod/environment.yaml': 'account: "111122223333"\nregion: us-west-2\n',
      'infra/variables.tf': VARIABLES_TF,
      'infra/main.tf': MAIN_TF,
      'prod.tfvars': 'services = ["billing"]\n',
    });
    try {
      const terminal = captureTerminal();
      const code = await runImportCommand(['infra'], { from: 'terraform', out: 'environments/prod', varFile: ['prod.tfvars'], param: ['mesh_name=prod'], format: 'text' }, terminal, repo.dir);
      assert.equal(code, 0, terminal.stdout + terminal.stderr);
      assert.ok(fs.existsSync(path.join(repo.dir, 'environments/prod/prod/mesh.yaml')));
      assert.ok(fs.existsSync(path.join(repo.dir, 'environments/prod/prod/virtual-node/billing-node.yaml')));
    } finally {
      repo.remove();
    }
  });
});
