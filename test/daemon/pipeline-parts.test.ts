import * as assert from 'node:assert/strict';
import { SerialQueue } from '../../reconciler/daemon/serial-queue';
import { describeSync, syncReport, waitForSync } from '../../reconciler/daemon/sync-watch';
import { describeDrift } from '../../reconciler/daemon/drift';
import { describeFindings } from '../../reconciler/daemon/load-revision';
import { TYPE_URLS } from '../../provider/envoy/snapshot';
import { ProxyStatus } from '../../reconciler/xds/proxy-session';
import { XdsServer } from '../../reconciler/xds/xds-server';
import { EventEmitter } from 'node:events';

describe('daemon pipeline parts', () => {
  it('runs one item at a time, and a newer item supersedes the one waiting', async () => {
    const started: string[] = [];
    const superseded: string[] = [];
    const gates = new Map<string, () => void>();
    const queue = new SerialQueue<string>(
      (item) => {
        started.push(item);
        return new Promise<void>((resolve) => gates.set(item, resolve));
      },
      { superseded: (item, by) => superseded.push(`${item}→${by}`), failed: () => undefined },
    );
    queue.push('c1');
    queue.push('c2');
    queue.push('c3');
    queue.push('c4');
    assert.deepEqual(started, ['c1']);
    assert.equal(queue.hasWaiting(), true);
    assert.deepEqual(superseded, ['c2→c3', 'c3→c4']);
    gates.get('c1')!();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(started, ['c1', 'c4']);
    gates.get('c4')!();
    await queue.idle();
    assert.equal(queue.busy, false);
    await queue.close();
    assert.equal(queue.push('c5'), false, 'a closed queue takes nothing');
  });

  it('keeps going after an item fails', async () => {
    const failures: string[] = [];
    const done: string[] = [];
    const queue = new SerialQueue<string>(
      async (item) => {
        if (item === 'bad') throw new Error('boom');
        done.push(item);
      },
      { failed: (item, error) => failures.push(`${item}: ${(error as Error).message}`) },
    );
    queue.push('bad');
    queue.push('good');
    await queue.idle();
    assert.deepEqual(failures, ['bad: boom']);
    assert.deepEqual(done, ['good']);
  });

  const proxy = (name: string, types: Record<string, { sent?: string; acked?: string; nack?: string }>): ProxyStatus => ({
    connectionId: name,
    nodeId: `mesh/apps/virtualNode/${name}`,
    identity: `VirtualNode/apps/${name}`,
    kind: 'VirtualNode',
    meshName: 'apps',
    name,
    flavour: 'grpc',
    protocol: 'sotw',
    userAgent: 'grpc-node-js',
    peer: '127.0.0.1:1',
    connectedSince: '2025-01-01T00:00:00.000Z',
    types: Object.fromEntries(
      Object.entries(types).map(([type, t]) => {
        const state = t.sent === undefined || t.acked === t.sent ? 'synced' : t.nack === t.sent ? 'nacked' : 'pending';
        return [
          type,
          {
            typeUrl: TYPE_URLS.listener,
            state,
            ...(t.sent ? { sent: { version: t.sent, at: '2025-01-01T00:00:00.000Z' } } : {}),
            ...(t.acked ? { acked: { version: t.acked, at: '2025-01-01T00:00:00.000Z' } } : {}),
            ...(t.nack ? { lastNack: { version: t.nack, at: '2025-01-01T00:00:00.000Z', error: 'route weights sum to 0', code: 3 } } : {}),
          },
        ] as const;
      }),
    ) as ProxyStatus['types'],
  });

  const syncCases = [
    { name: 'all ACKed', proxies: [proxy('serviceA', { listener: { sent: 'v2', acked: 'v2' } }), proxy('serviceB', { cluster: { sent: 'v2', acked: 'v2' } })], end: 'synced' as const, expected: ['success', '2/2 proxies on a1b2c3d'] },
    { name: 'nothing connected', proxies: [], end: 'synced' as const, expected: ['success', '0 proxies connected; a1b2c3d is served to proxies as they connect'] },
    {
      name: 'a NACK',
      proxies: [proxy('serviceA', { listener: { sent: 'v2', acked: 'v2' } }), proxy('serviceB', { routeConfiguration: { sent: 'v2', acked: 'v1', nack: 'v2' } })],
      end: 'synced' as const,
      expected: ['failure', '1/2 ACKed, serviceB NACKed routeConfiguration: route weights sum to 0'],
    },
    { name: 'a timeout', proxies: [proxy('serviceA', { listener: { sent: 'v2', acked: 'v1' } })], end: 'timeout' as const, expected: ['failure', '0/1 ACKed within 30s; no answer from serviceA'] },
    { name: 'superseded', proxies: [proxy('serviceA', { listener: { sent: 'v2', acked: 'v1' } })], end: 'superseded' as const, expected: ['error', 'superseded by a newer commit after 0/1 ACKed'] },
    { name: 'stopping', proxies: [proxy('serviceA', { listener: { sent: 'v2', acked: 'v1' } })], end: 'stopping' as const, expected: ['error', 'daemon stopped after 0/1 ACKed; it resumes on restart'] },
  ];
  for (const c of syncCases) {
    it(`describes sync: ${c.name}`, () => {
      const described = describeSync(syncReport(c.proxies), c.end, 'a1b2c3d', 30_000);
      assert.deepEqual([described.state, described.description], c.expected);
    });
  }

  it('describes drift and findings', () => {
    assert.equal(describeDrift([], 3, 'a1b2c3d', 6), 'no drift: 3 connected proxies on a1b2c3d, state at revision 6');
    assert.equal(
      describeDrift([{ kind: 'disconnected', message: 'serviceA disconnected' }, { kind: 'state', message: 'state store changed out of band' }], 2, 'a1b2c3d', 6),
      '2 drifts: serviceA disconnected; state store changed out of band',
    );
    const finding = { code: 'RT-W-2', severity: 'error' as const, message: 'weight must be 0-100', file: 'environments/apps/routing/service-b.yaml', line: 28, column: 19, pointer: '' };
    assert.equal(describeFindings([finding]), 'environments/apps/routing/service-b.yaml:28: RT-W-2 weight must be 0-100');
    assert.equal(describeFindings([finding, { ...finding, line: 30 }]), '2 errors, first: environments/apps/routing/service-b.yaml:28: RT-W-2 weight must be 0-100');
  });
  it('waits for sync on ACK events, judging a burst of 1,000 of them once (each judgement reads every proxy)', async () => {
    const server = new EventEmitter();
    let acked = 0;
    let reads = 0;
    const proxies = () => {
      reads++;
      return Array.from({ length: 1000 }, (_, i) => proxy(`node-${i}`, { routeConfiguration: { sent: 'v2', acked: i < acked ? 'v2' : 'v1' } }));
    };
    const waiting = waitForSync(server as unknown as XdsServer, proxies, { timeoutMs: 60_000, interrupted: () => undefined });
    assert.equal(reads, 1);
    for (acked = 1; acked <= 1000; acked++) server.emit('ack');
    acked = 1000;
    const { report, end } = await waiting;
    assert.equal(end, 'synced');
    assert.equal(report.acked, 1000);
    assert.ok(reads <= 3, `the proxies were read ${reads} times`);
    assert.equal(server.listenerCount('ack'), 0);
  });
});
