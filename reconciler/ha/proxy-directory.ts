// Which proxies are connected, to which replica, and where each stands: what the sync status and
// the drift check count. With the embedded store that is this process's xDS server; with etcd,
// every replica publishes a summary of its own proxies and the leader counts them all.
import { ProxyIdentity } from '../../provider/envoy/snapshot';
import { ProxyStatus, ProxySyncState, VersionMark } from '../xds/proxy-session';
import type { XdsServer } from '../xds/xds-server';

/** Where a proxy stands for one resource type (a compact ProxyStatus type entry). */
export interface ProxyTypeSummary {
  state: 'synced' | 'pending' | 'nacked';
  /** When `at` is old and the type is pending, the proxy is stale (drift). */
  sent?: VersionMark;
  acked?: { version: string };
  lastNack?: { version: string; error: string };
  /** Needed resources of the type not ACKed yet (the first few names; see ProxyStatus). */
  missing?: string[];
}

/** A connected proxy stream as the sync status and drift read it (ProxyStatus fits it). */
export interface ProxySummary {
  identity: string;
  kind: ProxyIdentity['kind'];
  meshName: string;
  name: string;
  connectedSince: string;
  types: Record<string, ProxyTypeSummary>;
}

/** This process's side: its xDS server's proxies, which environment serves each, and at which revision. */
export interface LocalProxies {
  proxies(): ProxyStatus[];
  /** Where each proxy stands overall, without building its status (what ProxyCounts count). */
  syncStates(): { proxy: ProxyIdentity; state: ProxySyncState }[];
  environmentOf(proxy: ProxyIdentity): string | undefined;
  /** The state store's revision this replica serves for an environment. */
  servedRevision(environment: string): number | undefined;
  /** Calls back on ACK, NACK, connect and disconnect (the xDS server's events). */
  onChange(listener: () => void): () => void;
}

export interface ProxyDirectory {
  /** Starts publishing this replica's proxies (etcd) and following the other replicas'. */
  start(local: LocalProxies): void;
  /**
   * Connected proxies of an environment on every live replica. A proxy on a replica that serves
   * another revision than `revision` is pending: it has not been sent that revision yet.
   */
  proxies(environment: string, revision: number | undefined): ProxySummary[];
  /** How many of those proxies are synced, pending or nacked (as syncReport counts them), without building statuses. */
  counts(environment: string, revision: number | undefined): ProxyCounts;
  /** The served revisions changed (a follower serves a new one): publish again. */
  changed(): void;
  stop(): Promise<void>;
}

/** Connected proxies of an environment, by where they stand (GET /api/environments' `proxies`). */
export interface ProxyCounts {
  connected: number;
  synced: number;
  nacked: number;
  pending: number;
}

export function noProxies(): ProxyCounts {
  return { connected: 0, synced: 0, nacked: 0, pending: 0 };
}

export function countState(counts: ProxyCounts, state: ProxySyncState): void {
  counts.connected += 1;
  counts[state] += 1;
}

/** Where a summarized proxy stands overall: nacked if any type is, else pending if any type is. */
export function summaryState(proxy: ProxySummary): ProxySyncState {
  const states = Object.values(proxy.types).map((t) => t.state);
  return states.includes('nacked') ? 'nacked' : states.includes('pending') ? 'pending' : 'synced';
}

/** The counts of an environment's proxies on this process's xDS server. */
export function localCounts(local: LocalProxies, environment: string): ProxyCounts {
  const counts = noProxies();
  for (const { proxy, state } of local.syncStates()) if (local.environmentOf(proxy) === environment) countState(counts, state);
  return counts;
}

/** The proxies of an environment on this process's xDS server. */
export function localProxies(local: LocalProxies, environment: string): ProxyStatus[] {
  return local.proxies().filter((p) => local.environmentOf({ kind: p.kind, meshName: p.meshName, name: p.name }) === environment);
}

/** LocalProxies of an xDS server, told apart by environment by the daemon. */
export function xdsLocalProxies(xds: XdsServer, environmentOf: LocalProxies['environmentOf'], servedRevision: LocalProxies['servedRevision']): LocalProxies {
  const events = ['ack', 'nack', 'stream'] as const;
  return {
    proxies: () => xds.proxies(),
    syncStates: () => xds.syncStates(),
    environmentOf,
    servedRevision,
    onChange(listener) {
      for (const event of events) xds.on(event, listener);
      return () => {
        for (const event of events) xds.off(event, listener);
      };
    },
  };
}

/** The embedded store: one replica, its own xDS server. */
export class LocalProxyDirectory implements ProxyDirectory {
  private local: LocalProxies | undefined;

  start(local: LocalProxies): void {
    this.local = local;
  }

  proxies(environment: string): ProxySummary[] {
    return this.local ? localProxies(this.local, environment) : [];
  }

  counts(environment: string): ProxyCounts {
    return this.local ? localCounts(this.local, environment) : noProxies();
  }

  changed(): void {}

  async stop(): Promise<void> {}
}
