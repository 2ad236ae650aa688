// What a real grpc-js-xds client does with a config it rejects (NACK recorded with its error text,
// previous config kept), and how it is refused for an unknown identity or missing credentials.
import { strict as assert } from 'node:assert';
import * as grpc from '@grpc/grpc-js';
import { Flavour, ProxyIdentity, ProxySnapshot, TYPE_URLS } from '../../../provider/envoy/snapshot';
import { grpcBootstrap } from '../../../reconciler/xds/bootstrap';
import { TokenAuthenticator } from '../../../reconciler/xds/proxy-auth';
import { SnapshotSource } from '../../../reconciler/xds/snapshot-source';
import { StreamEvent, XdsServer } from '../../../reconciler/xds/xds-server';
import { routeConfig } from '../helpers/envoy-resources';
import { MeshHarness, XdsClientProcess } from './mesh-harness';
import { eventually } from '../../helpers/eventually';

/**
 * Serves the translation, except that a "poisoned" route table is replaced by one gRPC rejects
 * (weighted clusters summing to 0): the translator never produces such a thing, so we inject it.
 */
class PoisoningSource implements SnapshotSource {
  poisoned: string | undefined;
  private readonly listeners = new Set<(changed: ReadonlySet<string>) => void>();

  constructor(private readonly inner: SnapshotSource) {
    inner.subscribe((changed) => this.notify(changed));
  }

  knows(proxy: ProxyIdentity): boolean {
    return this.inner.knows(proxy);
  }

  snapshot(proxy: ProxyIdentity, flavour: Flavour): ProxySnapshot | undefined {
    const real = this.inner.snapshot(proxy, flavour);
    const routes = real?.resources.get(TYPE_URLS.routeConfiguration);
    if (!real || !this.poisoned || !routes?.has(this.poisoned)) return real;
    const resources = new Map(real.resources);
    resources.set(TYPE_URLS.routeConfiguration, new Map(routes).set(this.poisoned, routeConfig(this.poisoned, { 'no-such-cluster': 0 })));
    return { ...real, resources };
  }

  subscribe(listener: (changed: ReadonlySet<string>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(changed: ReadonlySet<string>): void {
    for (const listener of this.listeners) listener(changed);
  }
}

describe('xds e2e: NACK and identity with grpc-js-xds', function () {
  this.timeout(60_000);
  let mesh: MeshHarness;

  before(async () => {
    mesh = await MeshHarness.startCanary();
  });

  after(async () => {
    await mesh?.stop();
  });

  it('records the client\'s NACK with its error text, and the client keeps serving on its previous config', async () => {
    const source = new PoisoningSource(mesh.source);
    const server = new XdsServer({ source });
    const address = `127.0.0.1:${await server.listen('127.0.0.1:0')}`;
    const client = await XdsClientProcess.start(grpcBootstrap({ nodeId: 'mesh/apps/virtualNode/serviceA', xds: address }));
    try {
      const target = 'xds:///serviceb.apps.local:80';
      const first = await client.call({ target, count: 200, concurrency: 10 });
      assert.deepEqual(first.failed, {}, first.errors.join('\n'));
      const [status] = server.proxies();
      const routeName = 'serviceb.apps.local:80';
      const good = status.types.routeConfiguration.acked!.version;
      const routeNames = [...source.snapshot({ kind: 'VirtualNode', meshName: 'apps', name: 'serviceA' }, 'grpc')!.resources.get(TYPE_URLS.routeConfiguration)!.keys()];
      assert.ok(routeNames.length === 1, `one route table expected, got ${routeNames.join(', ')} (listener ${routeName})`);

      source.poisoned = routeNames[0];
      source.notify(new Set(['VirtualNode/apps/serviceA']));
      const nacked = await eventually('the NACK', () => {
        const route = server.proxies()[0].types.routeConfiguration;
        return route.state === 'nacked' && route;
      });
      assert.equal(nacked.acked?.version, good);
      assert.match(nacked.lastNack!.error, /sum of weights is 0/);
      assert.notEqual(nacked.lastNack!.version, good);

      // Still routing with the last accepted route table: the 75/25 split, no failures.
      const after = await client.call({ target, count: 200, concurrency: 10 });
      assert.deepEqual(after.failed, {}, after.errors.join('\n'));
      assert.deepEqual(Object.keys(after.ok).sort(), ['serviceB', 'serviceBv2']);

      // Fixed config: accepted again; the NACK stays visible as the last one.
      source.poisoned = undefined;
      source.notify(new Set(['VirtualNode/apps/serviceA']));
      const healed = await eventually('the fixed routes to be ACKed', () => {
        const route = server.proxies()[0].types.routeConfiguration;
        return route.state === 'synced' && route;
      });
      assert.equal(healed.acked?.version, good);
      assert.match(healed.lastNack!.error, /sum of weights is 0/);
    } finally {
      client.stop();
      await server.stop(500);
    }
  });

  it('refuses a client with an unknown node id (NOT_FOUND) and one without credentials (UNAUTHENTICATED)', async () => {
    const events: StreamEvent[] = [];
    mesh.server.on('stream', (event) => events.push(event));
    const stranger = await mesh.client('mesh/apps/virtualNode/serviceZ');
    const refused = await stranger.call({ target: 'xds:///serviceb.apps.local:80', count: 1, deadlineMs: 2000 });
    assert.equal(Object.keys(refused.ok).length, 0);
    const notFound = await eventually('a refusal of serviceZ', () => events.find((e) => e.event === 'ConnectionRefused' && e.nodeId === 'mesh/apps/virtualNode/serviceZ'));
    assert.equal(notFound.code, grpc.status.NOT_FOUND);
    assert.match(notFound.failureReason!, /VirtualNode serviceZ \(mesh apps\) does not exist/);

    // A server that wants tokens: grpc-js-xds cannot present one, so it is refused as unauthenticated.
    const secured = new XdsServer({ source: mesh.source, authenticator: new TokenAuthenticator(() => 'secret') });
    const securedEvents: StreamEvent[] = [];
    secured.on('stream', (event) => securedEvents.push(event));
    const address = `127.0.0.1:${await secured.listen('127.0.0.1:0')}`;
    const client = await XdsClientProcess.start(grpcBootstrap({ nodeId: 'mesh/apps/virtualNode/serviceA', xds: address }));
    try {
      const result = await client.call({ target: 'xds:///serviceb.apps.local:80', count: 1, deadlineMs: 2000 });
      assert.equal(Object.keys(result.ok).length, 0);
      const unauthenticated = await eventually('a refusal', () => securedEvents.find((e) => e.event === 'ConnectionRefused'));
      assert.equal(unauthenticated.code, grpc.status.UNAUTHENTICATED);
      assert.equal(secured.proxies().length, 0);
    } finally {
      client.stop();
      await secured.stop(500);
    }
  });
});

