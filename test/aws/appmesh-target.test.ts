// The appmesh target: every kind and every spec field of the API model reaches its aws_appmesh_*
// block, checked with cdktf's Testing matchers on generated documents, the bundled environments
// and the App Mesh examples' API walkthroughs; what Terraform cannot express is reported.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { Diagnostic } from '../../provider/model/diagnostic';
import { KINDS, Kind } from '../../provider/model/kinds';
import { Resource } from '../../provider/model/resource';
import { WorkingTreeSource } from '../../reconciler/load/file-source';
import { loadEnvironment } from '../../reconciler/load/load-environment';
import { FIXTURES_DIR, REPO_ROOT } from '../helpers/paths';
import { apiModelAvailable, everyFieldDocument } from './api-model-documents';
import { resourceOf, stackOfEnvironment, stackOfResources } from './stack-fixtures';
import { gapPointers, RESOURCE_TYPES, terraformShape } from './terraform-shape';

function assertResource(synth: string, resource: Resource): void {
  const type = RESOURCE_TYPES[resource.kind];
  const expected = terraformShape(resource.kind, resource.doc as Record<string, unknown>);
  if (Testing.toHaveResourceWithProperties(synth, type, expected)) return;
  const candidates = Object.values(JSON.parse(synth).resource?.[type] ?? {}).filter((r: any) => r.name === expected.name);
  assert.fail(`${resource.key} (${resource.source.file}) is not synthesized as expected.\nexpected ${type} with:\n${JSON.stringify(expected, null, 1)}\nsynthesized:\n${JSON.stringify(candidates, null, 1)}`);
}

function unexpressed(diagnostics: Diagnostic[]): string[] {
  return diagnostics.filter((d) => d.code === 'TF-1').map((d) => `${d.file}#${d.pointer}`).sort();
}

describe('appmesh target: every kind, every spec field of the API model', () => {
  before(function () {
    if (!apiModelAvailable()) {
      process.stderr.write('\n  SKIPPED: needs ../shared/spec/appmesh-api-model.json (set MESHPLANE_SHARED_DIR)\n');
      this.skip();
    }
  });

  for (const kind of KINDS) {
    it(`${kind}: each member becomes its ${RESOURCE_TYPES[kind]} attribute or a TF-1 diagnostic`, () => {
      const resource = resourceOf(everyFieldDocument(kind));
      const stack = stackOfResources([resource], { targets: ['appmesh'] });
      assertResource(stack.synth, resource);
      const gaps = gapPointers(kind, resource.doc as Record<string, unknown>);
      assert.deepEqual(unexpressed(stack.diagnostics), gaps.map((p) => `${resource.source.file}#${p}`).sort());
      for (const d of stack.diagnostics.filter((x) => x.code === 'TF-1')) {
        assert.equal(d.severity, 'warning');
        assert.match(d.message, new RegExp(`cannot be expressed in ${RESOURCE_TYPES[kind]} \\(.+\\).*Remove it from the document, or manage this resource outside Terraform`));
      }
      assert.equal(stack.diagnostics.filter((d) => d.severity === 'error').length, 0);
    });
  }

  it('names the missing Terraform attribute for each known gap', () => {
    const stack = stackOfResources([resourceOf(everyFieldDocument('GatewayRoute')), resourceOf(everyFieldDocument('VirtualNode'))], { targets: ['appmesh'] });
    const messages = stack.diagnostics.map((d) => `${d.pointer}: ${d.message}`).join('\n');
    assert.match(messages, /awsCloudMap\/ipPreference: .*aws_cloud_map has no ip_preference attribute/);
    assert.match(messages, /grpcRoute\/match\/metadata: .*grpc_route match block has no metadata/);
    assert.match(messages, /grpcRoute\/action\/rewrite: .*grpc_route action block has no rewrite/);
    assert.match(messages, /httpRoute\/match\/method: .*has no method/);
  });
});

describe('appmesh target: bundled environments', () => {
  for (const env of ['apps', 'ingress']) {
    it(`${env}: every document is synthesized 1:1 with nothing left out`, async () => {
      const stack = await stackOfEnvironment(REPO_ROOT, env);
      const loaded = await loadEnvironment(new WorkingTreeSource(REPO_ROOT), env);
      assert.ok(loaded.resources.length > 5);
      for (const resource of loaded.resources) assertResource(stack.synth, resource);
      assert.deepEqual(unexpressed(stack.diagnostics), []);
      for (const kind of new Set(loaded.resources.map((r) => r.kind))) {
        const count = Object.keys(stack.json.resource?.[RESOURCE_TYPES[kind]] ?? {}).length;
        assert.equal(count, loaded.resources.filter((r) => r.kind === kind).length, `one ${RESOURCE_TYPES[kind]} per ${kind}`);
      }
    });
  }

  it('apps: the canary split, names and creation order', async () => {
    const { synth, json } = await stackOfEnvironment(REPO_ROOT, 'apps');
    assert.ok(Testing.toHaveResourceWithProperties(synth, 'aws_appmesh_mesh', { name: 'apps', spec: { egress_filter: { type: 'DROP_ALL' } } }));
    assert.ok(
      Testing.toHaveResourceWithProperties(synth, 'aws_appmesh_route', {
        name: 'serviceB',
        mesh_name: 'apps',
        virtual_router_name: 'serviceB',
        spec: {
          http2_route: {
            match: { prefix: '/' },
            action: {
              weighted_target: [
                { virtual_node: 'serviceB', weight: 75 },
                { virtual_node: 'serviceBv2', weight: 25 },
              ],
            },
          },
        },
      }),
    );
    assert.ok(
      Testing.toHaveResourceWithProperties(synth, 'aws_appmesh_virtual_node', {
        name: 'serviceA',
        spec: {
          listener: [{ port_mapping: { port: 80, protocol: 'http2' } }],
          backend: [{ virtual_service: { virtual_service_name: 'serviceb.apps.local' } }],
          service_discovery: { dns: { hostname: 'servicea.apps.local' } },
        },
      }),
    );
    const routes = json.resource!.aws_appmesh_route;
    assert.deepEqual(Object.keys(routes), ['apps_serviceB_serviceB']);
    assert.deepEqual(routes.apps_serviceB_serviceB.depends_on, [
      'aws_appmesh_mesh.apps',
      'aws_appmesh_virtual_router.apps_serviceB',
      'aws_appmesh_virtual_node.apps_serviceB',
      'aws_appmesh_virtual_node.apps_serviceBv2',
    ]);
    const services = json.resource!.aws_appmesh_virtual_service;
    assert.deepEqual(Object.keys(services).sort(), ['apps_servicea-apps-local', 'apps_serviceb-apps-local']);
    assert.deepEqual(services['apps_serviceb-apps-local'].depends_on, ['aws_appmesh_mesh.apps', 'aws_appmesh_virtual_router.apps_serviceB']);
    assert.equal(json.resource!.aws_appmesh_mesh.apps.depends_on, undefined);
  });

  it('ingress: gateway listener, logging and gateway routes to their virtual services', async () => {
    const { synth, json } = await stackOfEnvironment(REPO_ROOT, 'ingress');
    assert.ok(
      Testing.toHaveResourceWithProperties(synth, 'aws_appmesh_virtual_gateway', {
        name: 'ingress-gw',
        mesh_name: 'bookstore',
        spec: { listener: [{ port_mapping: { port: 9080, protocol: 'http' } }], logging: { access_log: { file: { path: '/dev/stdout' } } } },
      }),
    );
    assert.ok(
      Testing.toHaveResourceWithProperties(synth, 'aws_appmesh_gateway_route', {
        name: 'books',
        virtual_gateway_name: 'ingress-gw',
        spec: { http_route: { match: { prefix: '/books' }, action: { target: { virtual_service: { virtual_service_name: 'books.bookstore.local' } } } } },
      }),
    );
    assert.deepEqual(json.resource!.aws_appmesh_gateway_route['bookstore_ingress-gw_books'].depends_on, [
      'aws_appmesh_mesh.bookstore',
      'aws_appmesh_virtual_gateway.bookstore_ingress-gw',
      'aws_appmesh_virtual_service.bookstore_books-bookstore-local',
    ]);
  });
});

/** The API walkthroughs of the examples corpus: per folder, the last stage of each resource. */
function walkthroughEnvironments(): Array<{ folder: string; resources: Resource[] }> {
  const index = JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, 'index.json'), 'utf8'));
  const out: Array<{ folder: string; resources: Resource[] }> = [];
  for (const [folder, entry] of Object.entries<any>(index.folders)) {
    const files = (entry.files as Array<{ path: string; dialect: string; step?: number }>)
      .filter((f) => f.dialect === 'api' && f.path.endsWith('.json'))
      .sort((a, b) => (a.step ?? 0) - (b.step ?? 0) || a.path.localeCompare(b.path));
    const latest = new Map<string, Resource>();
    for (const file of files) {
      const doc = JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, folder, file.path), 'utf8'));
      const resource = resourceOf(doc, `${folder}/${file.path}`);
      latest.set(resource.key, resource);
    }
    if (latest.size > 0) out.push({ folder, resources: [...latest.values()] });
  }
  return out;
}

describe('appmesh target: App Mesh examples walkthroughs (api/*.json)', () => {
  const available = fs.existsSync(path.join(FIXTURES_DIR, 'index.json'));
  const environments = available ? walkthroughEnvironments() : [];

  before(function () {
    if (!available) {
      process.stderr.write(`\n  SKIPPED: needs the examples corpus at ${FIXTURES_DIR}\n`);
      this.skip();
    }
  });

  it('covers a broad set of walkthroughs and every kind', () => {
    assert.ok(environments.length >= 12, `${environments.length} walkthroughs with API documents`);
    const kinds = new Set(environments.flatMap((e) => e.resources.map((r) => r.kind)));
    assert.deepEqual([...kinds].sort(), [...KINDS].sort());
  });

  for (const { folder, resources } of environments) {
    it(`${folder}: ${resources.length} resources synthesized field by field`, () => {
      const stack = stackOfResources(resources, { targets: ['appmesh'] });
      for (const resource of resources) assertResource(stack.synth, resource);
      const expectedGaps = resources.flatMap((r) => gapPointers(r.kind as Kind, r.doc as Record<string, unknown>).map((p) => `${r.source.file}#${p}`));
      assert.deepEqual(unexpressed(stack.diagnostics), expectedGaps.sort());
    });
  }
});

describe('appmesh target: requirements of the Terraform schema', () => {
  it('reports a gRPC gateway route without serviceName (optional in the API, required by Terraform) as an error', () => {
    const route = resourceOf({
      kind: 'GatewayRoute',
      meshName: 'm',
      virtualGatewayName: 'gw',
      gatewayRouteName: 'grpc',
      spec: { grpcRoute: { match: { port: 8080 }, action: { target: { virtualService: { virtualServiceName: 'svc.local' } } } } },
    });
    const { diagnostics } = stackOfResources([route], { targets: ['appmesh'] });
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.severity, d.pointer]),
      [['TF-2', 'error', '/spec/grpcRoute/match']],
    );
    assert.match(diagnostics[0].message, /requires grpc_route\.match\.service_name.*Add serviceName/);
  });

  it('gives names that differ only in characters Terraform forbids distinct resource names', () => {
    const services = ['a.b', 'a-b'].map((name) =>
      resourceOf({ kind: 'VirtualService', meshName: 'm', virtualServiceName: name, spec: {} }),
    );
    const { json } = stackOfResources(services, { targets: ['appmesh'] });
    assert.deepEqual(Object.keys(json.resource!.aws_appmesh_virtual_service).sort(), ['m_a-b', 'm_a-b_2']);
  });
});
