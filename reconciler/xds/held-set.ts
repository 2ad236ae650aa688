// What a proxy holds of one resource type: a map of the snapshot (shared by every proxy served the
// same content) and the names where this proxy differs from it. A proxy in sync with its snapshot
// costs one small object per type (the stream's view) instead of its own name → hash map, and none
// for what it ACKed (fixed() gives the snapshot's map itself).

/** A resource as the proxy holds it. */
export interface HeldResource {
  name: string;
  hash: string;
}

const NONE: ReadonlyMap<string, HeldResource> = new Map();

/** What a proxy holds of a type: a map it holds exactly (usually a snapshot's own), or a HeldSet. */
export type Held = ReadonlyMap<string, HeldResource> | HeldSet;

export function heldHash(held: Held | undefined, name: string): string | undefined {
  return held instanceof HeldSet ? held.hash(name) : held?.get(name)?.hash;
}

export function heldNames(held: Held): IterableIterator<string> {
  return held instanceof HeldSet ? held.names() : held.keys();
}

export class HeldSet {
  private constructor(
    private base: ReadonlyMap<string, HeldResource>,
    /** name → the hash held instead of the base's (undefined: not held); absent when there is no difference. */
    private except: Map<string, string | undefined> | undefined,
  ) {}

  /** Exactly the resources of `base` (kept by reference; never modified), to change from there. */
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

  /** Itself, or its base map when it holds exactly that (no object per proxy in sync). */
  settled(): Held {
    return this.except ? this : this.base;
  }

  /**
   * What it holds now, unaffected by later changes to this one: the base map itself when there is
   * no difference (no object per proxy), else a copy sharing the base.
   */
  fixed(): Held {
    return this.except ? new HeldSet(this.base, new Map(this.except)) : this.base;
  }

  private forget(name: string): void {
    this.except?.delete(name);
    if (this.except?.size === 0) this.except = undefined;
  }
}
