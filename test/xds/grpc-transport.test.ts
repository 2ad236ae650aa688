// The xDS port's gRPC transport as clients meet it: messages split across HTTP/2 frames or
// compressed, oversized and malformed requests, wrong methods, status messages that need escaping,
// and keepalive closing a connection whose peer stopped answering.
import { strict as assert } from 'node:assert';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { ProxyIdentity, TYPE_URLS } from '../../provider/envoy/snapshot';
import { ADS_METHOD_PATHS } from '../../reconciler/xds/ads-service';
import { decodeDiscoveryResponse, encodeDiscoveryRequest } from '../../reconciler/xds/discovery-messages';
import { MessageReader } from '../../reconciler/xds/grpc/message-reader';
import { MemorySnapshotSource } from '../../reconciler/xds/snapshot-source';
import { XdsServer, XdsServerOptions } from '../../reconciler/xds/xds-server';
import { AdsTestClient, envoyNode } from './helpers/ads-client';
import { cluster, snapshotOf } from './helpers/envoy-resources';

const serviceA: ProxyIdentity = { kind: 'VirtualNode', meshName: 'apps', name: 'serviceA' };

/** A gRPC message: the uncompressed flag, the length, the bytes. */
function framed(message: Buffer): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}

/** What a raw HTTP/2 request got back: status, headers, trailers, body bytes. */
interface RawReply {
  headers: http2.IncomingHttpHeaders;
  trailers: http2.IncomingHttpHeaders;
  body: Buffer;
}

function rawRequest(session: http2.ClientHttp2Session, headers: http2.OutgoingHttpHeaders, send: (stream: http2.ClientHttp2Stream) => void, until: (reply: RawReply) => boolean): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const reply: RawReply = { headers: {}, trailers: {}, body: Buffer.alloc(0) };
    const stream = session.request(headers);
    const check = () => {
      if (until(reply)) {
        stream.close();
        resolve(reply);
      }
    };
    stream.on('response', (h) => ((reply.headers = h), check()));
    stream.on('trailers', (t) => ((reply.trailers = t), check()));
    stream.on('data', (chunk: Buffer) => ((reply.body = Buffer.concat([reply.body, chunk])), check()));
    stream.on('error', reject);
    stream.on('close', () => resolve(reply));
    send(stream);
  });
}

const grpcHeaders = (path: string): http2.OutgoingHttpHeaders => ({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers' });
const clusterRequest = () => encodeDiscoveryRequest({ node: envoyNode('mesh/apps/virtualNode/serviceA'), type_url: TYPE_URLS.cluster });

describe('xds: gRPC message reader', () => {
  it('reads back exactly the messages sent, however the bytes are split into chunks', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 12 }), (messages, cuts) => {
        const wire = Buffer.concat(messages.map((m) => framed(Buffer.from(m))));
        const points = [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
        const reader = new MessageReader(300, undefined);
        const read: Buffer[] = [];
        let from = 0;
        for (const to of [...points, wire.length]) {
          read.push(...reader.read(wire.subarray(from, to)));
          from = to;
        }
        assert.deepEqual(read.map((b) => [...b]), messages.map((m) => [...m]));
      }),
      { numRuns: 300 },
    );
  });
});

describe('xds: the gRPC transport', () => {
  let server: XdsServer | undefined;
  let port = 0;
  const sessions: http2.ClientHttp2Session[] = [];

  async function start(options: Partial<XdsServerOptions> = {}) {
    const source = new MemorySnapshotSource();
    source.update([{ proxy: serviceA, snapshots: [snapshotOf(serviceA, 'envoy', [cluster('a')])] }]);
    server = new XdsServer({ source, ...options });
    port = await server.listen('127.0.0.1:0');
  }

  function connect(): http2.ClientHttp2Session {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on('error', () => undefined);
    sessions.push(session);
    return session;
  }

  afterEach(async () => {
    for (const session of sessions.splice(0)) session.destroy();
    await server?.stop(500);
    server = undefined;
  });

  it('reassembles a request split across DATA frames, prefix included, and frames its response', async () => {
    await start();
    const message = framed(clusterRequest());
    const reply = await rawRequest(
      connect(),
      grpcHeaders(ADS_METHOD_PATHS.sotw),
      (stream) => {
        // Three writes a few milliseconds apart: inside the prefix, then inside the message.
        stream.write(message.subarray(0, 3));
        setTimeout(() => stream.write(message.subarray(3, 20)), 10);
        setTimeout(() => stream.write(message.subarray(20)), 20);
      },
      (r) => r.body.length >= 5 && r.body.length >= 5 + r.body.readUInt32BE(1),
    );
    assert.equal(reply.headers[':status'], 200);
    assert.match(String(reply.headers['content-type']), /^application\/grpc/);
    assert.equal(reply.body[0], 0, 'responses are not compressed');
    const response = decodeDiscoveryResponse(reply.body.subarray(5, 5 + reply.body.readUInt32BE(1)));
    assert.equal(response.type_url, TYPE_URLS.cluster);
    assert.equal(response.resources.length, 1);
  });

  it('refuses a request whose declared length passes the limit with RESOURCE_EXHAUSTED, without waiting for its bytes', async () => {
    await start({ maxMessageBytes: 1024 });
    const prefix = Buffer.alloc(5);
    prefix.writeUInt32BE(1025, 1);
    // Only the prefix is sent: the status must come anyway.
    const reply = await rawRequest(connect(), grpcHeaders(ADS_METHOD_PATHS.sotw), (stream) => stream.write(prefix), (r) => r.trailers['grpc-status'] !== undefined || r.headers['grpc-status'] !== undefined);
    const status = reply.trailers['grpc-status'] ?? reply.headers['grpc-status'];
    assert.equal(Number(status), grpc.status.RESOURCE_EXHAUSTED);
    assert.match(decodeURIComponent(String(reply.trailers['grpc-message'] ?? reply.headers['grpc-message'])), /Received message larger than max \(1025 vs\. 1024\)/);
  });

  it('serves a client that compresses its requests with gzip or deflate', async () => {
    await start();
    for (const algorithm of [1, 2]) {
      // grpc-js: 1 = deflate, 2 = gzip.
      const client = new AdsTestClient(`127.0.0.1:${port}`, undefined, { 'grpc.default_compression_algorithm': algorithm });
      const stream = client.sotw();
      stream.send({ node: envoyNode('mesh/apps/virtualNode/serviceA'), type_url: TYPE_URLS.cluster });
      assert.equal((await stream.next()).resources.length, 1, `algorithm ${algorithm}`);
      stream.close();
      client.close();
    }
  });

  it('answers a wrong method with 405, a non-gRPC content type with 415, an unknown method with UNIMPLEMENTED', async () => {
    await start();
    const session = connect();
    const got = (r: RawReply) => r.headers[':status'] !== undefined && (Number(r.headers[':status']) !== 200 || r.headers['grpc-status'] !== undefined);
    const get = await rawRequest(session, { ':method': 'GET', ':path': ADS_METHOD_PATHS.sotw }, (s) => s.end(), got);
    assert.equal(get.headers[':status'], 405);
    const json = await rawRequest(session, { ...grpcHeaders(ADS_METHOD_PATHS.sotw), 'content-type': 'application/json' }, (s) => s.end(), got);
    assert.equal(json.headers[':status'], 415);
    const unknown = await rawRequest(session, grpcHeaders('/grpc.health.v1.Health/Watch'), (s) => s.end(), got);
    assert.equal(Number(unknown.headers['grpc-status']), grpc.status.UNIMPLEMENTED);
    assert.match(decodeURIComponent(String(unknown.headers['grpc-message'])), /does not implement the method \/grpc\.health\.v1\.Health\/Watch/);
  });

  it('refuses a compression algorithm it cannot read, and a compressed message without one', async () => {
    await start();
    const session = connect();
    const status = (r: RawReply) => Number(r.trailers['grpc-status'] ?? r.headers['grpc-status']);
    const done = (r: RawReply) => !Number.isNaN(status(r));
    const brotli = await rawRequest(session, { ...grpcHeaders(ADS_METHOD_PATHS.sotw), 'grpc-encoding': 'br' }, (s) => s.end(), done);
    assert.equal(status(brotli), grpc.status.UNIMPLEMENTED);
    const flagged = framed(clusterRequest());
    flagged[0] = 1;
    const unreadable = await rawRequest(session, grpcHeaders(ADS_METHOD_PATHS.sotw), (s) => s.write(flagged), done);
    assert.equal(status(unreadable), grpc.status.INTERNAL);
  });

  it('percent-encodes a status message, so a client reads back exactly the text (quotes, non-ASCII, %)', async () => {
    await start();
    const client = new AdsTestClient(`127.0.0.1:${port}`);
    const stream = client.sotw();
    const nodeId = 'mesh/apps/virtualNode/sérvice-100%';
    stream.send({ node: envoyNode(nodeId), type_url: TYPE_URLS.cluster });
    const status = await stream.status;
    client.close();
    assert.equal(status.code, grpc.status.NOT_FOUND);
    assert.ok(status.details.includes(`node.id "${nodeId}"`), status.details);
  });

  it('closes a connection that stops answering keepalive pings, and keeps one whose client answers', async () => {
    await start({ keepalive: { timeMs: 100, timeoutMs: 100 }, limits: { idleTimeoutMs: 0 } });
    // A live client with a stream: it answers pings (HTTP/2 clients do), so it keeps its stream.
    const client = new AdsTestClient(`127.0.0.1:${port}`);
    const live = client.sotw();
    live.send({ node: envoyNode('mesh/apps/virtualNode/serviceA'), type_url: TYPE_URLS.cluster });
    await live.next();
    // A peer that speaks the HTTP/2 preface and then nothing: it never ACKs a ping.
    const silent = net.connect(port, '127.0.0.1');
    silent.on('error', () => undefined);
    await new Promise<void>((resolve) => silent.once('connect', resolve));
    const emptySettings = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);
    silent.write(Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), emptySettings]));
    silent.resume();
    const started = Date.now();
    await new Promise<void>((resolve) => silent.once('close', () => resolve()));
    const closedAfter = Date.now() - started;
    assert.ok(closedAfter < 2_000, `closed after ${closedAfter} ms`);
    assert.equal(server!.proxies().length, 1, 'the answering client keeps its stream');
    live.close();
    client.close();
  });
});
