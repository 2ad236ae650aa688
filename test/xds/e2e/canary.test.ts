// scenarios.md S01 with real proxyless gRPC clients: serviceA dials xds:///serviceb.apps.local:80
// and the route splits 75/25 between serviceB and serviceBv2; a push to 0/100 shifts the same
// channel and xDS stream with no failed call.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MeshHarness, sharePercent } from './mesh-harness';

describe('xds e2e: S01 canary with grpc-js-xds', function () {
  this.timeout(60_000);
  let mesh: MeshHarness;

  before(async () => {
    mesh = await MeshHarness.startCanary();
  });

  after(async () => {
    await mesh?.stop();
  });

  it('splits 75/25 over 1,000 calls, then shifts to 0/100 on a push without reconnecting or failing a call', async () => {
    const client = await mesh.client('mesh/apps/virtualNode/serviceA');
    const target = 'xds:///serviceb.apps.local:80';
    const split = await client.call({ target, count: 1000, concurrency: 20 });
    assert.deepEqual(split.failed, {}, split.errors.join('\n'));
    assert.ok(Math.abs(sharePercent(split, 'serviceB') - 75) <= 4, `serviceB got ${sharePercent(split, 'serviceB')}%`);
    assert.ok(Math.abs(sharePercent(split, 'serviceBv2') - 25) <= 4, `serviceBv2 got ${sharePercent(split, 'serviceBv2')}%`);

    const [before] = mesh.server.proxies();
    assert.equal(before.identity, 'VirtualNode/apps/serviceA');
    assert.equal(before.flavour, 'grpc');
    assert.equal(before.types.routeConfiguration.state, 'synced');

    // Phase 3: weights 0/100, pushed while calls are in flight.
    const routing = path.join(mesh.repo.dir, 'environments/apps/routing/service-b.yaml');
    fs.writeFileSync(routing, fs.readFileSync(routing, 'utf8').replace('weight: 75', 'weight: 0').replace('weight: 25', 'weight: 100'));
    const during = client.call({ target, count: 600, concurrency: 4 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const changed = await mesh.apply();
    assert.deepEqual([...changed], ['VirtualNode/apps/serviceA']);
    const shifting = await during;
    assert.deepEqual(shifting.failed, {}, shifting.errors.join('\n'));
    // Once the new route arrives, serviceB gets no more calls.
    const lastB = shifting.sequence.lastIndexOf('serviceB');
    assert.ok(lastB < shifting.sequence.length - 100, `serviceB still answered call ${lastB} of ${shifting.sequence.length}`);
    const after = await client.call({ target, count: 200, concurrency: 10 });
    assert.deepEqual(after.ok, { serviceBv2: 200 });

    const [now] = mesh.server.proxies();
    assert.equal(now.connectionId, before.connectionId, 'the xDS stream was not re-established');
    assert.notEqual(now.types.routeConfiguration.acked?.version, before.types.routeConfiguration.acked?.version);
    assert.equal(now.types.routeConfiguration.state, 'synced');
  });

  it('pushes a registry change as EDS only, and only to the proxies that use the service', async () => {
    const serviceA = await mesh.client('mesh/apps/virtualNode/serviceA');
    const serviceB = await mesh.client('mesh/apps/virtualNode/serviceB');
    const target = 'xds:///serviceb.apps.local:80';
    assert.deepEqual((await serviceA.call({ target, count: 20 })).ok, { serviceBv2: 20 });
    // serviceB has no backends: its client can reach nothing, but it is connected and served.
    const refused = await serviceB.call({ target, count: 1, deadlineMs: 3000 });
    assert.equal(refused.ok.serviceBv2, undefined);
    const statusOf = (identity: string) => mesh.server.proxies().filter((p) => p.identity === identity).pop()!;
    const before = { a: statusOf('VirtualNode/apps/serviceA'), b: statusOf('VirtualNode/apps/serviceB') };

    await mesh.addBackend('serviceBv2-second', { namespace: 'apps.local', service: 'servicebv2', instanceId: 'b2-2' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const spread = await serviceA.call({ target, count: 200, concurrency: 4 });
    assert.ok((spread.ok['serviceBv2-second'] ?? 0) > 50, JSON.stringify(spread.ok));

    const after = { a: statusOf('VirtualNode/apps/serviceA'), b: statusOf('VirtualNode/apps/serviceB') };
    assert.notEqual(after.a.types.clusterLoadAssignment.acked?.version, before.a.types.clusterLoadAssignment.acked?.version);
    for (const type of ['listener', 'routeConfiguration', 'cluster']) {
      assert.equal(after.a.types[type].sent?.at, before.a.types[type].sent?.at, `${type} was resent to serviceA`);
    }
    assert.deepEqual(after.b.types, before.b.types, 'serviceB, which does not use servicebv2, was pushed to');
  });
});
