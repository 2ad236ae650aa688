// Built pieces shared between proxies (a backend's cluster, a service's routes, a set of backends'
// egress), kept with the keys they read so a change drops exactly the pieces that depend on it.
// Whoever uses a piece (a proxy, or a piece built around it) records one read, the piece's own key
// (`fragment:<key>`), not everything the piece read: dropping a piece marks that key changed, which
// drops the pieces built around it and re-translates the proxies that used it. A proxy then carries
// a handful of reads instead of every model key its backends lead to.
import { MeshView } from './mesh-view';

interface Entry {
  value: unknown;
  /** The read that stands for this piece (`fragment:<key>`), one string shared by every user. */
  read: string;
}

export class FragmentCache {
  private readonly entries = new Map<string, Entry>();
  private readonly dependents = new Map<string, Set<string>>();

  /** The cached piece for `key`, or builds it; the caller reads the piece either way. */
  get<T>(view: MeshView, key: string, build: () => T): T {
    let entry = this.entries.get(key);
    if (!entry) {
      const { value, reads } = view.collect(build, { own: true });
      entry = { value, read: `fragment:${key}` };
      this.entries.set(key, entry);
      for (const read of reads) {
        let keys = this.dependents.get(read);
        if (!keys) this.dependents.set(read, (keys = new Set()));
        keys.add(key);
      }
    }
    view.addRead(entry.read);
    return entry.value as T;
  }

  /** Drops every piece that read one of `changed`, and adds the dropped pieces' reads to it. */
  invalidate(changed: Set<string>): void {
    const queue = [...changed];
    for (let i = 0; i < queue.length; i++) {
      const keys = this.dependents.get(queue[i]);
      if (!keys) continue;
      this.dependents.delete(queue[i]);
      for (const key of keys) {
        const entry = this.entries.get(key);
        if (!entry) continue;
        this.entries.delete(key);
        changed.add(entry.read);
        queue.push(entry.read);
      }
    }
  }

  clear(): void {
    this.entries.clear();
    this.dependents.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
