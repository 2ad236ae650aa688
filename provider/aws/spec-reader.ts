// Reads an App Mesh document while remembering which members were mapped, so that a member the
// Terraform schema cannot express is reported instead of silently dropped (see unmapped()).
import { joinPointer } from '../model/diagnostic';

type Json = Record<string, unknown>;

/** What was consumed while mapping one document: whole subtrees and visited containers. */
class Consumption {
  readonly whole = new Set<string>();
  readonly visited = new Set<string>();
}

export class SpecReader {
  private constructor(
    private readonly value: Json,
    /** JSON pointer of this object inside the document (e.g. `/spec/listeners/0`). */
    readonly pointer: string,
    private readonly consumption: Consumption,
  ) {
    consumption.visited.add(pointer);
  }

  /** A reader over a whole document; pointers are relative to the document root. */
  static of(doc: Json): SpecReader {
    return new SpecReader(doc, '', new Consumption());
  }

  has(key: string): boolean {
    return this.value[key] !== undefined && this.value[key] !== null;
  }

  /** A scalar member (string, number or boolean), consumed. */
  scalar<T extends string | number | boolean>(key: string): T | undefined {
    if (!this.has(key)) return undefined;
    this.consumption.whole.add(joinPointer(this.pointer, key));
    return this.value[key] as T;
  }

  str(key: string): string | undefined {
    return this.scalar<string>(key);
  }

  num(key: string): number | undefined {
    return this.scalar<number>(key);
  }

  bool(key: string): boolean | undefined {
    return this.scalar<boolean>(key);
  }

  /** A list of scalars, consumed whole. */
  scalars<T extends string | number>(key: string): T[] | undefined {
    if (!this.has(key)) return undefined;
    this.consumption.whole.add(joinPointer(this.pointer, key));
    return [...(this.value[key] as T[])];
  }

  /** Maps a nested object with `map`; undefined when absent. */
  object<T>(key: string, map: (reader: SpecReader) => T): T | undefined {
    if (!this.has(key)) return undefined;
    return map(new SpecReader(this.value[key] as Json, joinPointer(this.pointer, key), this.consumption));
  }

  /** Maps each object of a list with `map`; undefined when absent. */
  list<T>(key: string, map: (reader: SpecReader) => T): T[] | undefined {
    if (!this.has(key)) return undefined;
    const pointer = joinPointer(this.pointer, key);
    this.consumption.visited.add(pointer);
    return (this.value[key] as Json[]).map((item, index) => map(new SpecReader(item, joinPointer(pointer, index), this.consumption)));
  }

  /** Marks a member as deliberately handled elsewhere (identity members, `kind`). */
  skip(...keys: string[]): void {
    for (const key of keys) this.consumption.whole.add(joinPointer(this.pointer, key));
  }

  /**
   * Pointers of the topmost members present in the document that no mapping consumed,
   * in document order: the features the target cannot express.
   */
  unmapped(): string[] {
    const out: string[] = [];
    const { whole, visited } = this.consumption;
    const walk = (value: unknown, pointer: string) => {
      if (whole.has(pointer) || value === undefined || value === null) return;
      if (!visited.has(pointer)) {
        out.push(pointer);
        return;
      }
      if (Array.isArray(value)) value.forEach((item, index) => walk(item, joinPointer(pointer, index)));
      else if (typeof value === 'object') for (const [key, item] of Object.entries(value)) walk(item, joinPointer(pointer, key));
      else out.push(pointer);
    };
    walk(this.value, this.pointer);
    return out;
  }
}
