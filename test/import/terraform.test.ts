// Terraform dialect: what provider/aws synthesizes (cdktf's .tf.json) imports back to the
// documents it came from, for every field of every kind; `terraform show -json` state and
// raw state import too; what cannot be evaluated is reported at its line.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runSynth } from '../../reconciler/cli/commands/synth';
import { captureTerminal } from '../helpers/capture-terminal';
import { tempDir } from '../helpers/temp-repo';
import { KINDS } from '../../provider/model/kinds';
import { describeIdentity } from '../../provider/model/identity';
import { splitPointer } from '../../provider/model/diagnostic';
import { ResourceDocument } from '../../provider/model/resource';
import { runImport } from '../../provider/import/import';
import { orderSets } from '../../provider/import/terraform';
import { orderDocument, resourceKey } from '../../provider/import/canonical';
import { apiModelAvailable, everyFieldDocument } from '../aws/api-model-documents';
import { resourceOf, stackOfEnvironment, stackOfResources } from '../aws/stack-fixtures';
import { REPO_ROOT } from '../helpers/paths';
import { byKey, errors, importTerraformFiles } from './terraform-import';

/** Members the AWS provider holds as sets come back from Terraform in canonical order, whatever order they were written in. */
function inSetOrder(doc: ResourceDocument): ResourceDocument {
  const copy = structuredClone(doc);
  orderSets(copy);
  return copy;
}

const importFiles = (files: Record<string, unknown>, params: Record<string, string> = {}) => importTerraformFiles(files, { params });

function withoutPointers(doc: ResourceDocument, pointers: string[]): ResourceDocument {
  const copy = structuredClone(doc);
  for (const pointer of pointers) {
    const segments = splitPointer(pointer);
    const parent = segments.slice(0, -1).reduce<any>((node, segment) => node?.[segment], copy);
    if (parent) delete parent[segments[segments.length - 1]];
  }
  return copy;
}


describe('import --from terraform', () => {
  (apiModelAvailable() ? it : it.skip)('imports the .tf.json provider/aws synthesizes back to every field of every kind', async () => {
    const documents = KINDS.map((kind) => {
      const doc = everyFieldDocument(kind);
      return { ...doc, kind, meshName: 'm' } as Record<string, unknown>;
    });
    const resources = documents.map((d) => resourceOf(d));
    const stack = stackOfResources(resources, { targets: ['appmesh'] });
    const result = await importFiles({ 'cdk.tf.json': stack.json });
    assert.deepEqual(errors(result), []);
    const imported = byKey(result);
    for (const resource of resources) {
      // TF-1: members the AWS provider cannot express are left out of the synthesized Terraform.
      const dropped = stack.diagnostics.filter((d) => d.code === 'TF-1' && d.message.startsWith(describeIdentity(resource.identity) + ':'));
      const original = inSetOrder(orderDocument(withoutPointers(resource.doc, dropped.map((d) => d.pointer))));
      const key = resourceKey({ doc: original, source: '', line: 0 });
      assert.deepEqual(imported.get(key), original, key);
    }
  });

  for (const env of ['apps', 'ingress']) {
    it(`round-trips the bundled ${env} environment through cdktf synth`, async () => {
      const stack = await stackOfEnvironment(REPO_ROOT, env);
      const result = await importFiles({ 'cdk.tf.json': stack.json });
      assert.deepEqual(errors(result), []);
      const original = await runImport({ dialect: 'describe', inputs: [path.join('environments', env)], cwd: REPO_ROOT, params: {} });
      assert.deepEqual(byKey(result), new Map([...byKey(original)].map(([key, doc]) => [key, inSetOrder(doc)])));
    });
  }

  it('imports what `meshplane synth` writes (cdktf.out with its manifest, "//" metadata) back to the environment', async () => {
    const out = tempDir('meshplane-synth-');
    try {
      const terminal = captureTerminal();
      assert.equal(await runSynth({ repo: REPO_ROOT, env: ['apps'], out }, terminal), 0, terminal.stdout + terminal.stderr);
      assert.match(fs.readFileSync(path.join(out, 'stacks', 'apps', 'cdk.tf.json'), 'utf8'), /"\/\/"/);
      const result = await runImport({ dialect: 'terraform', inputs: [out], cwd: out, params: {} });
      assert.deepEqual(errors(result), []);
      const original = await runImport({ dialect: 'describe', inputs: [path.join('environments', 'apps')], cwd: REPO_ROOT, params: {} });
      assert.deepEqual(byKey(result), new Map([...byKey(original)].map(([key, doc]) => [key, inSetOrder(doc)])));
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('imports `terraform show -json` state: single blocks as lists, computed attributes dropped, tags as a map', async () => {
    const state = {
      format_version: '1.0',
      terraform_version: '1.11.0',
      values: {
        root_module: {
          resources: [
            { address: 'aws_appmesh_mesh.apps', mode: 'managed', type: 'aws_appmesh_mesh', name: 'apps', values: { id: 'x', arn: 'arn:aws:appmesh:us-west-2:111122223333:mesh/apps', name: 'apps', mesh_owner: '111122223333', resource_owner: '111122223333', created_date: '2024-01-01T00:00:00Z', spec: [{ egress_filter: [{ type: 'ALLOW_ALL' }], service_discovery: [] }], tags: { team: 'payments' }, tags_all: { team: 'payments' } } },
            { address: 'aws_security_group.sg', mode: 'managed', type: 'aws_security_group', name: 'sg', values: { id: 'sg-1' } },
          ],
          child_modules: [
            {
              address: 'module.nodes',
              resources: [
                {
                  address: 'module.nodes.aws_appmesh_virtual_node.b',
                  mode: 'managed',
                  type: 'aws_appmesh_virtual_node',
                  name: 'b',
                  values: {
                    name: 'serviceB',
                    mesh_name: 'apps',
                    mesh_owner: '111122223333',
                    resource_owner: '111122223333',
                    tags: {},
                    spec: [
                      {
                        backend: [{ virtual_service: [{ virtual_service_name: 'servicea.apps.local', client_policy: [] }] }],
                        backend_defaults: [],
                        listener: [{ port_mapping: [{ port: 80, protocol: 'http2' }], health_check: [], tls: [], timeout: [], connection_pool: [], outlier_detection: [] }],
                        logging: [],
                        service_discovery: [{ aws_cloud_map: [], dns: [{ hostname: 'serviceb.apps.local', ip_preference: '', response_type: '' }] }],
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
      },
    };
    const result = await importFiles({ 'state.json': state });
    assert.deepEqual(errors(result), []);
    assert.deepEqual(byKey(result).get('Mesh/apps'), { kind: 'Mesh', meshName: 'apps', spec: { egressFilter: { type: 'ALLOW_ALL' } }, tags: [{ key: 'team', value: 'payments' }] });
    assert.deepEqual(byKey(result).get('VirtualNode/apps/serviceB'), {
      kind: 'VirtualNode',
      meshName: 'apps',
      virtualNodeName: 'serviceB',
      spec: {
        backends: [{ virtualService: { virtualServiceName: 'servicea.apps.local' } }],
        listeners: [{ portMapping: { port: 80, protocol: 'http2' } }],
        serviceDiscovery: { dns: { hostname: 'serviceb.apps.local' } },
      },
    });
    assert.ok(result.findings.some((f) => f.code === 'IMPORT-NOT-IMPORTED' && f.message.includes('aws_security_group')));
  });

  it('imports a raw terraform.tfstate and keeps mesh_owner of a shared mesh', async () => {
    const state = {
      version: 4,
      resources: [
        { mode: 'managed', type: 'aws_appmesh_virtual_service', name: 's', instances: [{ attributes: { name: 'a.apps.local', mesh_name: 'apps', mesh_owner: '444455556666', resource_owner: '111122223333', spec: [{ provider: [] }] } }] },
      ],
    };
    const result = await importFiles({ 'terraform.tfstate': state });
    assert.deepEqual(errors(result), []);
    assert.deepEqual(byKey(result).get('VirtualService/apps/a.apps.local'), { kind: 'VirtualService', meshName: 'apps', virtualServiceName: 'a.apps.local', meshOwner: '444455556666', spec: {} });
  });

  it('evaluates variables, locals and name references in .tf.json, and reports the rest at its line', async () => {
    const config = {
      variable: { mesh: { default: 'apps' } },
      locals: { domain: 'apps.local' },
      resource: {
        aws_appmesh_mesh: { m: { name: '${var.mesh}' } },
        aws_appmesh_virtual_node: {
          a: { name: 'serviceA', mesh_name: '${aws_appmesh_mesh.m.name}', spec: { listener: [{ port_mapping: { port: '8080', protocol: 'http' } }], service_discovery: { dns: { hostname: 'servicea.${local.domain}' } } } },
          b: { name: 'serviceB', mesh_name: '${aws_appmesh_mesh.m.name}', spec: { service_discovery: { dns: { hostname: '${aws_lb.b.dns_name}' } } } },
        },
      },
    };
    const result = await importFiles({ 'main.tf.json': config }, { mesh: 'prod' });
    const imported = byKey(result);
    assert.deepEqual(imported.get('VirtualNode/prod/serviceA')?.spec, { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }], serviceDiscovery: { dns: { hostname: 'servicea.apps.local' } } });
    assert.equal(imported.get('VirtualNode/prod/serviceB'), undefined);
    const unresolved = result.findings.find((f) => f.code === 'IMPORT-UNRESOLVED');
    assert.ok(unresolved && unresolved.message.includes('aws_lb.b.dns_name'));
    const lines = JSON.stringify(config, null, 2).split('\n');
    assert.match(lines[unresolved.line - 1], /dns_name/);
    assert.equal(result.complete, false);
  });

  it('refuses an unknown aws_appmesh_ type as malformed', async () => {
    const result = await importFiles({ 'main.tf.json': { resource: { aws_appmesh_virtual_thing: { x: { name: 'x' } } } } });
    assert.equal(result.malformed, true);
    assert.equal(result.resources.length, 0);
    assert.match(errors(result)[0].message, /aws_appmesh_virtual_thing is not an App Mesh resource type/);
  });
});

