// The endpoint registry shared by replicas: registrations made through any replica are written to
// etcd, and every replica mirrors etcd into a local EndpointRegistry (one watch), so the EDS of
// proxies on every replica sees them. Keys, under the configured prefix:
//
//   registry/instances/<namespace>/<service>/<id>   the instance (JSON); with a TTL, attached to a lease
//   registry/health/<namespace>/<service>/<id>      health marks of instances declared in environment.yaml
//
// Instances declared in environment.yaml stay local: every replica reads them from the same commit.
// Writes return once this replica's mirror has seen them, so a read after a write sees it.
import { Namespace } from 'etcd3';
import { EtcdConnection } from '../ha/etcd-connection';
import { EtcdUnavailableError } from '../ha/errors';
import { DiscoveryQuery, Endpoint } from '../../provider/envoy/snapshot';
import { EndpointRegistry, InstanceInput, makeInstanceCheck, RegisteredInstance, serviceKey, StaticInstance } from './endpoint-registry';
import { RegistryError, registryErrors } from './errors';
import { InstanceRegistry, RegistrationOptions } from './instance-registry';

const INSTANCES = 'registry/instances/';
const HEALTH = 'registry/health/';
export const MAX_TTL_SECONDS = 86_400;
const CATCH_UP_TIMEOUT_MS = 5_000;
const RESYNC_DELAY_MS = 1_000;

/** A registration as written to etcd: the instance without its local bookkeeping, and its TTL. */
interface StoredInstance extends Omit<RegisteredInstance, 'origin' | 'updatedAt'> {
  ttlSeconds?: number;
}

export class EtcdEndpointRegistry implements InstanceRegistry {
  readonly supportsTtl = true;
  /** etcd's registrations plus this replica's static instances: what EDS reads. */
  private readonly mirror = new EndpointRegistry();
  private readonly ns: Namespace;
  private declared: readonly StaticInstance[] = [];
  /** Health marks of static instances, by instance key. */
  private readonly healthMarks = new Map<string, boolean>();
  private seenRevision = 0n;
  private readonly waiters: { revision: bigint; resolve: () => void }[] = [];
  private stopWatch: (() => Promise<void>) | undefined;
  private stopped = false;
  private synced = false;

  constructor(
    private readonly connection: EtcdConnection,
    private readonly log?: (message: string, fields?: Record<string, unknown>) => void,
  ) {
    this.ns = connection.namespace;
  }

  /** Loads every registration and follows changes; retries in the background while etcd is down. */
  async start(): Promise<void> {
    try {
      await this.sync();
    } catch (error) {
      this.log?.('cannot read the shared registry yet; retrying', { error: (error as Error).message });
      this.retrySync();
    }
  }

  /** Whether the mirror has loaded etcd's registrations at least once. */
  get ready(): boolean {
    return this.synced;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.stopWatch?.().catch(() => undefined);
  }

  lookup(query: DiscoveryQuery): readonly Endpoint[] | undefined {
    return this.mirror.lookup(query);
  }

  subscribe(listener: (changed: ReadonlySet<string>) => void): () => void {
    return this.mirror.subscribe(listener);
  }

  namespaces(): { namespace: string; services: { service: string; instances: number }[] }[] {
    return this.mirror.namespaces();
  }

  instances(namespace: string, service: string): RegisteredInstance[] {
    return this.mirror.instances(namespace, service);
  }

  setStatic(declared: readonly StaticInstance[]): void {
    this.declared = declared;
    this.mirror.setStatic(declared);
    this.applyHealthMarks();
  }

  async register(namespace: string, service: string, id: string, input: InstanceInput, options: RegistrationOptions = {}): Promise<RegisteredInstance> {
    const checked = makeInstanceCheck({ ...input, namespace, service, id });
    if (this.isStatic(namespace, service, id)) throw registryErrors.staticInstance(namespace, service, id);
    const ttl = options.ttlSeconds;
    if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_SECONDS)) {
      throw new RegistryError(400, `ttl ${JSON.stringify(ttl)} must be a whole number of seconds from 1 to ${MAX_TTL_SECONDS}; register again within it to keep the instance`);
    }
    const stored: StoredInstance = {
      namespace,
      service,
      id,
      address: checked.address,
      port: checked.port,
      healthy: checked.healthy,
      attributes: { ...checked.attributes },
      ...(ttl !== undefined ? { ttlSeconds: ttl } : {}),
    };
    const key = instanceKey(namespace, service, id);
    const revision = await this.etcd('RegisterInstance', async () => {
      const previous = (await this.ns.get(key).exec()).kvs[0];
      let put = this.ns.put(key).value(JSON.stringify(stored));
      if (ttl !== undefined) {
        // A fresh lease per registration: re-registering within the TTL is the registrar's heartbeat.
        const lease = this.ns.lease(ttl, { autoKeepAlive: false });
        lease.on('lost', () => undefined);
        put = put.lease(await lease.grant());
        lease.release();
      }
      const result = await put.exec();
      if (previous && previous.lease !== '0') await this.ns.leaseClient.leaseRevoke({ ID: previous.lease }).catch(() => undefined);
      return result.header.revision;
    });
    await this.caughtUp(revision);
    return this.mirror.instances(namespace, service).find((i) => i.id === id) ?? { ...checked, origin: 'api' };
  }

  async deregister(namespace: string, service: string, id: string): Promise<boolean> {
    if (this.isStatic(namespace, service, id)) throw registryErrors.staticInstance(namespace, service, id);
    const { deleted, revision } = await this.etcd('DeregisterInstance', async () => {
      const result = await this.ns.delete().key(instanceKey(namespace, service, id)).exec();
      return { deleted: Number(result.deleted), revision: result.header.revision };
    });
    await this.caughtUp(revision);
    return deleted > 0;
  }

  async setHealth(namespace: string, service: string, id: string, healthy: boolean): Promise<RegisteredInstance> {
    if (this.isStatic(namespace, service, id)) {
      const revision = await this.etcd('UpdateInstanceCustomHealthStatus', async () => {
        const result = await this.ns.put(`${HEALTH}${instancePath(namespace, service, id)}`).value(JSON.stringify({ healthy })).exec();
        return result.header.revision;
      });
      await this.caughtUp(revision);
      return this.mirror.instances(namespace, service).find((i) => i.id === id)!;
    }
    const key = instanceKey(namespace, service, id);
    for (;;) {
      const outcome = await this.etcd('UpdateInstanceCustomHealthStatus', async () => {
        const kv = (await this.ns.get(key).exec()).kvs[0];
        if (!kv) return 'missing' as const;
        const stored = JSON.parse(kv.value.toString()) as StoredInstance;
        // Compare-and-swap, keeping the registration's lease: a concurrent re-registration wins.
        const result = await this.ns
          .if(key, 'Mod', '==', kv.mod_revision)
          .then(this.ns.put(key).value(JSON.stringify({ ...stored, healthy })).ignoreLease())
          .commit();
        return result.succeeded ? result.header.revision : ('raced' as const);
      });
      if (outcome === 'missing') throw registryErrors.unknownInstance(namespace, service, id);
      if (outcome === 'raced') continue;
      await this.caughtUp(outcome);
      return this.mirror.instances(namespace, service).find((i) => i.id === id)!;
    }
  }

  private isStatic(namespace: string, service: string, id: string): boolean {
    return this.mirror.instances(namespace, service).some((i) => i.id === id && i.origin === 'static');
  }

  /** Loads the registrations at one revision, then watches from the next. */
  private async sync(): Promise<void> {
    const [instances, health] = await Promise.all([this.ns.getAll().prefix(INSTANCES).exec(), this.ns.getAll().prefix(HEALTH).exec()]);
    const revision = BigInt(instances.header.revision) > BigInt(health.header.revision) ? health.header.revision : instances.header.revision;
    // Drop what vanished while we were not watching, then apply what is there.
    const present = new Set(instances.kvs.map((kv) => kv.key.toString()));
    for (const { namespace, services } of this.mirror.namespaces()) {
      for (const { service } of services) {
        for (const instance of this.mirror.instances(namespace, service)) {
          if (instance.origin === 'api' && !present.has(instanceKey(namespace, service, instance.id))) this.mirror.deregister(namespace, service, instance.id);
        }
      }
    }
    for (const kv of instances.kvs) this.applyPut(kv.value.toString());
    this.healthMarks.clear();
    for (const kv of health.kvs) this.applyHealth(kv.key.toString(), kv.value.toString());
    this.markSeen(BigInt(revision));
    const watcher = await this.ns.watch().prefix('registry/').startRevision(String(BigInt(revision) + 1n)).create();
    watcher.on('put', (kv) => {
      const key = kv.key.toString();
      if (key.startsWith(INSTANCES)) this.applyPut(kv.value.toString());
      else if (key.startsWith(HEALTH)) this.applyHealth(key, kv.value.toString());
    });
    watcher.on('delete', (kv) => {
      const key = kv.key.toString();
      if (key.startsWith(INSTANCES)) this.applyDelete(key);
      else if (key.startsWith(HEALTH)) this.healthMarks.delete(key.slice(HEALTH.length));
    });
    watcher.on('data', (response) => this.markSeen(BigInt(response.header.revision)));
    watcher.on('error', (error) => {
      // Typically a compacted revision after a long outage: load everything again.
      this.log?.('registry watch failed; reloading the registry', { error: error.message });
      void watcher.cancel();
      this.retrySync();
    });
    this.stopWatch = () => watcher.cancel();
    this.synced = true;
  }

  private retrySync(): void {
    if (this.stopped) return;
    setTimeout(() => {
      if (this.stopped) return;
      this.sync().catch(() => this.retrySync());
    }, RESYNC_DELAY_MS).unref();
  }

  private applyPut(text: string): void {
    try {
      const stored = JSON.parse(text) as StoredInstance;
      if (this.isStatic(stored.namespace, stored.service, stored.id)) return; // environment.yaml wins
      this.mirror.register(stored.namespace, stored.service, stored.id, { address: stored.address, port: stored.port, healthy: stored.healthy, attributes: stored.attributes });
    } catch (error) {
      this.log?.('ignoring an unreadable registry entry in etcd', { error: (error as Error).message });
    }
  }

  private applyDelete(key: string): void {
    const [namespace, service, id] = key.slice(INSTANCES.length).split('/');
    if (!this.isStatic(namespace, service, id)) this.mirror.deregister(namespace, service, id);
  }

  private applyHealth(key: string, text: string): void {
    try {
      this.healthMarks.set(key.slice(HEALTH.length), (JSON.parse(text) as { healthy: boolean }).healthy === true);
      this.applyHealthMarks();
    } catch {
      // Not a health mark meshplane wrote: ignore it.
    }
  }

  private applyHealthMarks(): void {
    for (const entry of this.declared) {
      const id = entry.id ?? `${entry.address}:${entry.port}`;
      const mark = this.healthMarks.get(instancePath(entry.namespace, entry.service, id));
      if (mark !== undefined) this.mirror.setHealth(entry.namespace, entry.service, id, mark);
    }
  }

  private markSeen(revision: bigint): void {
    if (revision <= this.seenRevision) return;
    this.seenRevision = revision;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i].revision <= revision) this.waiters.splice(i, 1)[0].resolve();
    }
  }

  /** Waits until the watch has delivered `revision` to the mirror (bounded). */
  private caughtUp(revision: string): Promise<void> {
    const wanted = BigInt(revision);
    if (wanted <= this.seenRevision) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = { revision: wanted, resolve: () => (clearTimeout(timer), resolve()) };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        resolve(); // written in etcd; the mirror follows as soon as the watch catches up
      }, CATCH_UP_TIMEOUT_MS);
      this.waiters.push(waiter);
    });
  }

  private async etcd<T>(operation: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof RegistryError) throw error;
      throw new RegistryError(503, new EtcdUnavailableError(this.connection.endpoints, operation, error).message);
    }
  }
}

/** `apps.local/serviceb/<id>`: namespace and service lower-cased, as the registry matches them. */
function instancePath(namespace: string, service: string, id: string): string {
  return `${serviceKey(namespace, service)}/${id}`;
}

function instanceKey(namespace: string, service: string, id: string): string {
  return `${INSTANCES}${instancePath(namespace, service, id)}`;
}
