// The Terraform built-in functions that App Mesh configurations use to build names, tags and
// lists, evaluated purely (no file, network or time functions) with Terraform's conversions:
// numbers and booleans become strings where a string is needed and numeric strings numbers.
import { EvaluationError } from './terraform-errors';

type Fn = (args: unknown[]) => unknown;

/** Longest list a function may build (range, flatten…): far beyond any mesh. */
const MAX_LIST = 10_000;

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && (value as { lazy?: boolean }).lazy !== true;
}

export function asString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) throw new EvaluationError('a null value cannot be used as a string.');
  throw new EvaluationError(`${Array.isArray(value) ? 'a list' : 'an object'} cannot be used as a string.`);
}

export function asNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value.trim())) return Number(value);
  throw new EvaluationError(`${JSON.stringify(value) ?? 'null'} is not a number.`);
}

export function asBool(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new EvaluationError(`${JSON.stringify(value) ?? 'null'} is not a bool.`);
}

function asList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  throw new EvaluationError(`${JSON.stringify(value) ?? 'null'} is not a list.`);
}

function asMap(value: unknown): Record<string, unknown> {
  if (isObject(value)) return value;
  throw new EvaluationError(`${JSON.stringify(value) ?? 'null'} is not a map or object.`);
}

function bounded<T>(list: T[]): T[] {
  if (list.length > MAX_LIST) throw new EvaluationError(`the result has more than ${MAX_LIST} elements.`);
  return list;
}

/** Key/value pairs of a list (index keys) or a map (keys in lexical order, as Terraform iterates). */
export function entriesOf(value: unknown): Array<[string | number, unknown]> {
  if (Array.isArray(value)) return value.map((item, i) => [i, item]);
  if (isObject(value)) return Object.keys(value).sort().map((key) => [key, value[key]]);
  throw new EvaluationError(`${JSON.stringify(value) ?? 'null'} cannot be iterated; a list, set or map is needed.`);
}

export function sameValue(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** JSON with object keys sorted: equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

function unique(list: unknown[]): unknown[] {
  const seen = new Set<string>();
  return list.filter((item) => !seen.has(canonicalJson(item)) && !!seen.add(canonicalJson(item)));
}

/** Go-style verbs of Terraform's format(): %s %d %f %v %q %t %%, with width/precision. */
function format(spec: string, args: unknown[]): string {
  let next = 0;
  return spec.replace(/%([-+ 0#]*)(\d*)(?:\.(\d+))?([a-zA-Z%])/g, (_match, flags: string, width: string, precision: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    if (next >= args.length) throw new EvaluationError(`too few arguments for "${spec}".`);
    const arg = args[next++];
    let text: string;
    switch (verb) {
      case 's':
      case 'v':
        text = typeof arg === 'object' && arg !== null ? JSON.stringify(arg) : asString(arg);
        break;
      case 'q':
        text = JSON.stringify(asString(arg));
        break;
      case 'd':
        text = String(Math.trunc(asNumber(arg)));
        break;
      case 'f':
        text = asNumber(arg).toFixed(precision === undefined ? 6 : Number(precision));
        break;
      case 't':
        text = String(asBool(arg));
        break;
      default:
        throw new EvaluationError(`the verb %${verb} is not evaluated by the importer.`);
    }
    const size = Number(width || 0);
    if (text.length >= size) return text;
    if (flags.includes('-')) return text.padEnd(size);
    return text.padStart(size, flags.includes('0') && verb !== 's' ? '0' : ' ');
  });
}

function arity(name: string, args: unknown[], min: number, max = min): void {
  if (args.length < min || args.length > max) throw new EvaluationError(`${name}() takes ${min === max ? min : `${min} to ${max}`} arguments, not ${args.length}.`);
}

export const TERRAFORM_FUNCTIONS: Record<string, Fn> = {
  format: ([spec, ...rest]) => format(asString(spec), rest),
  formatlist: ([spec, ...rest]) => {
    const length = Math.max(0, ...rest.filter(Array.isArray).map((l) => l.length));
    return bounded(Array.from({ length }, (_, i) => format(asString(spec), rest.map((arg) => (Array.isArray(arg) ? arg[i] : arg)))));
  },
  lower: (args) => (arity('lower', args, 1), asString(args[0]).toLowerCase()),
  upper: (args) => (arity('upper', args, 1), asString(args[0]).toUpperCase()),
  title: (args) => (arity('title', args, 1), asString(args[0]).replace(/\b\w/g, (c) => c.toUpperCase())),
  trimspace: (args) => (arity('trimspace', args, 1), asString(args[0]).trim()),
  trimprefix: (args) => {
    arity('trimprefix', args, 2);
    const [s, prefix] = args.map(asString);
    return s.startsWith(prefix) ? s.slice(prefix.length) : s;
  },
  trimsuffix: (args) => {
    arity('trimsuffix', args, 2);
    const [s, suffix] = args.map(asString);
    return suffix && s.endsWith(suffix) ? s.slice(0, -suffix.length) : s;
  },
  trim: (args) => {
    arity('trim', args, 2);
    const [s, chars] = args.map(asString);
    let start = 0;
    let end = s.length;
    while (start < end && chars.includes(s[start])) start++;
    while (end > start && chars.includes(s[end - 1])) end--;
    return s.slice(start, end);
  },
  replace: (args) => {
    arity('replace', args, 3);
    const [s, search, replacement] = args.map(asString);
    if (search.length > 1 && search.startsWith('/') && search.endsWith('/')) throw new EvaluationError('regular-expression replace() is not evaluated by the importer.');
    return s.split(search).join(replacement);
  },
  substr: (args) => {
    arity('substr', args, 3);
    const s = [...asString(args[0])];
    const offset = asNumber(args[1]);
    const length = asNumber(args[2]);
    const start = offset < 0 ? s.length + offset : offset;
    return s.slice(start, length < 0 ? undefined : start + length).join('');
  },
  split: (args) => (arity('split', args, 2), bounded(asString(args[1]).split(asString(args[0])))),
  join: (args) => {
    if (args.length < 2) throw new EvaluationError('join() takes a separator and at least one list.');
    return args.slice(1).flatMap(asList).map(asString).join(asString(args[0]));
  },
  startswith: (args) => (arity('startswith', args, 2), asString(args[0]).startsWith(asString(args[1]))),
  endswith: (args) => (arity('endswith', args, 2), asString(args[0]).endsWith(asString(args[1]))),
  strcontains: (args) => (arity('strcontains', args, 2), asString(args[0]).includes(asString(args[1]))),
  tostring: (args) => (arity('tostring', args, 1), args[0] === null ? null : asString(args[0])),
  tonumber: (args) => (arity('tonumber', args, 1), args[0] === null ? null : asNumber(args[0])),
  tobool: (args) => (arity('tobool', args, 1), args[0] === null ? null : asBool(args[0])),
  tolist: (args) => (arity('tolist', args, 1), asList(args[0])),
  toset: (args) => (arity('toset', args, 1), unique(asList(args[0])).sort((a, b) => (canonicalJson(a) < canonicalJson(b) ? -1 : 1))),
  tomap: (args) => (arity('tomap', args, 1), asMap(args[0])),
  length: (args) => {
    arity('length', args, 1);
    const value = args[0];
    if (typeof value === 'string') return [...value].length;
    if (Array.isArray(value)) return value.length;
    return Object.keys(asMap(value)).length;
  },
  concat: (args) => bounded(args.flatMap(asList)),
  flatten: (args) => {
    arity('flatten', args, 1);
    const flat = (list: unknown[]): unknown[] => list.flatMap((item) => (Array.isArray(item) ? flat(item) : [item]));
    return bounded(flat(asList(args[0])));
  },
  distinct: (args) => (arity('distinct', args, 1), unique(asList(args[0]))),
  compact: (args) => (arity('compact', args, 1), asList(args[0]).filter((item) => item !== null && item !== '')),
  reverse: (args) => (arity('reverse', args, 1), [...asList(args[0])].reverse()),
  sort: (args) => (arity('sort', args, 1), asList(args[0]).map(asString).sort()),
  element: (args) => {
    arity('element', args, 2);
    const list = asList(args[0]);
    if (list.length === 0) throw new EvaluationError('element() of an empty list.');
    return list[((asNumber(args[1]) % list.length) + list.length) % list.length];
  },
  index: (args) => {
    arity('index', args, 2);
    const found = asList(args[0]).findIndex((item) => sameValue(item, args[1]));
    if (found < 0) throw new EvaluationError(`${JSON.stringify(args[1])} is not in the list.`);
    return found;
  },
  contains: (args) => (arity('contains', args, 2), asList(args[0]).some((item) => sameValue(item, args[1]))),
  one: (args) => {
    arity('one', args, 1);
    const list = asList(args[0]);
    if (list.length > 1) throw new EvaluationError(`one() of a list with ${list.length} elements.`);
    return list.length === 0 ? null : list[0];
  },
  slice: (args) => (arity('slice', args, 3), asList(args[0]).slice(asNumber(args[1]), asNumber(args[2]))),
  range: (args) => {
    arity('range', args, 1, 3);
    const [start, end, step] = args.length === 1 ? [0, asNumber(args[0]), 1] : [asNumber(args[0]), asNumber(args[1]), args.length === 3 ? asNumber(args[2]) : 1];
    if (step === 0) throw new EvaluationError('range() with a step of 0.');
    const out: number[] = [];
    for (let i = start; step > 0 ? i < end : i > end; i += step) bounded(out).push(i);
    return out;
  },
  keys: (args) => (arity('keys', args, 1), Object.keys(asMap(args[0])).sort()),
  values: (args) => {
    arity('values', args, 1);
    const map = asMap(args[0]);
    return Object.keys(map).sort().map((key) => map[key]);
  },
  lookup: (args) => {
    arity('lookup', args, 2, 3);
    const map = asMap(args[0]);
    const key = asString(args[1]);
    if (key in map) return map[key];
    if (args.length === 3) return args[2];
    throw new EvaluationError(`the map has no key "${key}" and no default was given.`);
  },
  merge: (args) => Object.assign({}, ...args.filter((arg) => arg !== null).map(asMap)),
  zipmap: (args) => {
    arity('zipmap', args, 2);
    const keys = asList(args[0]).map(asString);
    const values = asList(args[1]);
    if (keys.length !== values.length) throw new EvaluationError('zipmap() needs lists of the same length.');
    return Object.fromEntries(keys.map((key, i) => [key, values[i]]));
  },
  coalesce: (args) => {
    const found = args.find((arg) => arg !== null && arg !== '');
    if (found === undefined) throw new EvaluationError('no non-null, non-empty argument.');
    return found;
  },
  coalescelist: (args) => {
    const found = args.map(asList).find((list) => list.length > 0);
    if (found === undefined) throw new EvaluationError('no non-empty list argument.');
    return found;
  },
  min: (args) => Math.min(...args.map(asNumber)),
  max: (args) => Math.max(...args.map(asNumber)),
  abs: (args) => (arity('abs', args, 1), Math.abs(asNumber(args[0]))),
  ceil: (args) => (arity('ceil', args, 1), Math.ceil(asNumber(args[0]))),
  floor: (args) => (arity('floor', args, 1), Math.floor(asNumber(args[0]))),
  jsonencode: (args) => (arity('jsonencode', args, 1), JSON.stringify(args[0])),
};
