// Text from a commit or a proxy (file names, resource names, NACK texts) made safe to show: every
// control character is written as an escape, so none can move a terminal's cursor, recolour or
// clear it, forge a line of output or a log entry, or reorder what a reader sees (bidi controls).
// The one escape every output surface uses: terminal, logs, commit statuses, dashboard, SVG.

// C0 controls and DEL, C1 controls, line/paragraph separators, bidi embeddings, overrides and isolates.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeOne(character: string): string {
  const code = character.charCodeAt(0);
  return NAMED[character] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}

/** `text` with each control character written as `\n`, `\r`, `\t`, `\xNN` or `\uNNNN`. */
export function printable(text: string): string {
  return text.replace(CONTROL, escapeOne);
}

/** A JSON-like value with printable() applied to every string in it (keys included). */
export function printableValue<T>(value: T): T {
  if (typeof value === 'string') return printable(value) as T;
  if (Array.isArray(value)) return value.map(printableValue) as T;
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [printable(key), printableValue(item)])) as T;
  }
  return value;
}
