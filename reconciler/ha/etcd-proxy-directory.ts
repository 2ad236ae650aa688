// Proxies of every replica, through etcd. Each replica writes a summary of the proxies connected
// to its own xDS server to `proxies/<replica id>` (gzip JSON) on its membership lease, so a dead
// replica's proxies vanish with it; writes follow ACKs, NACKs, connects and disconnects, at most
// one per MIN_WRITE_INTERVAL_MS. While a push is being ACKed, its progress is written at most once
// per PENDING_WRITE_INTERVAL_MS: the leader's sync status waits for the settled summary anyway,
// and every write costs a raft round on each etcd member and a decode on each other replica, on
// the cores the proxies' ACKs need. Every replica watches the others' summaries; the leader counts
// them with its own proxies in the sync status and the drift check.
//
//   proxies/<replica id>   {replica, environments: {<env>: {revision, proxies: [ProxySummary]}}}
import { Namespace } from 'etcd3';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ProxyStatus } from '../xds/proxy-session';
import { EtcdConnection } from './etcd-connection';
import { countState, LocalProxies, localCounts, localProxies, noProxies, ProxyCounts, ProxyDirectory, ProxySummary, ProxyTypeSummary, summaryState } from './proxy-directory';

export const PROXIES_PREFIX = 'proxies/';
/** At most 5 writes a second per replica, however many proxies ACK. */
export const MIN_WRITE_INTERVAL_MS = 200;
/** While some proxy of this replica waits for an ACK: at most one write a second (after the first second pending). */
export const PENDING_WRITE_INTERVAL_MS = 1_000;
const RETRY_MS = 1_000;

/** What one replica publishes. */
export interface ReplicaProxies {
  replica: string;
  environments: Record<string, { revision: number | null; proxies: ProxySummary[] }>;
}

/** The lease this replica's membership key lives on (renewed: a lost lease is replaced). */
export interface MembershipLease {
  readonly replicaId: string;
  onMembershipLease(listener: (leaseId: string) => void): () => void;
}

export class EtcdProxyDirectory implements ProxyDirectory {
  private readonly ns: Namespace;
  private readonly others = new Map<string, ReplicaProxies>();
  private local: LocalProxies | undefined;
  private leaseId: string | undefined;
  private written: { leaseId: string; text: string } | undefined;
  private lastWriteAt = 0;
  /** Since when the summary has had a proxy waiting for an ACK (undefined: none waits). */
  private pendingSince: number | undefined;
  /** When the progress of a push being ACKed was last let through. */
  private progressAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = 0;
  private writing = false;
  private dirty = false;
  private readonly cleanups: (() => unknown)[] = [];
  private stopped = false;

  constructor(
    connection: EtcdConnection,
    private readonly membership: MembershipLease,
  ) {
    this.ns = connection.namespace;
  }

  private get key(): string {
    return `${PROXIES_PREFIX}${this.membership.replicaId}`;
  }

  start(local: LocalProxies): void {
    this.local = local;
    this.cleanups.push(local.onChange(() => this.changed()));
    this.cleanups.push(
      this.membership.onMembershipLease((leaseId) => {
        this.leaseId = leaseId;
        this.changed();
      }),
    );
    void this.follow();
  }

  proxies(environment: string, revision: number | undefined): ProxySummary[] {
    const own: ProxySummary[] = this.local ? localProxies(this.local, environment) : [];
    const others = [...this.others.values()].flatMap((replica) => {
      const served = replica.environments[environment];
      if (!served) return [];
      return revision !== undefined && served.revision !== revision ? served.proxies.map(notSentYet) : served.proxies;
    });
    return [...own, ...others];
  }

  counts(environment: string, revision: number | undefined): ProxyCounts {
    const counts = this.local ? localCounts(this.local, environment) : noProxies();
    for (const replica of this.others.values()) {
      const served = replica.environments[environment];
      if (!served) continue;
      const stale = revision !== undefined && served.revision !== revision;
      for (const proxy of served.proxies) countState(counts, summaryState(stale ? notSentYet(proxy) : proxy));
    }
    return counts;
  }

  changed(): void {
    if (this.stopped || !this.local) return;
    this.dirty = true;
    this.checkAt(this.lastWriteAt + MIN_WRITE_INTERVAL_MS);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const cleanup of this.cleanups.splice(0)) await Promise.resolve(cleanup()).catch(() => undefined);
  }

  /** Looks at the summary at `at`, or sooner if a look is already due sooner (a write in flight looks again when it ends). */
  private checkAt(at: number): void {
    if (this.writing || (this.timer && this.timerAt <= at)) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.write();
    }, Math.max(0, at - Date.now()));
  }

  /** This replica's summary, written when it differs from the last one written on the current lease. */
  private async write(): Promise<void> {
    const leaseId = this.leaseId;
    // Without a lease yet, the membership's callback writes once it has one.
    if (this.stopped || !this.local || !leaseId) return;
    this.dirty = false;
    this.writing = true;
    this.lastWriteAt = Date.now();
    let next = 0;
    try {
      const summary = summarize(this.membership.replicaId, this.local);
      const text = JSON.stringify(summary);
      const progressDue = this.progressDue(summary);
      if (this.written?.leaseId === leaseId && progressDue > 0) {
        // A push still being ACKed: its progress waits (the next ACK looks again), the settled summary does not.
        this.dirty = true;
        next = progressDue;
      } else if (this.written?.leaseId !== leaseId || this.written.text !== text) {
        await this.ns.put(this.key).value(gzipSync(text)).lease(leaseId).exec();
        this.written = { leaseId, text };
      }
    } catch {
      // etcd unreachable or the lease lost (a new one brings a callback): try again in a while.
      this.dirty = true;
      this.lastWriteAt = Date.now() + RETRY_MS - MIN_WRITE_INTERVAL_MS;
    } finally {
      this.writing = false;
    }
    if (this.dirty && !this.stopped) this.checkAt(next || this.lastWriteAt + MIN_WRITE_INTERVAL_MS);
  }

  /** When a summary with proxies waiting for ACKs may be written (0: at once, nothing waits). */
  private progressDue(summary: ReplicaProxies): number {
    if (!hasPending(summary)) {
      this.pendingSince = undefined;
      return 0;
    }
    const now = Date.now();
    this.pendingSince ??= now;
    const due = Math.max(this.pendingSince, this.progressAt) + PENDING_WRITE_INTERVAL_MS;
    if (due <= now) this.progressAt = now;
    return due <= now ? 0 : due;
  }

  /** Reads every other replica's summary, then watches them; retries while etcd is unreachable. */
  private async follow(): Promise<void> {
    if (this.stopped) return;
    try {
      const current = await this.ns.getAll().prefix(PROXIES_PREFIX).exec();
      this.others.clear();
      for (const kv of current.kvs) this.put(kv.key.toString(), kv.value);
      const watcher = await this.ns.watch().prefix(PROXIES_PREFIX).startRevision(String(BigInt(current.header.revision) + 1n)).create();
      watcher.on('put', (kv) => this.put(kv.key.toString(), kv.value));
      watcher.on('delete', (kv) => this.others.delete(kv.key.toString().slice(PROXIES_PREFIX.length)));
      watcher.on('error', () => undefined);
      if (this.stopped) await watcher.cancel();
      else this.cleanups.push(() => watcher.cancel());
    } catch {
      if (!this.stopped) setTimeout(() => void this.follow(), RETRY_MS).unref();
    }
  }

  private put(key: string, value: Buffer): void {
    const id = key.slice(PROXIES_PREFIX.length);
    if (id === this.membership.replicaId) return; // this replica's own proxies are read from memory
    try {
      const summary = JSON.parse(gunzipSync(value).toString('utf8')) as ReplicaProxies;
      if (summary && typeof summary.environments === 'object') this.others.set(id, summary);
    } catch {
      // Not ours (written by hand, or damaged): the replica's next write replaces it.
      this.others.delete(id);
    }
  }
}

function hasPending(summary: ReplicaProxies): boolean {
  return Object.values(summary.environments).some(({ proxies }) => proxies.some((proxy) => Object.values(proxy.types).some((t) => t.state === 'pending')));
}

/** A replica's proxies by environment, with the revision it serves for each. */
export function summarize(replica: string, local: LocalProxies): ReplicaProxies {
  const environments: ReplicaProxies['environments'] = {};
  for (const proxy of local.proxies()) {
    const environment = local.environmentOf({ kind: proxy.kind, meshName: proxy.meshName, name: proxy.name });
    if (environment === undefined) continue;
    environments[environment] ??= { revision: local.servedRevision(environment) ?? null, proxies: [] };
    environments[environment].proxies.push(compact(proxy));
  }
  return { replica, environments };
}

function compact(proxy: ProxyStatus): ProxySummary {
  const types: Record<string, ProxyTypeSummary> = {};
  for (const [name, t] of Object.entries(proxy.types)) {
    types[name] = {
      state: t.state,
      ...(t.sent ? { sent: { version: t.sent.version, at: t.sent.at } } : {}),
      ...(t.acked ? { acked: { version: t.acked.version } } : {}),
      ...(t.lastNack ? { lastNack: { version: t.lastNack.version, error: t.lastNack.error } } : {}),
      ...(t.missing ? { missing: t.missing } : {}),
    };
  }
  return { identity: proxy.identity, kind: proxy.kind, meshName: proxy.meshName, name: proxy.name, connectedSince: proxy.connectedSince, types };
}

/** A proxy of a replica still on another revision: what it runs is not what the leader applied. */
function notSentYet(proxy: ProxySummary): ProxySummary {
  const types = Object.fromEntries(Object.entries(proxy.types).map(([name, t]) => [name, t.state === 'synced' ? { ...t, state: 'pending' as const } : t]));
  return { ...proxy, types };
}
