// The App Mesh API shapes, read from the generated schemas/*.schema.json, and a converter that
// walks a value from another dialect along them: it renames members to the API spelling
// (each dialect says how), coerces the strings CloudFormation and Terraform use for numbers
// and booleans, unwraps Terraform's single-block lists, and reports every member the API
// does not have with its source position. Values of the wrong type pass through unchanged so
// that validation reports them on the written document.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KINDS, Kind } from '../model/kinds';
import { schemaFileName, schemasDir } from '../schema/schema-location';
import { joinPointer } from '../model/diagnostic';
import { ImportReport, SourceLocation } from './report';

export interface SchemaNode {
  $ref?: string;
  type?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  enum?: unknown[];
  minLength?: number;
  definitions?: Record<string, SchemaNode>;
}

/** The schema of one kind, with `$ref`s resolved against its own definitions. */
export class KindShape {
  constructor(readonly kind: Kind, private readonly root: SchemaNode) {}

  get document(): SchemaNode {
    return this.root;
  }

  resolve(node: SchemaNode | undefined): SchemaNode | undefined {
    let current = node;
    while (current?.$ref) current = this.root.definitions?.[current.$ref.replace('#/definitions/', '')];
    return current;
  }

  /** The node at a path of member names (array items are entered transparently). */
  at(...members: string[]): SchemaNode | undefined {
    let node = this.resolve(this.root);
    for (const member of members) {
      while (node?.type === 'array') node = this.resolve(node.items);
      node = this.resolve(node?.properties?.[member]);
    }
    return node;
  }
}

let shapes: Map<Kind, KindShape> | undefined;

export function kindShape(kind: Kind): KindShape {
  if (!shapes) {
    const dir = schemasDir();
    shapes = new Map(KINDS.map((k) => [k, new KindShape(k, JSON.parse(fs.readFileSync(path.join(dir, schemaFileName(k)), 'utf8')))]));
  }
  return shapes.get(kind)!;
}

/** A member a dialect converts itself (a Kubernetes reference, a Kubernetes-only field). */
export type SpecialMember = { drop: true } | { key: string; value: unknown };

/** How one input format spells the API. */
export interface Dialect {
  /** The API member among `members` that the source member `key` spells, or undefined. */
  memberName(key: string, members: readonly string[]): string | undefined;
  /** Members converted by the dialect itself; undefined to convert by name. */
  special?(key: string, value: unknown, pointer: string, members: readonly string[]): SpecialMember | undefined;
  /** Numbers and booleans may arrive as strings (CloudFormation, Terraform). */
  coerceScalars?: boolean;
  /** Single objects may arrive as one-element lists, key/value lists as maps, unset values as null or "" (Terraform). */
  blockLists?: boolean;
}

export interface ConvertContext {
  dialect: Dialect;
  report: ImportReport;
  at: SourceLocation;
  shape: KindShape;
}

/** Converts `value` (found at `pointer` in the source) to the API shape `node`; undefined means "absent". */
export function convertValue(value: unknown, node: SchemaNode | undefined, pointer: string, ctx: ConvertContext): unknown {
  const schema = ctx.shape.resolve(node);
  if (value === null) return undefined;
  if (schema === undefined) return value;
  if (schema.type === 'object' && schema.properties) return convertObject(value, schema, pointer, ctx);
  if (schema.type === 'array') return convertArray(value, schema, pointer, ctx);
  return convertScalar(value, schema, ctx);
}

function convertObject(value: unknown, schema: SchemaNode, pointer: string, ctx: ConvertContext): unknown {
  if (Array.isArray(value) && ctx.dialect.blockLists) {
    if (value.length === 0) return undefined;
    if (value.length === 1) return convertObject(value[0], schema, joinPointer(pointer, 0), ctx);
    ctx.report.error('IMPORT-SHAPE', `this block may appear once but appears ${value.length} times; keep one.`, ctx.at, pointer);
    return undefined;
  }
  if (!isRecord(value)) return value;
  const members = Object.keys(schema.properties!);
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    const at = joinPointer(pointer, key);
    const special = ctx.dialect.special?.(key, member, at, members);
    if (special) {
      if (!('drop' in special)) out[special.key] = special.value;
      continue;
    }
    const name = ctx.dialect.memberName(key, members);
    if (name === undefined) {
      ctx.report.error('IMPORT-UNMAPPED', `"${key}" has no equivalent in the App Mesh API here (members: ${members.join(', ')}); it was not imported. Remove it or move it to the member it meant.`, ctx.at, at);
      continue;
    }
    const converted = convertValue(member, schema.properties![name], at, ctx);
    if (converted !== undefined) out[name] = converted;
  }
  return out;
}

function convertArray(value: unknown, schema: SchemaNode, pointer: string, ctx: ConvertContext): unknown {
  if (isRecord(value) && ctx.dialect.blockLists) {
    const item = ctx.shape.resolve(schema.items);
    const keyValueItems = item?.properties && Object.keys(item.properties).join() === 'key,value';
    // Terraform writes key/value lists (tags, Cloud Map attributes) as maps, and a single block as an object.
    if (keyValueItems && !('key' in value)) return Object.entries(value).map(([key, v]) => ({ key, value: v }));
    return [convertValue(value, schema.items, pointer, ctx)];
  }
  if (!Array.isArray(value)) return value;
  if (value.length === 0 && ctx.dialect.blockLists) return undefined;
  return value.map((item, index) => convertValue(item, schema.items, joinPointer(pointer, index), ctx)).filter((v) => v !== undefined);
}

function convertScalar(value: unknown, schema: SchemaNode, ctx: ConvertContext): unknown {
  if (ctx.dialect.blockLists && value === '' && (schema.enum || (schema.minLength ?? 0) > 0)) return undefined;
  // Terraform converts numbers and booleans given for string attributes (tags = { port = 8080 }).
  if (ctx.dialect.blockLists && schema.type === 'string' && (typeof value === 'number' || typeof value === 'boolean')) return String(value);
  if (!ctx.dialect.coerceScalars || typeof value !== 'string') return value;
  if ((schema.type === 'integer' || schema.type === 'number') && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  if (schema.type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
