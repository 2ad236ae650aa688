// The App Mesh API's Git write path on a real local repository: each call becomes one commit on
// the branch (authored by the caller, checked out working tree following), or an App Mesh error
// with nothing committed.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiCaller, ApiMutation, ApiWriter } from '../../../reconciler/api/write/api-mutation';
import { createGitApiWriter } from '../../../reconciler/api/write/git-api-writer';
import { openCheckout } from '../../../reconciler/source/git-source';
import { cleanupAfterEach } from '../../helpers/cleanups';
import { GitRepo } from '../../helpers/temp-repo';

const ALICE: ApiCaller = { identity: 'alice-ci', name: 'Alice', email: 'alice@example.com' };
const NODE_SPEC = {
  listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
  serviceDiscovery: { dns: { hostname: 'servicec.apps.local' } },
};
const nodeC = { kind: 'VirtualNode' as const, meshName: 'apps', name: 'serviceC' };

describe('App Mesh API writes to a local repository', () => {
  const cleanups = cleanupAfterEach();
  let repo: GitRepo;
  let writer: ApiWriter;
  let readOnly: Set<string>;

  beforeEach(async () => {
    repo = cleanups.gitRepo();
    readOnly = new Set();
    const checkout = await openCheckout({ repo: repo.dir, branch: 'main', dataDir: cleanups.tempDir() });
    writer = createGitApiWriter({ checkout, branch: 'main', isReadOnly: (env) => readOnly.has(env) });
  });

  const write = (mutation: ApiMutation, operation: string) => writer.write('apps', mutation, ALICE, operation);
  const show = (file: string) => repo.git('show', `main:${file}`);

  it('commits a created resource to its canonical file, authored by the caller, and the checkout follows', async () => {
    const before = repo.head();
    const result = await write({ op: 'create', target: nodeC, spec: NODE_SPEC, tags: [{ key: 'team', value: 'payments' }] }, 'CreateVirtualNode');
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(repo.head(), result.commit);
    assert.equal(repo.git('rev-parse', `${result.commit}^`), before);
    assert.equal(repo.git('log', '-1', '--format=%an <%ae>|%cn|%s', result.commit), 'Alice <alice@example.com>|meshplane|CreateVirtualNode apps/serviceC (via App Mesh API)');
    assert.match(repo.git('log', '-1', '--format=%b', result.commit), /Meshplane-Api-Caller: alice-ci/);
    assert.deepEqual(repo.git('show', '--name-status', '--format=', result.commit).split('\n'), ['A\tenvironments/apps/apps/virtual-node/serviceC.yaml']);
    const text = show('environments/apps/apps/virtual-node/serviceC.yaml');
    assert.match(text, /^# Created through the App Mesh API \(CreateVirtualNode\) by alice-ci\nkind: VirtualNode\nmeshName: apps\nvirtualNodeName: serviceC\nspec:\n/);
    assert.match(text, /tags:\n {2}- key: team\n {4}value: payments/);
    assert.deepEqual((result.document as { spec: unknown }).spec, NODE_SPEC);
    // The branch is checked out: its working tree has the file and nothing is left modified.
    assert.ok(fs.existsSync(path.join(repo.dir, 'environments/apps/apps/virtual-node/serviceC.yaml')));
    assert.equal(repo.git('status', '--porcelain'), '');
  });

  it('answers ConflictException for an existing resource and NotFoundException for a missing one or parent, committing nothing', async () => {
    const before = repo.head();
    const exists = await write({ op: 'create', target: { kind: 'VirtualNode', meshName: 'apps', name: 'serviceB' }, spec: NODE_SPEC }, 'CreateVirtualNode');
    assert.deepEqual([exists.ok, !exists.ok && exists.errorType], [false, 'ConflictException']);
    assert.ok(!exists.ok && exists.message.includes('environments/apps/nodes/service-b.yaml:2'), !exists.ok ? exists.message : '');
    const missing = await write({ op: 'update', target: nodeC, spec: NODE_SPEC }, 'UpdateVirtualNode');
    assert.equal(!missing.ok && missing.errorType, 'NotFoundException');
    const noRouter = await write({ op: 'create', target: { kind: 'Route', meshName: 'apps', virtualRouterName: 'nope', name: 'r' }, spec: { httpRoute: {} } }, 'CreateRoute');
    assert.equal(!noRouter.ok && noRouter.errorType, 'NotFoundException');
    assert.match(!noRouter.ok ? noRouter.message : '', /VirtualRouter nope .*does not exist/);
    const noMesh = await writer.write('apps', { op: 'create', target: { kind: 'VirtualNode', meshName: 'other', name: 'n' }, spec: NODE_SPEC }, ALICE, 'CreateVirtualNode');
    assert.equal(!noMesh.ok && noMesh.errorType, 'NotFoundException');
    const noEnv = await writer.write('staging', { op: 'create', target: { kind: 'Mesh', meshName: 'm', name: 'm' }, spec: {} }, ALICE, 'CreateMesh');
    assert.equal(!noEnv.ok && noEnv.errorType, 'NotFoundException');
    assert.equal(repo.head(), before);
  });

  it('refuses a change that fails validation with BadRequestException carrying the diagnostics, committing nothing', async () => {
    const before = repo.head();
    const bad = { ...NODE_SPEC, listeners: [{ portMapping: { port: 70000, protocol: 'http' } }] };
    const result = await write({ op: 'create', target: nodeC, spec: bad }, 'CreateVirtualNode');
    assert.ok(!result.ok);
    assert.equal(result.errorType, 'BadRequestException');
    const finding = result.diagnostics?.find((d) => d.pointer === '/spec/listeners/0/portMapping/port');
    assert.ok(finding, JSON.stringify(result.diagnostics));
    assert.equal(finding.file, 'environments/apps/apps/virtual-node/serviceC.yaml');
    assert.ok((finding.line ?? 0) > 0 && finding.rule.length > 0);
    // A graph rule: a route targeting a node that does not exist.
    const route = await write(
      { op: 'create', target: { kind: 'Route', meshName: 'apps', virtualRouterName: 'serviceB', name: 'ghost' }, spec: { httpRoute: { match: { prefix: '/g' }, action: { weightedTargets: [{ virtualNode: 'ghost', weight: 1 }] } } } },
      'CreateRoute',
    );
    assert.equal(!route.ok && route.errorType, 'BadRequestException');
    assert.equal(repo.head(), before);
  });

  it('answers LimitExceededException when the change exceeds a quota of environment.yaml', async () => {
    repo.commit('two nodes at most', { 'environments/apps/environment.yaml': 'account: "111122223333"\nregion: us-west-2\nquotas:\n  virtualNodesPerMesh: 3\n' });
    const before = repo.head();
    const result = await write({ op: 'create', target: nodeC, spec: NODE_SPEC }, 'CreateVirtualNode');
    assert.equal(!result.ok && result.errorType, 'LimitExceededException', JSON.stringify(result));
    assert.equal(repo.head(), before);
  });

  it('updates a resource in place, keeping the comments and the other documents of its file', async () => {
    const file = 'environments/apps/nodes/service-b.yaml';
    const original = show(file);
    const spec = { ...NODE_SPEC, serviceDiscovery: { dns: { hostname: 'serviceb.apps.local' } }, listeners: [{ portMapping: { port: 80, protocol: 'http2' } }], backendDefaults: { clientPolicy: { tls: { enforce: false, validation: { trust: { file: { certificateChain: '/ca.pem' } } } } } } };
    const result = await write({ op: 'update', target: { kind: 'VirtualNode', meshName: 'apps', name: 'serviceB' }, spec }, 'UpdateVirtualNode');
    assert.ok(result.ok, JSON.stringify(result));
    const updated = show(file);
    assert.ok(updated.startsWith('# serviceB and its canary serviceBv2 serve the same API on HTTP/2 port 80.\n'));
    const secondDoc = original.slice(original.indexOf('---'));
    assert.ok(updated.endsWith(secondDoc), updated);
    assert.match(updated, /backendDefaults:\n {4}clientPolicy:\n {6}tls:\n/);
    assert.equal(repo.git('log', '-1', '--format=%s'), 'UpdateVirtualNode apps/serviceB (via App Mesh API)');
  });

  it('edits a JSON document in place with its own indentation', async () => {
    const file = 'environments/apps/extra/service-d.json';
    repo.commit('a JSON node', { [file]: JSON.stringify({ kind: 'VirtualNode', meshName: 'apps', virtualNodeName: 'serviceD', spec: NODE_SPEC }, null, 4) + '\n' });
    const result = await write({ op: 'tag', target: { kind: 'VirtualNode', meshName: 'apps', name: 'serviceD' }, tags: [{ key: 'owner', value: 'd-team' }] }, 'TagResource');
    assert.ok(result.ok, JSON.stringify(result));
    const text = show(file);
    assert.deepEqual(JSON.parse(text).tags, [{ key: 'owner', value: 'd-team' }]);
    assert.match(text, /^\{\n {4}"kind": "VirtualNode",\n/);
  });

  it('tags and untags in the document, replacing a tag of the same key', async () => {
    const target = { kind: 'VirtualRouter' as const, meshName: 'apps', name: 'serviceB' };
    assert.ok((await write({ op: 'tag', target, tags: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] }, 'TagResource')).ok);
    assert.ok((await write({ op: 'tag', target, tags: [{ key: 'a', value: '3' }] }, 'TagResource')).ok);
    const tagged = await write({ op: 'untag', target, tagKeys: ['b'] }, 'UntagResource');
    assert.ok(tagged.ok);
    assert.deepEqual((tagged.document as { tags: unknown }).tags, [{ key: 'a', value: '3' }]);
    const text = show('environments/apps/routing/service-b.yaml');
    assert.match(text, /virtualRouterName: serviceB\nspec:\n[\s\S]*tags:\n {2}- key: a\n {4}value: "3"\n---\nkind: Route/);
    const untagged = await write({ op: 'untag', target, tagKeys: ['a'] }, 'UntagResource');
    assert.ok(untagged.ok);
    assert.doesNotMatch(show('environments/apps/routing/service-b.yaml'), /tags:/);
  });

  it('refuses to delete what is in use (ResourceInUseException) and deletes the document of a leaf from its multi-document file', async () => {
    const before = repo.head();
    const cases: Array<[ApiMutation['target'], RegExp]> = [
      [{ kind: 'Mesh', meshName: 'apps', name: 'apps' }, /lives in it/],
      [{ kind: 'VirtualRouter', meshName: 'apps', name: 'serviceB' }, /belongs to it|names as its provider/],
      [{ kind: 'VirtualNode', meshName: 'apps', name: 'serviceBv2' }, /Route serviceB .*targets it/],
    ];
    for (const [target, blockers] of cases) {
      const result = await write({ op: 'delete', target }, `Delete${target.kind}`);
      assert.equal(!result.ok && result.errorType, 'ResourceInUseException', JSON.stringify(result));
      assert.match(!result.ok ? result.message : '', blockers);
    }
    assert.equal(repo.head(), before);
    const file = 'environments/apps/routing/service-b.yaml';
    const original = show(file);
    const route = await write({ op: 'delete', target: { kind: 'Route', meshName: 'apps', virtualRouterName: 'serviceB', name: 'serviceB' } }, 'DeleteRoute');
    assert.ok(route.ok, JSON.stringify(route));
    assert.equal(show(file) + '\n', original.slice(0, original.lastIndexOf('---\nkind: Route')));
    assert.equal(repo.git('log', '-1', '--format=%s'), 'DeleteRoute apps/serviceB/serviceB (via App Mesh API)');
  });

  it('refuses every write to a read-only environment with ForbiddenException', async () => {
    readOnly.add('apps');
    const before = repo.head();
    const result = await write({ op: 'create', target: nodeC, spec: NODE_SPEC }, 'CreateVirtualNode');
    assert.equal(!result.ok && result.errorType, 'ForbiddenException');
    assert.equal(repo.head(), before);
  });

  it('deletes a resource, removing only its document, and deletes a file left empty', async () => {
    assert.ok((await write({ op: 'create', target: nodeC, spec: NODE_SPEC }, 'CreateVirtualNode')).ok);
    const deleted = await write({ op: 'delete', target: nodeC }, 'DeleteVirtualNode');
    assert.ok(deleted.ok, JSON.stringify(deleted));
    assert.equal((deleted.document as { virtualNodeName: string }).virtualNodeName, 'serviceC');
    assert.deepEqual(repo.git('show', '--name-status', '--format=', 'HEAD').split('\n'), ['D\tenvironments/apps/apps/virtual-node/serviceC.yaml']);
    assert.ok(!fs.existsSync(path.join(repo.dir, 'environments/apps/apps/virtual-node/serviceC.yaml')));
  });

  it('takes concurrent calls one at a time: every one lands as its own commit', async () => {
    const before = repo.head();
    const names = Array.from({ length: 6 }, (_, i) => `parallel-${i}`);
    const results = await Promise.all(
      names.map((name) => write({ op: 'create', target: { kind: 'VirtualNode', meshName: 'apps', name }, spec: { ...NODE_SPEC, serviceDiscovery: { dns: { hostname: `${name}.apps.local` } } } }, 'CreateVirtualNode')),
    );
    assert.ok(results.every((r) => r.ok), JSON.stringify(results.filter((r) => !r.ok)));
    assert.equal(repo.git('rev-list', '--count', `${before}..main`), String(names.length));
  });
});
