// Every read operation of the App Mesh API through the AWS SDK for JavaScript v3, against the
// `apps` environment committed to a real git repository (nothing applied: reads serve the head).
import * as assert from 'node:assert/strict';
import { cleanupAfterEach } from '../helpers/cleanups';
import { ACCOUNT, REGION, sdkError, startApiFixture } from './api-fixture';

describe('App Mesh API reads (AWS SDK for JavaScript v3)', function () {
  this.timeout(30_000);
  const cleanups = cleanupAfterEach();

  it('DescribeMesh answers the mesh with App Mesh metadata: ARN of environment.yaml, uid, version 1, epoch timestamps, owners, ACTIVE', async () => {
    const fixture = await startApiFixture(cleanups);
    const { mesh } = await fixture.client().describeMesh({ meshName: 'apps' });
    assert.equal(mesh?.meshName, 'apps');
    assert.deepEqual(mesh?.spec, { egressFilter: { type: 'DROP_ALL' } });
    assert.deepEqual(mesh?.status, { status: 'ACTIVE' });
    assert.equal(mesh?.metadata?.arn, `arn:aws:appmesh:${REGION}:${ACCOUNT}:mesh/apps`);
    assert.equal(mesh?.metadata?.meshOwner, ACCOUNT);
    assert.equal(mesh?.metadata?.resourceOwner, ACCOUNT);
    assert.equal(mesh?.metadata?.version, 1);
    assert.match(mesh?.metadata?.uid ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const committedAt = new Date(fixture.repo.git('log', '-1', '--format=%cI')).getTime();
    assert.equal(mesh?.metadata?.createdAt?.getTime(), committedAt, 'createdAt is the commit time (parsed by the SDK from epoch seconds)');
    assert.equal(mesh?.metadata?.lastUpdatedAt?.getTime(), committedAt);
  });

  it('Describe of every kind answers the resource as the repository has it', async () => {
    const fixture = await startApiFixture(cleanups);
    const client = fixture.client();
    const node = (await client.describeVirtualNode({ meshName: 'apps', virtualNodeName: 'serviceA' })).virtualNode;
    assert.deepEqual(node?.spec?.serviceDiscovery, { dns: { hostname: 'servicea.apps.local' } });
    assert.equal(node?.metadata?.arn, `arn:aws:appmesh:${REGION}:${ACCOUNT}:mesh/apps/virtualNode/serviceA`);
    const service = (await client.describeVirtualService({ meshName: 'apps', virtualServiceName: 'serviceb.apps.local' })).virtualService;
    assert.deepEqual(service?.spec?.provider, { virtualRouter: { virtualRouterName: 'serviceB' } });
    const router = (await client.describeVirtualRouter({ meshName: 'apps', virtualRouterName: 'serviceB' })).virtualRouter;
    assert.deepEqual(router?.spec?.listeners, [{ portMapping: { port: 80, protocol: 'http2' } }]);
    const route = (await client.describeRoute({ meshName: 'apps', virtualRouterName: 'serviceB', routeName: 'serviceB' })).route;
    assert.equal(route?.virtualRouterName, 'serviceB');
    assert.deepEqual(route?.spec?.http2Route?.action?.weightedTargets, [
      { virtualNode: 'serviceB', weight: 75 },
      { virtualNode: 'serviceBv2', weight: 25 },
    ]);
    assert.equal(route?.metadata?.arn, `arn:aws:appmesh:${REGION}:${ACCOUNT}:mesh/apps/virtualRouter/serviceB/route/serviceB`);
  });

  it('DescribeVirtualGateway and DescribeGatewayRoute answer gateways committed to the repository', async () => {
    const fixture = await startApiFixture(cleanups);
    fixture.repo.commit('gateway', {
      'environments/apps/gateway.yaml': [
        'kind: VirtualGateway',
        'meshName: apps',
        'virtualGatewayName: ingress',
        'spec:',
        '  listeners:',
        '    - portMapping: { port: 8080, protocol: http }',
        '---',
        'kind: GatewayRoute',
        'meshName: apps',
        'virtualGatewayName: ingress',
        'gatewayRouteName: to-a',
        'spec:',
        '  httpRoute:',
        '    match: { prefix: /a }',
        '    action:',
        '      target: { virtualService: { virtualServiceName: servicea.apps.local } }',
        '      rewrite: { prefix: { defaultPrefix: DISABLED } }',
        'tags:',
        '  - { key: team, value: edge }',
        '',
      ].join('\n'),
    });
    const client = fixture.client();
    const gateway = (await client.describeVirtualGateway({ meshName: 'apps', virtualGatewayName: 'ingress' })).virtualGateway;
    assert.deepEqual(gateway?.spec?.listeners, [{ portMapping: { port: 8080, protocol: 'http' } }]);
    const route = (await client.describeGatewayRoute({ meshName: 'apps', virtualGatewayName: 'ingress', gatewayRouteName: 'to-a' })).gatewayRoute;
    assert.deepEqual(route?.spec?.httpRoute?.action?.rewrite, { prefix: { defaultPrefix: 'DISABLED' } });
    assert.equal(route?.metadata?.arn, `arn:aws:appmesh:${REGION}:${ACCOUNT}:mesh/apps/virtualGateway/ingress/gatewayRoute/to-a`);
    const tags = await client.listTagsForResource({ resourceArn: route!.metadata!.arn });
    assert.deepEqual(tags.tags, [{ key: 'team', value: 'edge' }]);
    const gatewayRoutes = await client.listGatewayRoutes({ meshName: 'apps', virtualGatewayName: 'ingress' });
    assert.deepEqual(gatewayRoutes.gatewayRoutes?.map((r) => [r.virtualGatewayName, r.gatewayRouteName]), [['ingress', 'to-a']]);
    const gateways = await client.listVirtualGateways({ meshName: 'apps' });
    assert.deepEqual(gateways.virtualGateways?.map((g) => g.virtualGatewayName), ['ingress']);
  });

  it('List of every kind answers references (identity, arn, version, owners, timestamps) without spec', async () => {
    const fixture = await startApiFixture(cleanups);
    const client = fixture.client();
    const meshes = await client.listMeshes({});
    assert.deepEqual(meshes.meshes?.map((m) => m.meshName), ['apps']);
    assert.equal(meshes.nextToken, undefined);
    const nodes = await client.listVirtualNodes({ meshName: 'apps' });
    assert.deepEqual(nodes.virtualNodes?.map((n) => n.virtualNodeName).sort(), ['serviceA', 'serviceB', 'serviceBv2'].sort());
    const first = nodes.virtualNodes![0];
    assert.deepEqual(Object.keys(first).sort(), ['arn', 'createdAt', 'lastUpdatedAt', 'meshName', 'meshOwner', 'resourceOwner', 'version', 'virtualNodeName']);
    assert.ok(first.createdAt instanceof Date);
    const services = await client.listVirtualServices({ meshName: 'apps' });
    assert.ok(services.virtualServices!.some((s) => s.virtualServiceName === 'serviceb.apps.local'));
    const routers = await client.listVirtualRouters({ meshName: 'apps' });
    assert.deepEqual(routers.virtualRouters?.map((r) => r.virtualRouterName), ['serviceB']);
    const routes = await client.listRoutes({ meshName: 'apps', virtualRouterName: 'serviceB' });
    assert.deepEqual(routes.routes?.map((r) => [r.virtualRouterName, r.routeName]), [['serviceB', 'serviceB']]);
  });

  it('pages with limit and opaque nextToken tokens, and refuses a token of another list', async () => {
    const fixture = await startApiFixture(cleanups);
    const client = fixture.client();
    const names: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const answer = await client.listVirtualNodes({ meshName: 'apps', limit: 2, nextToken });
      assert.ok(answer.virtualNodes!.length <= 2);
      names.push(...answer.virtualNodes!.map((n) => n.virtualNodeName!));
      nextToken = answer.nextToken;
      pages++;
    } while (nextToken && pages < 10);
    assert.equal(pages, 2);
    assert.deepEqual(names.sort(), ['serviceA', 'serviceB', 'serviceBv2'].sort());
    const token = (await client.listVirtualNodes({ meshName: 'apps', limit: 1 })).nextToken;
    const error = await sdkError(client.listVirtualServices({ meshName: 'apps', nextToken: token }));
    assert.equal(error.name, 'BadRequestException');
    assert.equal(error.$metadata.httpStatusCode, 400);
    assert.match(error.message, /nextToken is not valid/);
  });

  it('answers NotFoundException for a resource or mesh the head does not have, BadRequestException for a limit out of range', async () => {
    const fixture = await startApiFixture(cleanups);
    const client = fixture.client();
    const missing = await sdkError(client.describeVirtualNode({ meshName: 'apps', virtualNodeName: 'nope' }));
    assert.equal(missing.name, 'NotFoundException');
    assert.equal(missing.$metadata.httpStatusCode, 404);
    assert.match(missing.message, /VirtualNode nope in mesh apps was not found in environment apps/);
    const noMesh = await sdkError(client.listVirtualNodes({ meshName: 'elsewhere' }));
    assert.equal(noMesh.name, 'NotFoundException');
    const noRouter = await sdkError(client.listRoutes({ meshName: 'apps', virtualRouterName: 'nope' }));
    assert.equal(noRouter.name, 'NotFoundException');
    const badLimit = await sdkError(client.listVirtualNodes({ meshName: 'apps', limit: 101 }));
    assert.equal(badLimit.name, 'BadRequestException');
    assert.match(badLimit.message, /limit must be at most 100/);
  });

  it('reads the head of the branch: a commit made after the server started is answered at once', async () => {
    const fixture = await startApiFixture(cleanups);
    const client = fixture.client();
    await client.describeMesh({ meshName: 'apps' });
    fixture.repo.commit('serviceC', {
      'environments/apps/nodes/service-c.yaml': 'kind: VirtualNode\nmeshName: apps\nvirtualNodeName: serviceC\nspec:\n  listeners:\n    - portMapping: { port: 80, protocol: http }\n',
    });
    await new Promise((resolve) => setTimeout(resolve, 300)); // the head is looked up at most every 250 ms
    const node = (await client.describeVirtualNode({ meshName: 'apps', virtualNodeName: 'serviceC' })).virtualNode;
    assert.equal(node?.virtualNodeName, 'serviceC');
    assert.equal(node?.metadata?.version, 1);
  });
});
