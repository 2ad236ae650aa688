// A hostile network peer against a real daemon on loopback, started as its own process under a
// 1,024 open-files limit: unauthenticated registry writes, foreign Host headers (DNS rebinding), a
// NACK storm, 100k delta subscriptions, 5,000 idle connections. Throughout each attack /healthz
// keeps answering, and afterwards a git commit is still reconciled. Every loop is bounded in count
// and time; all traffic goes to 127.0.0.1.
import { strict as assert } from 'node:assert';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { TYPE_URLS } from '../../provider/envoy/snapshot';
import { MAX_NACK_TEXT_BYTES } from '../../reconciler/xds/stream-limits';
import { ProxyStatus } from '../../reconciler/xds/proxy-session';
import { eventually } from '../helpers/eventually';
import { GitRepo, makeGitRepo, tempDir } from '../helpers/temp-repo';
import { AdsTestClient, envoyNode } from '../xds/helpers/ads-client';

const CHILD = path.join(__dirname, 'hostile-daemon-child.js');
const FD_LIMIT = 1024;
const REGISTRY_TOKEN = 'registry-write-token';
const SERVICE_A = 'mesh/apps/virtualNode/serviceA';

interface LogLine {
  msg: string;
  [field: string]: unknown;
}

/** The daemon process, its JSON log lines, and where it listens. */
class DaemonChild {
  readonly logs: LogLine[] = [];
  stdoutBytes = 0;
  stderr = '';
  http = '';
  httpPort = 0;
  xdsPort = 0;
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      this.stdoutBytes += chunk.length;
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) if (line.trim()) this.logs.push(JSON.parse(line) as LogLine);
    });
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
  }

  alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resident memory of the daemon (prlimit execs it, so the pid is the daemon's). */
  rssBytes(): number {
    const status = fs.readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
  }
}

/** One HTTP request with a Host header of our choosing and a timeout; never pooled. */
function request(port: number, method: string, urlPath: string, options: { host?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path: urlPath, agent: false, timeout: options.timeoutMs ?? 10_000, headers: { host: options.host ?? `127.0.0.1:${port}`, ...options.headers } },
      (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath}: no answer within ${options.timeoutMs ?? 10_000} ms`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * Polls /healthz every 250 ms (at most `maxPolls` times) until stopped; every poll must get a 200.
 * The timeout is generous because the machine running the suite may be loaded: a slow answer is
 * an answer, a refused or dropped connection is a failure.
 */
function watchHealth(port: number, maxPolls = 1_000): { stop(): Promise<{ polls: number; failures: string[] }> } {
  let running = true;
  const failures: string[] = [];
  let polls = 0;
  const loop = (async () => {
    while (running && polls < maxPolls) {
      polls++;
      const reply = await request(port, 'GET', '/healthz', { timeoutMs: 30_000 }).catch((error: Error) => ({ status: 0, body: error.message }));
      if (reply.status !== 200) failures.push(`${reply.status} ${reply.body}`.trim());
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { polls, failures };
    },
  };
}

describe('security: hostile network peer against a daemon with 1,024 file descriptors', function () {
  this.timeout(240_000);
  let repo: GitRepo;
  let dataDir: string;
  let daemon: DaemonChild;

  const environments = async () => JSON.parse((await request(daemon.httpPort, 'GET', '/api/environments')).body) as { environments: { name: string; live?: { commit?: string } }[] };
  const liveCommit = async () => (await environments()).environments.find((e) => e.name === 'apps')?.live?.commit;

  before(async function () {
    if (spawnSync('prlimit', ['--version']).status !== 0) this.skip(); // util-linux prlimit lowers the daemon's limit
    repo = makeGitRepo();
    dataDir = tempDir('meshplane-hostile-');
    const options = {
      repo: repo.dir,
      dataDir,
      xdsListen: '127.0.0.1:0',
      httpListen: '127.0.0.1:0',
      pollIntervalMs: 300,
      ackTimeoutMs: 3_000,
      operator: { registry: { writeToken: { env: 'HOSTILE_REGISTRY_TOKEN' } } },
    };
    daemon = new DaemonChild(
      spawn('prlimit', [`--nofile=${FD_LIMIT}`, process.execPath, CHILD, JSON.stringify(options)], {
        env: { ...process.env, HOSTILE_REGISTRY_TOKEN: REGISTRY_TOKEN },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    const listening = await eventually('the daemon to listen', () => daemon.logs.find((l) => l.msg === 'meshplane daemon listening') ?? (daemon.alive() ? undefined : Promise.reject(new Error(daemon.stderr))), 30_000);
    daemon.http = listening.http as string;
    daemon.httpPort = Number(new URL(daemon.http).port);
    daemon.xdsPort = Number(String(listening.xds).split(':').pop());
    await eventually('the first commit to be live', async () => (await liveCommit()) === repo.head(), 60_000, 200);
  });

  after(async () => {
    if (daemon?.alive()) {
      daemon.child.kill('SIGTERM');
      await Promise.race([daemon.exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      if (daemon.alive()) daemon.child.kill('SIGKILL');
    }
    repo?.remove();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  afterEach(() => assert.ok(daemon === undefined || daemon.alive(), `the daemon exited: ${daemon?.stderr}`));

  it('its connection caps fit the descriptor limit (lowered, with a warning)', () => {
    const lowered = daemon.logs.filter((l) => /connection cap lowered/.test(l.msg));
    assert.equal(lowered.length, 2, JSON.stringify(lowered));
  });

  it('refuses registry writes without the write token, and the metadata address even with it', async () => {
    const instance = '/api/registry/namespaces/apps.local/services/serviceb/instances/evil';
    const body = JSON.stringify({ address: '10.66.66.66', port: 80 });
    const json = { 'content-type': 'application/json' };
    assert.equal((await request(daemon.httpPort, 'PUT', instance, { headers: json, body })).status, 401);
    assert.equal((await request(daemon.httpPort, 'PUT', instance, { headers: { ...json, authorization: 'Bearer wrong' }, body })).status, 401);
    const metadata = await request(daemon.httpPort, 'PUT', instance, { headers: { ...json, authorization: `Bearer ${REGISTRY_TOKEN}` }, body: JSON.stringify({ address: '169.254.169.254', port: 80 }) });
    assert.equal(metadata.status, 403, metadata.body);
    assert.equal((await request(daemon.httpPort, 'DELETE', instance)).status, 401);
    const listed = JSON.parse((await request(daemon.httpPort, 'GET', '/api/registry/namespaces/apps.local/services/serviceb/instances')).body) as { instances: unknown[] };
    assert.deepEqual(listed.instances, []);
  });

  it('answers 421 to a foreign Host header on every route (DNS rebinding)', async () => {
    const routes: [string, string][] = [
      ['GET', '/healthz'],
      ['GET', '/readyz'],
      ['GET', '/metrics'],
      ['GET', '/api/environments'],
      ['GET', '/api/proxies'],
      ['GET', '/api/registry/namespaces'],
      ['PUT', '/api/registry/namespaces/apps.local/services/serviceb/instances/evil'],
      ['POST', '/hooks/git'],
      ['GET', '/dashboard'],
      ['GET', '/'],
      ['GET', '/no/such/route'],
    ];
    for (const [method, route] of routes) {
      const reply = await request(daemon.httpPort, method, route, { host: `rebind.attacker.example:${daemon.httpPort}`, headers: { authorization: `Bearer ${REGISTRY_TOKEN}` }, body: '{}' });
      assert.equal(reply.status, 421, `${method} ${route}: ${reply.body}`);
    }
    assert.equal((await request(daemon.httpPort, 'GET', '/healthz', { host: `localhost:${daemon.httpPort}` })).status, 200);
  });

  it('keeps logs bounded and NACK text at 4 KiB through a storm of 3,000 NACKs on one stream', async () => {
    const health = watchHealth(daemon.httpPort);
    const client = new AdsTestClient(`127.0.0.1:${daemon.xdsPort}`);
    try {
      const stream = client.delta();
      stream.send({ node: envoyNode(SERVICE_A), type_url: TYPE_URLS.cluster });
      const response = await stream.next(10_000);
      const logBytesBefore = daemon.stdoutBytes;
      const logLinesBefore = daemon.logs.length;
      const startedAt = Date.now();
      const storm = 3_000;
      const text = 'x'.repeat(8 * 1024);
      for (let i = 0; i < storm; i++) stream.send({ type_url: TYPE_URLS.cluster, response_nonce: response.nonce, error_detail: { code: 3, message: `nack ${i}: ${text}` } });
      const proxies = async () => JSON.parse((await request(daemon.httpPort, 'GET', '/api/proxies')).body) as { proxies: ProxyStatus[] };
      const logged = () => daemon.logs.slice(logLinesBefore).filter((l) => /proxy rejected the configuration/.test(l.msg));
      // Every NACK is either logged or counted as suppressed.
      const proxy = await eventually(
        'every NACK to be logged or counted',
        async () => (await proxies()).proxies.find((p) => p.nodeId === SERVICE_A && (p.nacksSuppressed ?? 0) + logged().length >= storm),
        120_000,
        250,
      );
      const lastNack = proxy.types.cluster.lastNack!;
      assert.ok(Buffer.byteLength(lastNack.error) <= MAX_NACK_TEXT_BYTES, `stored NACK text of ${Buffer.byteLength(lastNack.error)} bytes`);
      // The budget: 30 at once, then one every 2 s (30 per minute).
      const allowed = 30 + Math.ceil((Date.now() - startedAt) / 2_000) + 1;
      assert.ok(logged().length <= allowed, `${logged().length} NACK log lines (at most ${allowed})`);
      for (const line of logged()) assert.ok(Buffer.byteLength(line.msg) <= MAX_NACK_TEXT_BYTES + 100);
      // 3,000 × 8 KiB of NACK text came in; well under a megabyte of log went out.
      assert.ok(daemon.stdoutBytes - logBytesBefore < 1024 * 1024, `${daemon.stdoutBytes - logBytesBefore} bytes of log`);
      stream.close();
    } finally {
      client.close();
      const { polls, failures } = await health.stop();
      assert.deepEqual(failures, [], `/healthz failed during the storm (${polls} polls)`);
    }
  });

  it('refuses 100k delta subscriptions on one stream without a large memory growth', async () => {
    const health = watchHealth(daemon.httpPort);
    const client = new AdsTestClient(`127.0.0.1:${daemon.xdsPort}`, undefined, { 'grpc.max_send_message_length': 64 * 1024 * 1024 });
    try {
      const before = daemon.rssBytes();
      // In one request: refused as a whole.
      const names = (from: number, count: number) => Array.from({ length: count }, (_, i) => `cluster-${from + i}.apps.local`);
      const oneShot = client.delta();
      oneShot.send({ node: envoyNode(SERVICE_A), type_url: TYPE_URLS.clusterLoadAssignment, resource_names_subscribe: names(0, 100_000) });
      const refused = await oneShot.status;
      assert.equal(refused.code, grpc.status.RESOURCE_EXHAUSTED);
      assert.match(refused.details, /more than the 10000 allowed per stream/);
      // In steps of 5,000: the stream is closed when it passes the cap.
      const stepwise = client.delta();
      stepwise.send({ node: envoyNode(SERVICE_A), type_url: TYPE_URLS.clusterLoadAssignment, resource_names_subscribe: names(0, 5_000) });
      await stepwise.next(10_000);
      for (let step = 1; step < 20; step++) stepwise.send({ type_url: TYPE_URLS.clusterLoadAssignment, resource_names_subscribe: names(step * 5_000, 5_000) });
      assert.equal((await stepwise.status).code, grpc.status.RESOURCE_EXHAUSTED);
      const growth = daemon.rssBytes() - before;
      assert.ok(growth < 150 * 1024 * 1024, `RSS grew by ${Math.round(growth / 1024 / 1024)} MB`);
    } finally {
      client.close();
      const { polls, failures } = await health.stop();
      assert.deepEqual(failures, [], `/healthz failed during the subscriptions (${polls} polls)`);
    }
  });

  it('keeps serving through 5,000 idle connections, and a git commit is still reconciled after', async () => {
    const health = watchHealth(daemon.httpPort);
    const sockets: net.Socket[] = [];
    const connect = (port: number) =>
      new Promise<void>((resolve) => {
        const socket = net.connect(port, '127.0.0.1');
        socket.resume();
        socket.setTimeout(10_000, () => socket.destroy());
        socket.once('connect', () => resolve());
        socket.once('error', () => resolve()); // closed by the daemon's cap: expected
        socket.once('close', () => resolve());
        sockets.push(socket);
      });
    try {
      const deadline = Date.now() + 90_000;
      for (let i = 0; i < 5_000 && Date.now() < deadline; i += 50) {
        await Promise.all(Array.from({ length: 50 }, (_, j) => connect((i + j) % 2 === 0 ? daemon.httpPort : daemon.xdsPort)));
      }
      assert.equal(sockets.length, 5_000, 'all 5,000 connections were attempted within the time bound');
      // The daemon still serves a proxy and the API while the connections are held.
      const client = new AdsTestClient(`127.0.0.1:${daemon.xdsPort}`);
      try {
        const stream = client.sotw();
        stream.send({ node: envoyNode(SERVICE_A), type_url: TYPE_URLS.cluster });
        assert.ok((await stream.next(15_000)).resources.length > 0);
        stream.close();
      } finally {
        client.close();
      }
      const next = repo.commit('after the flood', { 'environments/apps/mesh.yaml': fs.readFileSync(path.join(repo.dir, 'environments/apps/mesh.yaml'), 'utf8') + '# after the flood\n' });
      await eventually('the new commit to be reconciled', async () => (await liveCommit()) === next, 60_000, 250);
    } finally {
      for (const socket of sockets) socket.destroy();
      const { polls, failures } = await health.stop();
      assert.deepEqual(failures, [], `/healthz failed during the flood (${polls} polls)`);
    }
  });
});
