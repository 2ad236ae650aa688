// Outlier detection configured on serviceB's listener, enforced by a real grpc-js-xds client:
// of two serviceB endpoints, the one failing every call is ejected.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TYPE_URLS } from '../../../provider/envoy/snapshot';
import { decodeResource } from '../helpers/envoy-resources';
import { Backend } from '../../../reconciler/demo/echo-service';
import { MeshHarness } from './mesh-harness';

describe('xds e2e: outlier detection with grpc-js-xds', function () {
  this.timeout(60_000);
  let mesh: MeshHarness;
  let broken: Backend;

  before(async () => {
    mesh = await MeshHarness.start('apps');
    mesh.write('environment.yaml', 'account: "111122223333"\nregion: us-west-2\ndefaultRetryPolicy: false\n');
    const nodes = path.join(mesh.repo.dir, 'environments/apps/nodes/service-b.yaml');
    const outlier = [
      '        port: 80',
      '        protocol: http2',
      '      outlierDetection:',
      '        maxServerErrors: 5',
      '        interval: {unit: ms, value: 500}',
      '        baseEjectionDuration: {unit: s, value: 30}',
      '        maxEjectionPercent: 50',
    ].join('\n');
    // Only serviceB's listener (the first node in the file) gets outlier detection.
    fs.writeFileSync(nodes, fs.readFileSync(nodes, 'utf8').replace('        port: 80\n        protocol: http2', outlier));
    const routing = path.join(mesh.repo.dir, 'environments/apps/routing/service-b.yaml');
    fs.writeFileSync(routing, fs.readFileSync(routing, 'utf8').replace('weight: 75', 'weight: 100').replace(/\n\s+- virtualNode: serviceBv2\n\s+weight: 25/, ''));
    await mesh.addBackend('serviceB-good', { namespace: 'apps.local', service: 'serviceb', instanceId: 'good' });
    broken = await mesh.addBackend('serviceB-broken', { namespace: 'apps.local', service: 'serviceb', instanceId: 'broken' }, { alwaysFail: true });
    await mesh.apply();
  });

  after(async () => {
    await mesh?.stop();
  });

  /**
   * gRPC enforces only success-rate and failure-percentage ejection (gRFC A50), not Envoy's
   * consecutive_5xx; this says whether the translated cluster asks for either.
   */
  function grpcEnforcesEjection(): boolean {
    const snapshot = mesh.source.snapshot({ kind: 'VirtualNode', meshName: 'apps', name: 'serviceA' }, 'grpc');
    const clusters = [...(snapshot?.resources.get(TYPE_URLS.cluster)?.values() ?? [])].map((c) => decodeResource(c.typeUrl, c.bytes));
    const od = clusters.find((c) => String(c.name).includes('serviceB'))?.outlier_detection as Record<string, { value?: number }> | undefined;
    if (!od) return false;
    const failurePercentage = (od.enforcing_failure_percentage?.value ?? 0) > 0;
    const successRate = od.enforcing_success_rate === undefined || (od.enforcing_success_rate.value ?? 0) > 0;
    return failurePercentage || successRate;
  }

  it('ejects the endpoint that fails every call', async function () {
    assert.ok(grpcEnforcesEjection(), 'the gRPC-flavour cluster carries no ejection gRPC enforces (failure-percentage or success-rate)');
    const client = await mesh.client('mesh/apps/virtualNode/serviceA');
    const target = 'xds:///serviceb.apps.local:80';
    // Warm-up: round robin sends half the calls to the broken endpoint until it is ejected.
    const warmup = await client.call({ target, count: 100, concurrency: 2 });
    assert.ok((warmup.failed.UNAVAILABLE ?? 0) > 0, 'the broken endpoint was never called');
    await new Promise((resolve) => setTimeout(resolve, 1200)); // two detection intervals
    const brokenBefore = broken.calls;
    const after = await client.call({ target, count: 100, concurrency: 2 });
    assert.deepEqual(after.failed, {}, `the broken endpoint still gets calls: ${after.errors.join('; ')}`);
    assert.deepEqual(after.ok, { 'serviceB-good': 100 });
    assert.equal(broken.calls, brokenBefore);
  });
});
