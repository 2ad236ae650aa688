// The daemon's HTTP server against a real socket on loopback: the Host header check (DNS
// rebinding), the connection cap that evicts idle connections instead of queueing, the idle timeout.
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import * as net from 'node:net';
import { AllowedHosts } from '../../reconciler/http/allowed-hosts';
import { RunningHttpServer, startHttpServer } from '../../reconciler/http/http-server';
import { capByOpenFiles } from '../../reconciler/http/open-files-limit';
import { HttpRouter, sendJson } from '../../reconciler/http/router';
import { eventually } from '../helpers/eventually';

/** GET with an explicit Host header (fetch does not let a caller set one). */
function get(port: number, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path, headers: { host }, agent: false }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

describe('http: Host header check', () => {
  const cases: { name: string; options: ConstructorParameters<typeof AllowedHosts>[0]; host: string | undefined; allowed: boolean }[] = [
    { name: 'the listen address with its port', options: { listenHost: '127.0.0.1' }, host: '127.0.0.1:9080', allowed: true },
    { name: 'localhost', options: { listenHost: '127.0.0.1' }, host: 'localhost:9080', allowed: true },
    { name: 'IPv6 loopback in brackets', options: { listenHost: '127.0.0.1' }, host: '[::1]:9080', allowed: true },
    { name: 'a foreign name (DNS rebinding)', options: { listenHost: '127.0.0.1' }, host: 'attacker.example:9080', allowed: false },
    { name: 'a foreign IP when listening on loopback', options: { listenHost: '127.0.0.1' }, host: '10.0.0.5:9080', allowed: false },
    { name: 'any IP literal when listening on every interface', options: { listenHost: '0.0.0.0' }, host: '10.0.0.5:9080', allowed: true },
    { name: 'still no foreign name on every interface', options: { listenHost: '0.0.0.0' }, host: 'attacker.example', allowed: false },
    { name: 'the public URL host', options: { listenHost: '0.0.0.0', publicUrl: 'https://MeshPlane.example.com/' }, host: 'meshplane.example.com', allowed: true },
    { name: 'an operator-listed name, with a trailing dot', options: { listenHost: '127.0.0.1', allowedHosts: ['mesh.internal'] }, host: 'mesh.internal.:80', allowed: true },
    { name: 'a missing Host header', options: { listenHost: '127.0.0.1' }, host: undefined, allowed: false },
    { name: 'garbage', options: { listenHost: '127.0.0.1' }, host: 'a b/c', allowed: false },
  ];
  for (const { name, options, host, allowed } of cases) {
    it(`${allowed ? 'accepts' : 'refuses'} ${name}`, () => assert.equal(new AllowedHosts(options).allows(host), allowed));
  }

  it('answers 421 to a foreign Host on every route, before the route runs', async () => {
    let ran = 0;
    const router = new HttpRouter().get('/healthz', (_q, r) => sendJson(r, 200, { ok: true })).add('PUT', '/write', (_q, r) => (ran++, sendJson(r, 200, {})));
    const server = await startHttpServer(router);
    try {
      assert.equal((await get(server.port, '/healthz', `127.0.0.1:${server.port}`)).status, 200);
      for (const path of ['/healthz', '/write', '/nowhere']) {
        const reply = await get(server.port, path, 'rebind.attacker.example');
        assert.equal(reply.status, 421, path);
        assert.match(reply.body, /http\.allowedHosts/);
      }
      assert.equal(ran, 0);
    } finally {
      await server.close();
    }
  });
});

describe('http: connection cap and idle timeout', () => {
  let server: RunningHttpServer;
  const sockets: net.Socket[] = [];

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await server?.close();
  });

  function silentConnection(): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(server.port, '127.0.0.1', () => resolve(socket));
      socket.resume();
      socket.on('error', () => undefined);
      socket.once('error', reject);
      sockets.push(socket);
    });
  }

  it('keeps answering while silent connections flood it: the oldest idle ones are closed, never queued', async () => {
    server = await startHttpServer(new HttpRouter().get('/healthz', (_q, r) => sendJson(r, 200, { ok: true })), '127.0.0.1', 0, { maxConnections: 5 });
    for (let i = 0; i < 50; i++) await silentConnection();
    await eventually('the cap to hold', () => server.connections().open <= 5);
    const reply = await get(server.port, '/healthz', `127.0.0.1:${server.port}`);
    assert.equal(reply.status, 200);
    assert.ok(server.connections().evicted >= 45, JSON.stringify(server.connections()));
  });

  it('refuses a new connection at once when every connection is busy', async () => {
    const pending: http.ServerResponse[] = [];
    server = await startHttpServer(new HttpRouter().get('/slow', (_q, r) => void pending.push(r)), '127.0.0.1', 0, { maxConnections: 2 });
    const slow = [get(server.port, '/slow', 'localhost'), get(server.port, '/slow', 'localhost')];
    await eventually('two requests in flight', () => pending.length === 2);
    await assert.rejects(get(server.port, '/slow', 'localhost'), /socket hang up|ECONNRESET/);
    assert.equal(server.connections().refused, 1);
    for (const response of pending) sendJson(response, 200, {});
    await Promise.all(slow);
  });

  it('closes a connection that sends no request within the idle timeout', async () => {
    server = await startHttpServer(new HttpRouter(), '127.0.0.1', 0, { idleTimeoutMs: 200 });
    const socket = await silentConnection();
    await new Promise((resolve) => socket.once('close', resolve));
    assert.equal(server.connections().timedOut, 1);
  });

  it('lowers a cap the open-files limit cannot afford', () => {
    assert.deepEqual(capByOpenFiles(1024, 0.25, 1024), { cap: 224, lowered: true, limit: 1024 });
    assert.deepEqual(capByOpenFiles(1024, 0.25, 65536), { cap: 1024, lowered: false, limit: 65536 });
  });
});
