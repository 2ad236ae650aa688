// Who is running: every replica keeps `replicas/<id>` alive with a lease of its own, so a dead
// replica disappears within the TTL. Read by metrics, the dashboard and `GET /api/replicas`.
import { Lease } from 'etcd3';
import { EtcdConnection } from './etcd-connection';

export interface ReplicaInfo {
  id: string;
  host: string;
  pid: number;
  startedAt: string;
  /** Where its xDS server and HTTP API listen (host:port), for operators and bootstraps. */
  xdsAddress?: string;
  httpAddress?: string;
}

const PREFIX = 'replicas/';
const RETRY_MS = 1_000;

export class ReplicaMembership {
  private readonly members = new Map<string, ReplicaInfo>();
  private lease: Lease | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopWatch: (() => Promise<void>) | undefined;
  private stopped = false;

  constructor(
    private readonly connection: EtcdConnection,
    private readonly self: ReplicaInfo,
    private readonly ttlSeconds: number,
    /** Called with the lease's id each time this replica is registered (again, after a lost lease). */
    private readonly registered?: (leaseId: string) => void,
  ) {
    this.members.set(self.id, self);
  }

  /** Registers this replica and follows the others; keeps retrying while etcd is unreachable. */
  start(): void {
    this.register();
    void this.follow();
  }

  /** Live replicas, this one included, by id. */
  replicas(): ReplicaInfo[] {
    return [...this.members.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.stopWatch?.().catch(() => undefined);
    await this.lease?.revoke().catch(() => undefined);
  }

  private register(): void {
    if (this.stopped) return;
    const lease = this.connection.namespace.lease(this.ttlSeconds);
    this.lease = lease;
    lease.on('lost', () => {
      if (this.lease === lease) this.retry(() => this.register());
    });
    lease
      .put(`${PREFIX}${this.self.id}`)
      .value(JSON.stringify(this.self))
      .exec()
      .then(async () => {
        const leaseId = await lease.grant();
        if (this.lease === lease && !this.stopped) this.registered?.(leaseId);
      })
      .catch(() => {
        lease.release();
        if (this.lease === lease) this.retry(() => this.register());
      });
  }

  private async follow(): Promise<void> {
    if (this.stopped) return;
    try {
      const ns = this.connection.namespace;
      const current = await ns.getAll().prefix(PREFIX).exec();
      this.members.clear();
      this.members.set(this.self.id, this.self);
      for (const kv of current.kvs) this.put(kv.value.toString());
      const watcher = await ns.watch().prefix(PREFIX).startRevision(String(BigInt(current.header.revision) + 1n)).create();
      watcher.on('put', (kv) => this.put(kv.value.toString()));
      watcher.on('delete', (kv) => {
        const id = kv.key.toString().slice(PREFIX.length);
        if (id !== this.self.id) this.members.delete(id);
      });
      watcher.on('error', () => undefined);
      this.stopWatch = () => watcher.cancel();
    } catch {
      this.retry(() => void this.follow());
    }
  }

  private put(text: string): void {
    try {
      const info = JSON.parse(text) as ReplicaInfo;
      if (typeof info.id === 'string') this.members.set(info.id, info);
    } catch {
      // Not ours (someone wrote under the prefix by hand): ignore it.
    }
  }

  private retry(action: () => void): void {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(action, RETRY_MS);
    this.retryTimer.unref();
  }
}
