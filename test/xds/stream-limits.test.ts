// The bounds one peer of the xDS port meets: subscriptions and name length per stream, NACK
// reporting budget and 4 KiB NACK text, the idle timeout of streams and connections, and the
// connection cap. Real grpc-js server, protocol-level client, raw TCP sockets; loopback only.
import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { ProxyIdentity, TYPE_URLS } from '../../provider/envoy/snapshot';
import { MemorySnapshotSource } from '../../reconciler/xds/snapshot-source';
import { MAX_NACK_TEXT_BYTES, truncateNackText } from '../../reconciler/xds/stream-limits';
import { XdsServer, XdsServerOptions } from '../../reconciler/xds/xds-server';
import { eventually } from '../helpers/eventually';
import { AdsTestClient, envoyNode } from './helpers/ads-client';
import { cluster, endpoints, snapshotOf } from './helpers/envoy-resources';

const serviceA: ProxyIdentity = { kind: 'VirtualNode', meshName: 'apps', name: 'serviceA' };
const NODE = 'mesh/apps/virtualNode/serviceA';

describe('xds: per-stream and per-connection limits', () => {
  let server: XdsServer;
  let client: AdsTestClient | undefined;
  let address: string;
  const sockets: net.Socket[] = [];

  async function start(options: Omit<XdsServerOptions, 'source'>): Promise<void> {
    const source = new MemorySnapshotSource();
    source.update([{ proxy: serviceA, snapshots: [snapshotOf(serviceA, 'envoy', [cluster('b'), endpoints('b', 8001)])] }]);
    server = new XdsServer({ source, ...options });
    address = `127.0.0.1:${await server.listen('127.0.0.1:0')}`;
    client = new AdsTestClient(address);
  }

  /** A TCP connection that never says anything. */
  function silentConnection(): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const [host, port] = address.split(':');
      const socket = net.connect(Number(port), host, () => resolve(socket));
      socket.resume(); // read what the server says, so its closing is seen
      socket.on('error', () => undefined);
      socket.once('error', reject);
      sockets.push(socket);
    });
  }

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    client?.close();
    client = undefined;
    await server?.stop(500);
  });

  it('closes a delta stream whose subscriptions pass the per-stream limit with RESOURCE_EXHAUSTED', async () => {
    await start({ limits: { maxSubscriptionsPerStream: 100 } });
    const stream = client!.delta();
    stream.send({ node: envoyNode(NODE), type_url: TYPE_URLS.clusterLoadAssignment, resource_names_subscribe: names(60) });
    await stream.next();
    // 60 held + 60 more on another type: over 100 in total.
    stream.send({ type_url: TYPE_URLS.routeConfiguration, resource_names_subscribe: names(60, 'r') });
    const status = await stream.status;
    assert.equal(status.code, grpc.status.RESOURCE_EXHAUSTED);
    assert.match(status.details, /120 subscribed resource names, more than the 100 allowed per stream \(xds\.limits\.maxSubscriptionsPerStream\)/);
  });

  it('counts initial_resource_versions against the limit, before the proxy is admitted', async () => {
    await start({ limits: { maxSubscriptionsPerStream: 100 } });
    const stream = client!.delta();
    const initial = Object.fromEntries(names(101).map((n) => [n, 'v']));
    stream.send({ node: envoyNode('mesh/apps/virtualNode/nobody'), type_url: TYPE_URLS.cluster, initial_resource_versions: initial });
    const status = await stream.status;
    assert.equal(status.code, grpc.status.RESOURCE_EXHAUSTED);
    assert.equal(server.proxies().length, 0);
  });

  it('refuses a SotW request naming more resources than the limit, and a name longer than the limit', async () => {
    await start({ limits: { maxSubscriptionsPerStream: 10, maxResourceNameBytes: 64 } });
    const many = client!.sotw();
    many.send({ node: envoyNode(NODE), type_url: TYPE_URLS.clusterLoadAssignment, resource_names: names(11) });
    assert.equal((await many.status).code, grpc.status.RESOURCE_EXHAUSTED);
    const long = client!.sotw();
    long.send({ node: envoyNode(NODE), type_url: TYPE_URLS.clusterLoadAssignment, resource_names: ['x'.repeat(65)] });
    const status = await long.status;
    assert.equal(status.code, grpc.status.INVALID_ARGUMENT);
    assert.match(status.details, /65 bytes exceeds the 64-byte limit/);
  });

  it('reports NACKs within the per-stream budget, counts the rest, and keeps 4 KiB of their text', async () => {
    await start({ limits: { nacksPerMinute: 5 } });
    const reported: { error: string; suppressedBefore: number }[] = [];
    server.on('nack', (_session, _type, _version, error, suppressedBefore) => reported.push({ error, suppressedBefore }));
    const stream = client!.delta();
    stream.send({ node: envoyNode(NODE), type_url: TYPE_URLS.cluster });
    const response = await stream.next();
    const huge = 'E'.repeat(64 * 1024);
    const storm = 200;
    for (let i = 0; i < storm; i++) stream.send({ type_url: TYPE_URLS.cluster, response_nonce: response.nonce, error_detail: { code: 3, message: `${i} ${huge}` } });
    await eventually('every NACK of the storm counted', () => server.proxies()[0]?.nacksSuppressed === storm - 5, 10_000);
    assert.equal(reported.length, 5);
    for (const { error } of reported) assert.ok(Buffer.byteLength(error) <= MAX_NACK_TEXT_BYTES, `reported NACK text of ${Buffer.byteLength(error)} bytes`);
    const lastNack = server.proxies()[0].types.cluster.lastNack!;
    assert.ok(Buffer.byteLength(lastNack.error) <= MAX_NACK_TEXT_BYTES);
    assert.match(lastNack.error, /^199 E+ … \[truncated: \d+ bytes\]$/);
    assert.equal(server.proxies()[0].types.cluster.state, 'nacked');
    stream.close();
  });

  it('closes a stream that sends no valid first request within the idle timeout', async () => {
    await start({ limits: { idleTimeoutMs: 200 } });
    const stream = client!.delta();
    const status = await stream.status;
    assert.equal(status.code, grpc.status.DEADLINE_EXCEEDED);
    assert.match(status.details, /no valid discovery request within 0\.2 s/);
  });

  it('closes a TCP connection that never opens a stream after the idle timeout', async () => {
    await start({ limits: { idleTimeoutMs: 200 } });
    const socket = await silentConnection();
    await new Promise((resolve) => socket.once('close', resolve));
    assert.equal(server.connections().timedOut, 1);
  });

  it('at the connection cap, evicts the oldest idle connection so a real proxy still gets in, and refuses when all are busy', async () => {
    await start({ maxConnections: 3 });
    for (let i = 0; i < 10; i++) await silentConnection();
    await eventually('the cap to hold', () => server.connections().open === 3);
    const stream = client!.delta();
    stream.send({ node: envoyNode(NODE), type_url: TYPE_URLS.cluster });
    assert.deepEqual((await stream.next()).resources.map((r) => r.name), ['b']);
    assert.ok(server.connections().evicted >= 8, JSON.stringify(server.connections()));
    // The proxy's connection is busy; more silent ones only replace each other.
    for (let i = 0; i < 5; i++) await silentConnection();
    stream.send({ type_url: TYPE_URLS.clusterLoadAssignment, resource_names_subscribe: ['b'] });
    assert.equal((await stream.next()).type_url, TYPE_URLS.clusterLoadAssignment);
    assert.ok(server.connections().open <= 3);
    stream.close();
  });
});

describe('xds: NACK text truncation', () => {
  const cases = [
    { name: 'short text is kept', input: 'bad cluster', expected: (out: string) => out === 'bad cluster' },
    { name: 'exactly 4 KiB is kept', input: 'x'.repeat(4096), expected: (out: string) => out === 'x'.repeat(4096) },
    { name: 'longer text is cut to 4 KiB with the original size', input: 'x'.repeat(5000), expected: (out: string) => Buffer.byteLength(out) <= 4096 && out.endsWith('[truncated: 5000 bytes]') },
    { name: 'a cut inside a multi-byte character drops it', input: 'é'.repeat(3000), expected: (out: string) => Buffer.byteLength(out) <= 4096 && !out.includes('\uFFFD') },
  ];
  for (const { name, input, expected } of cases) {
    it(name, () => assert.ok(expected(truncateNackText(input))));
  }
});

function names(count: number, prefix = 'n'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i}`);
}
