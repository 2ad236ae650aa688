// Writes through the App Mesh API with the AWS SDK for JavaScript v3, end to end: each call
// becomes a commit on the branch (by the Git writer of reconciler/api/write/), is answered with
// the resource as App Mesh answered it, and is readable at once.
import * as assert from 'node:assert/strict';
import { runApply } from '../../reconciler/cli/commands/apply';
import { captureTerminal } from '../helpers/capture-terminal';
import { cleanupAfterEach } from '../helpers/cleanups';
import { ACCOUNT, REGION, sdkError, startApiFixture } from './api-fixture';

const http = (port: number) => ({ portMapping: { port, protocol: 'http' as const } });

describe('App Mesh API writes (AWS SDK for JavaScript v3)', function () {
  this.timeout(120_000);
  const cleanups = cleanupAfterEach();

  it('creates, updates and deletes every kind; each call is a commit by the caller naming the operation, readable at once', async () => {
    const fixture = await startApiFixture(cleanups);
    const client = fixture.client();
    const headBefore = fixture.repo.head();
    const mesh = (await client.createMesh({ meshName: 'shop', spec: { egressFilter: { type: 'ALLOW_ALL' } }, tags: [{ key: 'team', value: 'shop' }] })).mesh;
    assert.equal(mesh?.metadata?.arn, `arn:aws:appmesh:${REGION}:${ACCOUNT}:mesh/shop`);
    assert.equal(mesh?.metadata?.version, 1);
    assert.deepEqual(mesh?.status, { status: 'ACTIVE' });
    assert.equal((await client.describeMesh({ meshName: 'shop' })).mesh?.metadata?.uid, mesh?.metadata?.uid, 'read-your-writes, same uid');
    const log = fixture.repo.git('log', '-1', '--format=%an <%ae>%n%s%n%b', 'main');
    assert.match(log, /^Ada Admin <ada@example\.com>/);
    assert.match(log, /CreateMesh/);
    assert.notEqual(fixture.repo.head(), headBefore);

    await client.createVirtualNode({ meshName: 'shop', virtualNodeName: 'cart', spec: { listeners: [http(8080)], serviceDiscovery: { dns: { hostname: 'cart.shop.local' } } } });
    await client.createVirtualRouter({ meshName: 'shop', virtualRouterName: 'cart', spec: { listeners: [http(8080)] } });
    const route = (
      await client.createRoute({
        meshName: 'shop',
        virtualRouterName: 'cart',
        routeName: 'all',
        spec: { httpRoute: { match: { prefix: '/' }, action: { weightedTargets: [{ virtualNode: 'cart', weight: 1 }] }, retryPolicy: { maxRetries: 2, perRetryTimeout: { unit: 'ms', value: 500 }, httpRetryEvents: ['server-error'] } } },
      })
    ).route;
    assert.equal(route?.metadata?.arn, `arn:aws:appmesh:${REGION}:${ACCOUNT}:mesh/shop/virtualRouter/cart/route/all`);
    assert.deepEqual(route?.spec?.httpRoute?.retryPolicy?.perRetryTimeout, { unit: 'ms', value: 500 });
    await client.createVirtualService({ meshName: 'shop', virtualServiceName: 'cart.shop.local', spec: { provider: { virtualRouter: { virtualRouterName: 'cart' } } } });
    await client.createVirtualGateway({ meshName: 'shop', virtualGatewayName: 'edge', spec: { listeners: [{ portMapping: { port: 443, protocol: 'http' } }] } });
    const gatewayRoute = (
      await client.createGatewayRoute({
        meshName: 'shop',
        virtualGatewayName: 'edge',
        gatewayRouteName: 'to-cart',
        spec: { httpRoute: { match: { prefix: '/cart' }, action: { target: { virtualService: { virtualServiceName: 'cart.shop.local' } }, rewrite: { prefix: { defaultPrefix: 'DISABLED' } } } } },
      })
    ).gatewayRoute;
    assert.equal(gatewayRoute?.gatewayRouteName, 'to-cart');

    const listed = await client.listVirtualNodes({ meshName: 'shop' });
    assert.deepEqual(listed.virtualNodes?.map((n) => n.virtualNodeName), ['cart']);

    const updated = (await client.updateVirtualNode({ meshName: 'shop', virtualNodeName: 'cart', spec: { listeners: [http(9090)], serviceDiscovery: { dns: { hostname: 'cart.shop.local' } } } })).virtualNode;
    assert.deepEqual(updated?.spec?.listeners, [http(9090)]);
    assert.equal(updated?.metadata?.uid, (await client.describeVirtualNode({ meshName: 'shop', virtualNodeName: 'cart' })).virtualNode?.metadata?.uid);
    await client.updateVirtualRouter({ meshName: 'shop', virtualRouterName: 'cart', spec: { listeners: [http(9090)] } });
    await client.updateRoute({ meshName: 'shop', virtualRouterName: 'cart', routeName: 'all', spec: { httpRoute: { match: { prefix: '/v2' }, action: { weightedTargets: [{ virtualNode: 'cart', weight: 1 }] } } } });
    await client.updateVirtualService({ meshName: 'shop', virtualServiceName: 'cart.shop.local', spec: { provider: { virtualNode: { virtualNodeName: 'cart' } } } });
    await client.updateVirtualGateway({ meshName: 'shop', virtualGatewayName: 'edge', spec: { listeners: [{ portMapping: { port: 8443, protocol: 'http' } }] } });
    await client.updateGatewayRoute({ meshName: 'shop', virtualGatewayName: 'edge', gatewayRouteName: 'to-cart', spec: { httpRoute: { match: { prefix: '/shop' }, action: { target: { virtualService: { virtualServiceName: 'cart.shop.local' } } } } } });
    await client.updateMesh({ meshName: 'shop', spec: { egressFilter: { type: 'DROP_ALL' } } });
    assert.equal((await client.describeRoute({ meshName: 'shop', virtualRouterName: 'cart', routeName: 'all' })).route?.spec?.httpRoute?.match?.prefix, '/v2');
    assert.equal((await client.describeMesh({ meshName: 'shop' })).mesh?.spec?.egressFilter?.type, 'DROP_ALL');

    const deleted = (await client.deleteGatewayRoute({ meshName: 'shop', virtualGatewayName: 'edge', gatewayRouteName: 'to-cart' })).gatewayRoute;
    assert.deepEqual(deleted?.status, { status: 'DELETED' });
    await client.deleteVirtualGateway({ meshName: 'shop', virtualGatewayName: 'edge' });
    await client.deleteVirtualService({ meshName: 'shop', virtualServiceName: 'cart.shop.local' });
    await client.deleteRoute({ meshName: 'shop', virtualRouterName: 'cart', routeName: 'all' });
    await client.deleteVirtualRouter({ meshName: 'shop', virtualRouterName: 'cart' });
    await client.deleteVirtualNode({ meshName: 'shop', virtualNodeName: 'cart' });
    assert.deepEqual((await client.deleteMesh({ meshName: 'shop' })).mesh?.status, { status: 'DELETED' });
    assert.equal((await sdkError(client.describeMesh({ meshName: 'shop' }))).name, 'NotFoundException');
    const subjects = fixture.repo.git('log', '--format=%s', `${headBefore}..main`).split('\n');
    assert.equal(subjects.length, 21, `one commit per write: ${subjects.join(' | ')}`);
  });

  it('tags: TagResource, ListTagsForResource (paged), UntagResource', async () => {
    const fixture = await startApiFixture(cleanups);
    const client = fixture.client();
    const arn = `arn:aws:appmesh:${REGION}:${ACCOUNT}:mesh/apps/virtualNode/serviceA`;
    await client.tagResource({ resourceArn: arn, tags: [{ key: 'team', value: 'a' }, { key: 'tier', value: 'web' }, { key: 'cost', value: '42' }] });
    const first = await client.listTagsForResource({ resourceArn: arn, limit: 2 });
    assert.equal(first.tags?.length, 2);
    const rest = await client.listTagsForResource({ resourceArn: arn, limit: 2, nextToken: first.nextToken });
    assert.deepEqual([...first.tags!, ...rest.tags!].map((t) => t.key).sort(), ['cost', 'team', 'tier']);
    assert.equal(rest.nextToken, undefined);
    await client.untagResource({ resourceArn: arn, tagKeys: ['tier'] });
    assert.deepEqual((await client.listTagsForResource({ resourceArn: arn })).tags?.map((t) => t.key).sort(), ['cost', 'team']);
    const missing = await sdkError(client.tagResource({ resourceArn: `arn:aws:appmesh:${REGION}:${ACCOUNT}:mesh/apps/virtualNode/nope`, tags: [{ key: 'a', value: 'b' }] }));
    assert.equal(missing.name, 'NotFoundException');
    const notAnArn = await sdkError(client.listTagsForResource({ resourceArn: 'arn:aws:s3:::bucket' }));
    assert.equal(notAnArn.name, 'BadRequestException');
  });

  it('a retry with the same clientToken answers the first result without a second commit; the token with another request is a ConflictException', async () => {
    const fixture = await startApiFixture(cleanups);
    const client = fixture.client();
    const request = { meshName: 'apps', virtualNodeName: 'serviceD', clientToken: 'retry-token-1', spec: { listeners: [http(80)], serviceDiscovery: { dns: { hostname: 'd.apps.local' } } } };
    const first = await client.createVirtualNode(request);
    const head = fixture.repo.head();
    const again = await client.createVirtualNode(request);
    assert.deepEqual(again.virtualNode, first.virtualNode);
    assert.equal(fixture.repo.head(), head, 'the retry made no commit');
    const other = await sdkError(client.createVirtualNode({ ...request, virtualNodeName: 'serviceE' }));
    assert.equal(other.name, 'ConflictException');
    assert.equal(other.$metadata.httpStatusCode, 409);
    const duplicate = await sdkError(client.createVirtualNode({ ...request, clientToken: 'another-token' }));
    assert.equal(duplicate.name, 'ConflictException', 'creating an existing resource');
  });

  it('a write that fails validation answers BadRequestException with the diagnostics, and commits nothing', async () => {
    const fixture = await startApiFixture(cleanups);
    const client = fixture.client();
    const head = fixture.repo.head();
    const error = await sdkError(client.createRoute({ meshName: 'apps', virtualRouterName: 'serviceB', routeName: 'broken', spec: { httpRoute: { match: { prefix: 'no-slash' }, action: { weightedTargets: [{ virtualNode: 'serviceA', weight: 1 }] } } } }));
    assert.equal(error.name, 'BadRequestException');
    assert.equal(error.$metadata.httpStatusCode, 400);
    const diagnostics = (error as unknown as { diagnostics?: Array<{ rule: string; message: string; pointer?: string }> }).diagnostics;
    assert.ok(Array.isArray(diagnostics) && diagnostics.length > 0, `the body carries the diagnostics: ${JSON.stringify(error)}`);
    assert.ok(diagnostics.every((d) => typeof d.rule === 'string' && typeof d.message === 'string'));
    assert.equal(fixture.repo.head(), head);
  });

  it('a delete of a resource still referenced answers ResourceInUseException (409)', async () => {
    const fixture = await startApiFixture(cleanups);
    const error = await sdkError(fixture.client().deleteVirtualRouter({ meshName: 'apps', virtualRouterName: 'serviceB' }));
    assert.equal(error.name, 'ResourceInUseException');
    assert.equal(error.$metadata.httpStatusCode, 409);
  });

  it('metadata follows the applied revision: an update of an applied resource answers version + 1 with the same uid and createdAt', async () => {
    const fixture = await startApiFixture(cleanups);
    const terminal = captureTerminal();
    assert.equal(await runApply({ env: 'apps', repo: fixture.repo.dir, stateDir: fixture.stateDir, autoApprove: true }, terminal), 0, terminal.stderr);
    const client = fixture.client();
    await new Promise((resolve) => setTimeout(resolve, 2_100)); // the applied revision is re-read at most every 2 s
    const applied = (await client.describeVirtualNode({ meshName: 'apps', virtualNodeName: 'serviceA' })).virtualNode!;
    assert.equal(applied.metadata?.version, 1);
    const updated = (
      await client.updateVirtualNode({ meshName: 'apps', virtualNodeName: 'serviceA', spec: { ...applied.spec, listeners: [{ portMapping: { port: 81, protocol: 'http2' } }] } })
    ).virtualNode!;
    assert.equal(updated.metadata?.version, 2);
    assert.equal(updated.metadata?.uid, applied.metadata?.uid);
    assert.equal(updated.metadata?.createdAt?.getTime(), applied.metadata?.createdAt?.getTime());
  });
});
