// Built pieces shared between proxies (a backend's cluster, a service's routes), kept with the
// model keys they read so a change drops exactly the pieces that depend on it.
import { MeshView } from './mesh-view';

interface Entry {
  value: unknown;
  reads: ReadonlySet<string>;
}

export class FragmentCache {
  private readonly entries = new Map<string, Entry>();
  private readonly dependents = new Map<string, Set<string>>();

  /** The cached piece for `key`, or builds it; its reads count as reads of the caller either way. */
  get<T>(view: MeshView, key: string, build: () => T): T {
    const hit = this.entries.get(key);
    if (hit) {
      view.addReads(hit.reads);
      return hit.value as T;
    }
    const { value, reads } = view.collect(build);
    this.entries.set(key, { value, reads });
    for (const read of reads) {
      let keys = this.dependents.get(read);
      if (!keys) this.dependents.set(read, (keys = new Set()));
      keys.add(key);
    }
    return value;
  }

  /** Drops every piece that read one of `changed`. */
  invalidate(changed: Iterable<string>): void {
    for (const read of changed) {
      const keys = this.dependents.get(read);
      if (!keys) continue;
      this.dependents.delete(read);
      for (const key of keys) this.entries.delete(key);
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
