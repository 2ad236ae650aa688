// Strings that thousands of documents repeat (mesh names, protocols, units, retry events, the JSON
// pointers positions are kept under) held once: a parse makes a new string for every occurrence,
// and a 10,000-resource environment would keep hundreds of thousands of copies alive.
const table = new Map<string, string>();
/** Bounds the table; when full it starts over (interning is an optimisation, never needed for correctness). */
const MAX_ENTRIES = 200_000;
/** Longer strings are rarely repeated and not worth a table entry. */
const MAX_LENGTH = 128;

export function intern(text: string): string {
  if (text.length > MAX_LENGTH) return text;
  const kept = table.get(text);
  if (kept !== undefined) return kept;
  if (table.size >= MAX_ENTRIES) table.clear();
  table.set(text, text);
  return text;
}

/** Nesting the parser admits is far less (MAX_DEPTH); this only guards against walking in circles. */
const MAX_WALK_DEPTH = 128;

/** Interns every string of a freshly parsed value in place (its keys are interned by the engine already). */
export function internValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return intern(value);
  if (depth > MAX_WALK_DEPTH) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = internValue(value[i], depth + 1);
  } else if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = internValue(record[key], depth + 1);
  }
  return value;
}
