// Route features carried by xDS into real grpc-js-xds clients: retry policy, per-request timeout,
// metadata (header) match, on the apps mesh turned into a gRPC service (grpc router and route).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Backend } from '../../../reconciler/demo/echo-service';
import { MeshHarness, XdsClientProcess } from './mesh-harness';
import { eventually } from '../../helpers/eventually';

const ROUTES = (options: { retries: boolean; timeoutMs: number }) => `
kind: VirtualService
meshName: apps
virtualServiceName: serviceb.apps.local
spec:
  provider:
    virtualRouter:
      virtualRouterName: serviceB
---
kind: VirtualRouter
meshName: apps
virtualRouterName: serviceB
spec:
  listeners:
    - portMapping: {port: 80, protocol: grpc}
---
kind: Route
meshName: apps
virtualRouterName: serviceB
routeName: canary
spec:
  priority: 0
  grpcRoute:
    match:
      serviceName: meshplane.test.Echo
      metadata:
        - name: x-canary
          match: {exact: "yes"}
    action:
      weightedTargets: [{virtualNode: serviceBv2, weight: 1}]
    timeout:
      perRequest: {unit: ms, value: ${options.timeoutMs}}
---
kind: Route
meshName: apps
virtualRouterName: serviceB
routeName: serviceB
spec:
  priority: 10
  grpcRoute:
    match:
      serviceName: meshplane.test.Echo
    action:
      weightedTargets: [{virtualNode: serviceB, weight: 1}]
${options.retries ? '    retryPolicy:\n      maxRetries: 2\n      perRetryTimeout: {unit: s, value: 5}\n      grpcRetryEvents: [unavailable]\n' : ''}`;

describe('xds e2e: retries, timeouts and metadata match with grpc-js-xds', function () {
  this.timeout(60_000);
  let mesh: MeshHarness;
  let client: XdsClientProcess;
  let flaky: Backend;
  const target = 'xds:///serviceb.apps.local:80';
  const serviceA = () => mesh.server.proxies().find((p) => p.identity === 'VirtualNode/apps/serviceA');

  /** Applies the environment on disk and waits until serviceA has ACKed the new route table. */
  async function applyAndSync(): Promise<void> {
    const before = serviceA()?.types.routeConfiguration?.acked?.version;
    await mesh.apply();
    await eventually('serviceA to ACK the new routes', () => {
      const route = serviceA()?.types.routeConfiguration;
      return route?.state === 'synced' && route.acked?.version !== before;
    });
  }

  before(async () => {
    mesh = await MeshHarness.start('apps');
    // The hidden App Mesh default retry policy is turned off, so "no retry policy" means no retries.
    mesh.write('environment.yaml', 'account: "111122223333"\nregion: us-west-2\ndefaultRetryPolicy: false\n');
    const nodes = path.join(mesh.repo.dir, 'environments/apps/nodes/service-b.yaml');
    fs.writeFileSync(nodes, fs.readFileSync(nodes, 'utf8').replaceAll('protocol: http2', 'protocol: grpc'));
    mesh.write('routing/service-b.yaml', ROUTES({ retries: true, timeoutMs: 300 }));
    flaky = await mesh.addBackend('serviceB', { namespace: 'apps.local', service: 'serviceb', instanceId: 'b-1' }, { failEvery: 2 });
    await mesh.addBackend('serviceBv2', { namespace: 'apps.local', service: 'servicebv2', instanceId: 'b2-1' });
    await mesh.apply();
    client = await mesh.client('mesh/apps/virtualNode/serviceA');
  });

  after(async () => {
    await mesh?.stop();
  });

  it('routes by request metadata: x-canary: yes goes to serviceBv2, everything else to serviceB', async () => {
    const marked = await client.call({ target, count: 50, metadata: { 'x-canary': 'yes' } });
    assert.deepEqual(marked.ok, { serviceBv2: 50 }, marked.errors.join('\n'));
    const plain = await client.call({ target, count: 50, metadata: { 'x-canary': 'no' } });
    assert.deepEqual(plain.ok, { serviceB: 50 }, plain.errors.join('\n'));
  });

  it('retries UNAVAILABLE under the route retry policy: every call succeeds against a backend failing half the time', async () => {
    const callsBefore = flaky.calls;
    const result = await client.call({ target, count: 100 });
    assert.deepEqual(result.failed, {}, result.errors.join('\n'));
    assert.deepEqual(result.ok, { serviceB: 100 });
    // The backend failed half of the attempts it saw, and each failure was retried.
    const attempts = flaky.calls - callsBefore;
    assert.ok(attempts >= 180 && attempts <= 201, `backend saw ${attempts} attempts for 100 sequential calls`);
  });

  it('fires the per-request timeout at the configured duration', async () => {
    const result = await client.call({ target, count: 3, metadata: { 'x-canary': 'yes' }, request: { delayMs: 3000 } });
    assert.deepEqual(result.failed, { DEADLINE_EXCEEDED: 3 }, JSON.stringify(result));
    for (const ms of result.failedDurations) assert.ok(ms >= 280 && ms < 1500, `timed out after ${ms} ms, configured 300 ms`);
    // A longer timeout, pushed: the same slow call now completes.
    mesh.write('routing/service-b.yaml', ROUTES({ retries: true, timeoutMs: 5000 }));
    await applyAndSync();
    const slow = await client.call({ target, count: 1, metadata: { 'x-canary': 'yes' }, request: { delayMs: 600 } });
    assert.deepEqual(slow.ok, { serviceBv2: 1 }, slow.errors.join('\n'));
  });

  it('without the retry policy, calls fail at the backend failure rate', async () => {
    mesh.write('routing/service-b.yaml', ROUTES({ retries: false, timeoutMs: 5000 }));
    await applyAndSync();
    const result = await client.call({ target, count: 100 });
    const failed = result.failed.UNAVAILABLE ?? 0;
    assert.ok(failed >= 40 && failed <= 60, `expected about 50 of 100 calls to fail, ${failed} did (${JSON.stringify(result.failed)})`);
    assert.equal(failed + (result.ok.serviceB ?? 0), 100);
  });
});
