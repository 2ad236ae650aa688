// A checker for the protoc-gen-validate rules Envoy enforces on load (required fields,
// non-empty names, numeric and duration ranges, list sizes, enums), applied to a decoded
// resource with the rules read from the same protos the encoder uses.
import * as protobuf from 'protobufjs';
import { messageType, typeNameOf } from '../../provider/envoy/proto-codec';

type Json = Record<string, unknown>;

const WRAPPERS = new Set(['google.protobuf.UInt32Value', 'google.protobuf.UInt64Value', 'google.protobuf.DoubleValue', 'google.protobuf.Int64Value', 'google.protobuf.Int32Value']);

function rules(options: Record<string, unknown> | undefined, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options ?? {})) if (key.startsWith(prefix)) out[key.slice(prefix.length)] = value;
  return out;
}

function durationNanos(value: unknown): number {
  const d = (value ?? {}) as { seconds?: number; nanos?: number };
  return (Number(d.seconds ?? 0) * 1e9) + Number(d.nanos ?? 0);
}

function compare(kind: string, actual: number, bound: number): boolean {
  switch (kind) {
    case 'gt': return actual > bound;
    case 'gte': return actual >= bound;
    case 'lt': return actual < bound;
    case 'lte': return actual <= bound;
    default: return true;
  }
}

function checkNumber(r: Record<string, unknown>, actual: number, where: string, errors: string[]): void {
  for (const kind of ['gt', 'gte', 'lt', 'lte']) {
    if (r[kind] !== undefined && !compare(kind, actual, Number(r[kind]))) errors.push(`${where}: ${actual} violates ${kind} ${r[kind]}`);
  }
}

function checkString(r: Record<string, unknown>, value: string, where: string, errors: string[]): void {
  if (r.ignore_empty && value === '') return;
  if (r.min_len !== undefined && value.length < Number(r.min_len)) errors.push(`${where}: shorter than ${r.min_len}`);
  if (r.max_bytes !== undefined && Buffer.byteLength(value) > Number(r.max_bytes)) errors.push(`${where}: longer than ${r.max_bytes} bytes`);
  if (r.in !== undefined && ![r.in].flat().includes(value)) errors.push(`${where}: not one of ${r.in}`);
  // PGV: `strict: false` relaxes the header regexes to "no NUL, CR or LF".
  const loose = r.strict === false;
  if (r.well_known_regex === 'HTTP_HEADER_NAME' && !(loose ? /^[^\0\n\r]*$/ : /^:?[0-9a-zA-Z!#$%&'*+\-.^_|~`]+$/).test(value)) errors.push(`${where}: not a header name`);
  if (r.well_known_regex === 'HTTP_HEADER_VALUE' && !/^[^\0\n\r]*$/.test(value)) errors.push(`${where}: not a header value`);
}

function checkField(field: protobuf.Field, value: unknown, where: string, errors: string[]): void {
  const options = field.options as Record<string, unknown> | undefined;
  const present = value !== undefined && value !== null;
  if (field.partOf && !present) return; // Unset members of a oneof are not validated.
  if ((options?.['(validate.rules).message.required'] || options?.['(validate.rules).any.required'] || options?.['(validate.rules).duration.required']) && !present) {
    errors.push(`${where}: required`);
  }
  if (field.repeated) {
    const list = (value as unknown[] | undefined) ?? [];
    const r = rules(options, '(validate.rules).repeated.');
    if (r.min_items !== undefined && list.length < Number(r.min_items)) errors.push(`${where}: fewer than ${r.min_items} items`);
    if (r.max_items !== undefined && list.length > Number(r.max_items)) errors.push(`${where}: more than ${r.max_items} items`);
    if (r.unique && new Set(list.map((v) => JSON.stringify(v))).size !== list.length) errors.push(`${where}: items not unique`);
    const itemString = rules(options, '(validate.rules).repeated.items.string.');
    const itemNumber = rules(options, '(validate.rules).repeated.items.uint32.');
    list.forEach((item, i) => {
      if (typeof item === 'string') checkString(itemString, item, `${where}[${i}]`, errors);
      if (typeof item === 'number') checkNumber(itemNumber, item, `${where}[${i}]`, errors);
      checkValue(field, item, `${where}[${i}]`, errors);
    });
    return;
  }
  if (field.map) {
    const entries = Object.entries((value as Json | undefined) ?? {});
    const minPairs = options?.['(validate.rules).map.min_pairs'];
    if (minPairs !== undefined && entries.length < Number(minPairs)) errors.push(`${where}: fewer than ${minPairs} entries`);
    for (const [key, item] of entries) checkValue(field, item, `${where}[${key}]`, errors);
    return;
  }
  const type = field.resolvedType;
  if (type instanceof protobuf.Enum) {
    if (present && options?.['(validate.rules).enum.defined_only'] && !(String(value) in type.values)) errors.push(`${where}: undefined enum ${value}`);
    return;
  }
  if (type instanceof protobuf.Type && type.fullName.slice(1) === 'google.protobuf.Duration') {
    if (!present) return;
    for (const kind of ['gt', 'gte', 'lt', 'lte']) {
      const bound = rules(options, `(validate.rules).duration.${kind}.`);
      if (Object.keys(bound).length && !compare(kind, durationNanos(value), durationNanos(bound))) errors.push(`${where}: duration violates ${kind}`);
    }
    return;
  }
  if (type instanceof protobuf.Type && WRAPPERS.has(type.fullName.slice(1))) {
    if (!present) return;
    const kind = ['uint32', 'uint64', 'double', 'int64', 'int32'].find((k) => Object.keys(rules(options, `(validate.rules).${k}.`)).length);
    if (kind) checkNumber(rules(options, `(validate.rules).${kind}.`), Number((value as Json).value ?? 0), where, errors);
    return;
  }
  if (!type) {
    if (typeof value === 'number' || (!present && field.type.match(/int|double|float/))) {
      const kind = ['uint32', 'uint64', 'double'].find((k) => Object.keys(rules(options, `(validate.rules).${k}.`)).length);
      if (kind) checkNumber(rules(options, `(validate.rules).${kind}.`), Number(value ?? 0), where, errors);
    }
    if (field.type === 'string') checkString(rules(options, '(validate.rules).string.'), String(value ?? ''), where, errors);
    return;
  }
  if (present) checkValue(field, value, where, errors);
}

function checkValue(field: protobuf.Field, value: unknown, where: string, errors: string[]): void {
  const type = field.resolvedType;
  if (!(type instanceof protobuf.Type) || typeof value !== 'object' || value === null) return;
  if (type.fullName === '.google.protobuf.Any') {
    const url = (value as Json)['@type'];
    if (typeof url !== 'string') errors.push(`${where}: Any without @type`);
    else checkMessage(messageType(typeNameOf(url)), value as Json, where, errors);
    return;
  }
  checkMessage(type, value as Json, where, errors);
}

/** Violations of the PGV rules in a decoded message (readable form), with JSON-ish paths. */
export function checkMessage(type: protobuf.Type, value: Json, where: string, errors: string[] = []): string[] {
  for (const oneof of type.oneofsArray) {
    if ((oneof.options as Record<string, unknown> | undefined)?.['(validate.required)'] && !oneof.oneof.some((name) => value[name] !== undefined)) {
      errors.push(`${where}: one of ${oneof.oneof.join('|')} is required`);
    }
  }
  for (const field of type.fieldsArray) checkField(field, value[field.name], `${where}.${field.name}`, errors);
  return errors;
}
