// What a proxy holds of one resource type: a map of the snapshot (shared by every proxy served the
// same content) and the names where this proxy differs from it. A proxy in sync with its snapshot
// costs one small object per type instead of its own name → hash map.

/** A resource as the proxy holds it. */
export interface HeldResource {
  name: string;
  hash: string;
}

const NONE: ReadonlyMap<string, HeldResource> = new Map();

export class HeldSet {
  private constructor(
    private base: ReadonlyMap<string, HeldResource>,
    /** name → the hash held instead of the base's (undefined: not held); absent when there is no difference. */
    private except: Map<string, string | undefined> | undefined,
  ) {}

  /** Exactly the resources of `base` (kept by reference; never modified). */
  static of(base: ReadonlyMap<string, HeldResource>): HeldSet {
    return new HeldSet(base, undefined);
  }

  /** Names and hashes the proxy says it holds (a reconnecting delta client's initial versions). */
  static fromHashes(hashes: Iterable<[string, string]>): HeldSet {
    const except = new Map<string, string | undefined>(hashes);
    return new HeldSet(NONE, except.size > 0 ? except : undefined);
  }

  hash(name: string): string | undefined {
    return this.except?.has(name) ? this.except.get(name) : this.base.get(name)?.hash;
  }

  has(name: string): boolean {
    return this.hash(name) !== undefined;
  }

  set(name: string, hash: string): void {
    if (this.base.get(name)?.hash === hash) this.forget(name);
    else (this.except ??= new Map()).set(name, hash);
  }

  delete(name: string): void {
    if (this.base.has(name)) (this.except ??= new Map()).set(name, undefined);
    else this.forget(name);
  }

  *names(): IterableIterator<string> {
    for (const name of this.base.keys()) if (this.has(name)) yield name;
    if (this.except) for (const [name, hash] of this.except) if (hash !== undefined && !this.base.has(name)) yield name;
  }

  /** The same content, expressed against `base`: no exceptions remain when it is exactly what `base` holds. */
  rebase(base: ReadonlyMap<string, HeldResource>): void {
    if (base === this.base) return;
    let except: Map<string, string | undefined> | undefined;
    for (const name of this.names()) {
      const hash = this.hash(name);
      if (base.get(name)?.hash !== hash) (except ??= new Map()).set(name, hash);
    }
    for (const name of base.keys()) if (!this.has(name)) (except ??= new Map()).set(name, undefined);
    this.base = base;
    this.except = except;
  }

  /** A copy that later changes to this one do not affect (the base is shared). */
  copy(): HeldSet {
    return new HeldSet(this.base, this.except && new Map(this.except));
  }

  private forget(name: string): void {
    this.except?.delete(name);
    if (this.except?.size === 0) this.except = undefined;
  }
}
