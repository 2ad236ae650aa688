// The shared endpoint registry against a real etcd: registrations through one replica reach the
// lookups (EDS) of another, TTL registrations expire with their lease, static instances stay
// local, health marks are shared, and an unreachable etcd is a 503 with the reason.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { connectEtcd, EtcdConnection } from '../../reconciler/ha';
import { RunningHttpServer, startHttpServer } from '../../reconciler/http/http-server';
import { EndpointRegistry } from '../../reconciler/registry/endpoint-registry';
import { EtcdEndpointRegistry } from '../../reconciler/registry/etcd-registry';
import { RegistryError } from '../../reconciler/registry/errors';
import { registryRoutes } from '../../reconciler/registry/registry-api';
import { EtcdCluster, skipWithoutEtcd } from '../helpers/etcd-cluster';
import { eventually } from '../helpers/eventually';

const serviceB = { type: 'cloudMap' as const, namespaceName: 'apps.local', serviceName: 'serviceb', attributes: {} };
const addresses = (registry: { lookup: EndpointRegistry['lookup'] }) => registry.lookup(serviceB)?.map((e) => `${e.address}:${e.port}${e.healthy ? '' : '!'}`).join(',') ?? '';

describe('etcd endpoint registry', function () {
  this.timeout(30_000);
  let cluster: EtcdCluster;
  const connections: EtcdConnection[] = [];
  const registries: EtcdEndpointRegistry[] = [];

  before(async function () {
    skipWithoutEtcd(this);
    cluster = await EtcdCluster.start(1);
  });
  after(async () => cluster?.stop());
  afterEach(async () => {
    for (const registry of registries.splice(0)) await registry.stop();
    for (const connection of connections.splice(0)) connection.close();
  });

  /** Replicas sharing one prefix (a fresh one per test). */
  async function replicas(count: number): Promise<EtcdEndpointRegistry[]> {
    const prefix = `/t-${randomBytes(4).toString('hex')}/`;
    const made: EtcdEndpointRegistry[] = [];
    for (let i = 0; i < count; i++) {
      const connection = connectEtcd({ endpoints: cluster.endpoints, prefix, leaseTtlSeconds: 2 });
      connections.push(connection);
      const registry = new EtcdEndpointRegistry(connection);
      await registry.start();
      registries.push(registry);
      made.push(registry);
    }
    return made;
  }

  it('a registration through one replica reaches the lookups and subscribers of another', async () => {
    const [a, b] = await replicas(2);
    const changed: string[] = [];
    b.subscribe((keys) => changed.push(...keys));
    const instance = await a.register('apps.local', 'serviceB', 'b-1', { address: '10.0.0.1', port: 80, attributes: { version: 'v1' } });
    assert.equal(instance.origin, 'api');
    assert.equal(addresses(a), '10.0.0.1:80', 'the registering replica sees its write at once');
    await eventually('replica b to see the registration', () => addresses(b) === '10.0.0.1:80');
    assert.deepEqual(changed, ['apps.local/serviceb']);
    assert.deepEqual(b.instances('apps.local', 'serviceb').map((i) => [i.id, i.attributes.version]), [['b-1', 'v1']]);

    await b.setHealth('apps.local', 'serviceb', 'b-1', false);
    await eventually('replica a to see the health mark', () => addresses(a) === '10.0.0.1:80!');
    assert.equal(await a.deregister('apps.local', 'serviceb', 'b-1'), true);
    assert.equal(await a.deregister('apps.local', 'serviceb', 'b-1'), false);
    await eventually('replica b to see the deregistration', () => b.lookup(serviceB) === undefined);
    await assert.rejects(Promise.resolve(a.setHealth('apps.local', 'serviceb', 'b-1', true)), /no instance "b-1"/);
  });

  it('a replica started later loads what was registered before', async () => {
    const [a] = await replicas(1);
    await a.register('apps.local', 'serviceb', 'b-1', { address: '10.0.0.1', port: 80 });
    const late = new EtcdEndpointRegistry(connections[0]);
    registries.push(late);
    await late.start();
    assert.equal(addresses(late), '10.0.0.1:80');
  });

  it('a registration with a TTL expires with its lease unless registered again', async () => {
    const [a, b] = await replicas(2);
    await a.register('apps.local', 'serviceb', 'short', { address: '10.0.0.2', port: 80 }, { ttlSeconds: 2 });
    await a.register('apps.local', 'serviceb', 'kept', { address: '10.0.0.3', port: 80 }, { ttlSeconds: 2 });
    await eventually('replica b to see both', () => addresses(b) === '10.0.0.2:80,10.0.0.3:80');
    // The registrar of "kept" heartbeats by registering again; the registrar of "short" died.
    const heartbeat = setInterval(() => void a.register('apps.local', 'serviceb', 'kept', { address: '10.0.0.3', port: 80 }, { ttlSeconds: 2 }), 600);
    try {
      await eventually('the dead registrar\'s instance to expire', () => addresses(b) === '10.0.0.3:80', 8_000);
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      assert.equal(addresses(b), '10.0.0.3:80', 'the heartbeating registration stays');
    } finally {
      clearInterval(heartbeat);
    }
    await assert.rejects(a.register('apps.local', 'serviceb', 'x', { address: '10.0.0.4', port: 80 }, { ttlSeconds: 0 }), /whole number of seconds/);
  });

  it('instances declared in environment.yaml stay local and cannot be overwritten; their health marks are shared', async () => {
    const [a, b] = await replicas(2);
    const declared = [{ namespace: 'apps.local', service: 'serviceb', id: 'static-1', address: '10.0.1.1', port: 80 }];
    a.setStatic(declared);
    b.setStatic(declared);
    await assert.rejects(a.register('apps.local', 'serviceb', 'static-1', { address: '10.9.9.9', port: 80 }), (error: unknown) => error instanceof RegistryError && error.status === 409);
    await a.setHealth('apps.local', 'serviceb', 'static-1', false);
    await eventually('replica b to mark the static instance unhealthy', () => addresses(b) === '10.0.1.1:80!');
  });

  it('serves the HTTP API with ttl; the embedded registry refuses ttl with the reason', async () => {
    const [a, b] = await replicas(2);
    const open = { allowUnauthenticatedWrites: true };
    const servers: RunningHttpServer[] = [await startHttpServer(registryRoutes(a, open)), await startHttpServer(registryRoutes(new EndpointRegistry(), open))];
    try {
      const put = (server: RunningHttpServer, body: unknown) =>
        fetch(`${server.url}/api/registry/namespaces/apps.local/services/serviceb/instances/b-1`, { method: 'PUT', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      const created = await put(servers[0], { address: '10.0.0.1', port: 80, ttl: 30 });
      assert.equal(created.status, 201);
      await eventually('replica b to see the API registration', () => addresses(b) === '10.0.0.1:80');
      const refused = await put(servers[1], { address: '10.0.0.1', port: 80, ttl: 30 });
      assert.equal(refused.status, 400);
      assert.match(((await refused.json()) as { error: string }).error, /ttl needs the etcd store/);
    } finally {
      for (const server of servers) await server.close();
    }
  });

  it('while etcd is down, lookups keep answering and writes fail with 503 naming etcd', async () => {
    const [a] = await replicas(1);
    await a.register('apps.local', 'serviceb', 'b-1', { address: '10.0.0.1', port: 80 });
    await cluster.stopMember(0);
    try {
      assert.equal(addresses(a), '10.0.0.1:80');
      await assert.rejects(a.register('apps.local', 'serviceb', 'b-2', { address: '10.0.0.2', port: 80 }), (error: unknown) => {
        assert.ok(error instanceof RegistryError && error.status === 503, String(error));
        assert.match(error.message, /etcd at http:\/\/127\.0\.0\.1:\d+ did not answer RegisterInstance/);
        return true;
      });
    } finally {
      await cluster.startMember(0);
      await cluster.waitHealthy();
    }
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await a.register('apps.local', 'serviceb', 'b-2', { address: '10.0.0.2', port: 80 });
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    assert.equal(addresses(a), '10.0.0.1:80,10.0.0.2:80');
  });
});
