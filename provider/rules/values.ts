// Safe readers for document values. Rules run after the schema layer, but must not crash
// on odd values (e.g. when run on their own), so every read goes through these.

export type Obj = Record<string, unknown>;

export function asObject(value: unknown): Obj | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Walks a path of object members; undefined as soon as one is missing or not an object. */
export function objectAt(value: unknown, ...path: string[]): Obj | undefined {
  let current = asObject(value);
  for (const key of path) current = asObject(current?.[key]);
  return current;
}

/** Members of a union-shaped object that are actually set (present and not null). */
export function presentMembers(value: Obj | undefined, members: readonly string[]): string[] {
  return value ? members.filter((m) => value[m] !== undefined && value[m] !== null) : [];
}
