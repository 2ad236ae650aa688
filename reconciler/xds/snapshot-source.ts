// What the xDS server needs from the rest of the system: which proxies exist, what each one is
// served, and which proxies changed. The translator + registry adapter and tests implement it.
import { Flavour, ProxyIdentity, ProxySnapshot, proxyKey } from '../../provider/envoy/snapshot';

export interface SnapshotSource {
  /** Whether the applied configuration has this virtual node or gateway. */
  knows(proxy: ProxyIdentity): boolean;
  /** The resources for this proxy and client flavour; undefined when there are none yet. */
  snapshot(proxy: ProxyIdentity, flavour: Flavour): ProxySnapshot | undefined;
  /** Called with the proxyKeys whose snapshot (or existence) changed; returns an unsubscribe function. */
  subscribe(listener: (changed: ReadonlySet<string>) => void): () => void;
}

/** A SnapshotSource held in memory and set by its owner (a reconcile step, or a test). */
export class MemorySnapshotSource implements SnapshotSource {
  private readonly known = new Set<string>();
  private readonly snapshots = new Map<string, ProxySnapshot>();
  private readonly listeners = new Set<(changed: ReadonlySet<string>) => void>();

  knows(proxy: ProxyIdentity): boolean {
    return this.known.has(proxyKey(proxy));
  }

  snapshot(proxy: ProxyIdentity, flavour: Flavour): ProxySnapshot | undefined {
    return this.snapshots.get(`${proxyKey(proxy)}#${flavour}`);
  }

  subscribe(listener: (changed: ReadonlySet<string>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Replaces the snapshots of the given proxies (all flavours given) and tells subscribers. */
  update(changes: { proxy: ProxyIdentity; snapshots: ProxySnapshot[] }[]): void {
    const changed = new Set<string>();
    for (const { proxy, snapshots } of changes) {
      const key = proxyKey(proxy);
      this.known.add(key);
      for (const flavour of ['envoy', 'grpc'] as const) this.snapshots.delete(`${key}#${flavour}`);
      for (const snapshot of snapshots) this.snapshots.set(`${key}#${snapshot.flavour}`, snapshot);
      changed.add(key);
    }
    this.notify(changed);
  }

  /** Forgets proxies (their virtual node or gateway was deleted). */
  remove(proxies: ProxyIdentity[]): void {
    const changed = new Set<string>();
    for (const proxy of proxies) {
      const key = proxyKey(proxy);
      this.known.delete(key);
      this.snapshots.delete(`${key}#envoy`);
      this.snapshots.delete(`${key}#grpc`);
      changed.add(key);
    }
    this.notify(changed);
  }

  private notify(changed: ReadonlySet<string>): void {
    if (changed.size === 0) return;
    for (const listener of this.listeners) listener(changed);
  }
}
