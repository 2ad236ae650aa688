// Layer 1 of validation: checks a document against the JSON Schema of its kind (generated
// from the App Mesh API model) and turns ajv's errors into positioned, actionable diagnostics.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { Diagnostic, joinPointer, splitPointer } from '../model/diagnostic';
import { KINDS, Kind } from '../model/kinds';
import { Resource } from '../model/resource';
import { schemaFileName, schemasDir } from '../schema/schema-location';
import { didYouMean } from './did-you-mean';
import { schemaRuleCode } from './schema-rule-codes';

type SchemaError = ErrorObject<string, Record<string, any>, unknown>;
type ObjectSchema = { properties?: Record<string, unknown>; minProperties?: number; maxProperties?: number };

interface KindSchema {
  schema: JsonSchemaNode;
  validate: ValidateFunction;
}

interface JsonSchemaNode {
  $ref?: string;
  title?: string;
  type?: string;
  items?: JsonSchemaNode;
  properties?: Record<string, JsonSchemaNode>;
  definitions?: Record<string, JsonSchemaNode>;
}

let kindSchemas: Map<Kind, KindSchema> | undefined;

/** The seven schemas and validators, compiled once on first use from schemas/*.schema.json. */
function kindSchema(kind: Kind): KindSchema {
  if (!kindSchemas) {
    const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
    const dir = schemasDir();
    kindSchemas = new Map(
      KINDS.map((k) => {
        const schema = JSON.parse(fs.readFileSync(path.join(dir, schemaFileName(k)), 'utf8')) as JsonSchemaNode;
        return [k, { schema, validate: ajv.compile(schema) }];
      }),
    );
  }
  return kindSchemas.get(kind)!;
}

/** Schema diagnostics of one resource; empty when the document has the shape the App Mesh API accepts. */
export function validateSchema(resource: Resource): Diagnostic[] {
  const { schema, validate } = kindSchema(resource.kind);
  if (validate(resource.doc)) return [];
  return collapse(validate.errors as SchemaError[]).map((finding) => toDiagnostic(resource, schema, finding));
}

/** One reportable problem: an ajv error, or several merged into one (missing members of one object). */
interface Finding {
  error: SchemaError;
  /** Where the diagnostic points. */
  pointer: string;
  /** The field the rule is about: the missing member or unknown key, else the value itself. */
  fieldPointer: string;
  missing?: string[];
}

/** Removes ajv's follow-on noise so that each mistake is reported once. */
function collapse(errors: SchemaError[]): Finding[] {
  const typeErrors = errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath);
  const insideWrongType = (e: SchemaError) =>
    typeErrors.some((p) => e.instancePath.startsWith(p + '/') || (e.instancePath === p && e.keyword !== 'type'));

  const findings: Finding[] = [];
  const missingByObject = new Map<string, Finding>();
  const unionReported = new Set<string>();
  for (const error of errors) {
    if (insideWrongType(error)) continue;
    const at = error.instancePath;
    switch (error.keyword) {
      case 'additionalProperties': {
        const key = joinPointer(at, error.params.additionalProperty as string);
        findings.push({ error, pointer: key, fieldPointer: key });
        break;
      }
      case 'required': {
        const member = error.params.missingProperty as string;
        // `hostName` given for a missing `hostname`: the unknown-key diagnostic already says so.
        if (unknownKeys(errors, at).some((key) => didYouMean(key, [member]) === member)) break;
        const grouped = missingByObject.get(at);
        if (grouped) grouped.missing!.push(member);
        else {
          const finding = { error, pointer: at, fieldPointer: joinPointer(at, member), missing: [member] };
          missingByObject.set(at, finding);
          findings.push(finding);
        }
        break;
      }
      case 'minProperties':
      case 'maxProperties': {
        if (unionReported.has(at)) break;
        const members = Object.keys(objectSchema(error).properties ?? {});
        const setMembers = Object.keys((error.data as object) ?? {}).filter((k) => members.includes(k));
        // An unknown key beside a single valid member: the unknown-key diagnostic is the whole story.
        if (error.keyword === 'maxProperties' && setMembers.length <= 1) break;
        unionReported.add(at);
        findings.push({ error, pointer: at, fieldPointer: at });
        break;
      }
      default:
        findings.push({ error, pointer: at, fieldPointer: at });
    }
  }
  return findings;
}

function unknownKeys(errors: SchemaError[], at: string): string[] {
  return errors
    .filter((e) => e.keyword === 'additionalProperties' && e.instancePath === at)
    .map((e) => e.params.additionalProperty as string);
}

function objectSchema(error: SchemaError): ObjectSchema {
  return (error.parentSchema ?? {}) as ObjectSchema;
}

function toDiagnostic(resource: Resource, schema: JsonSchemaNode, finding: Finding): Diagnostic {
  const { line, column } = resource.source.locate(finding.pointer);
  return {
    code: schemaRuleCode(resource.kind, rulePath(finding.fieldPointer), finding.error.keyword),
    severity: 'error',
    message: messageFor(finding, apiLabel(resource.kind, schema, finding.error.instancePath)),
    file: resource.source.file,
    line,
    column,
    pointer: finding.pointer,
  };
}

/** `/spec/listeners/0/port` → `spec.listeners[].port` (the form of the rule-code table). */
function rulePath(pointer: string): string {
  return splitPointer(pointer)
    .map((segment) => (/^\d+$/.test(segment) ? '[]' : '.' + segment))
    .join('')
    .replace(/^\./, '');
}

/** `/spec/listeners/0/port` → `spec.listeners[0].port`, as users write it. */
function fieldName(pointer: string): string {
  if (pointer === '') return 'the document';
  return splitPointer(pointer)
    .map((segment) => (/^\d+$/.test(segment) ? `[${segment}]` : /^[A-Za-z_$][\w$]*$/.test(segment) ? '.' + segment : `[${JSON.stringify(segment)}]`))
    .join('')
    .replace(/^\./, '');
}

/**
 * The API shape (for an object) or shape member (for a value) at `pointer`, e.g. `HttpRetryPolicy`
 * or `PortMapping.port`, found by walking the kind's schema along the document.
 */
function apiLabel(kind: Kind, root: JsonSchemaNode, pointer: string): string {
  const resolve = (node: JsonSchemaNode) => (node.$ref ? root.definitions![node.$ref.replace('#/definitions/', '')] : node);
  let owner = `Create${kind}Input`;
  let member: string | undefined;
  let node = root;
  for (const segment of splitPointer(pointer)) {
    node = resolve(node);
    if (node.type === 'array' && node.items) {
      node = node.items;
      member = member && member + '[]';
    } else if (node.properties?.[segment]) {
      if (node !== root) owner = node.title!;
      member = segment;
      node = node.properties[segment];
    } else break;
  }
  const target = resolve(node);
  if (target.title && target !== root) return target.title;
  return member ? `${owner}.${member}` : owner;
}

function messageFor(finding: Finding, label: string): string {
  const { error } = finding;
  const field = fieldName(error.instancePath);
  const data = error.data;
  const schema = objectSchema(error) as Record<string, any>;
  switch (error.keyword) {
    case 'required': {
      const missing = finding.missing!;
      const plural = missing.length > 1 ? 's' : '';
      return `${field} is missing required member${plural} ${missing.join(', ')} (${label}). Add ${listText(missing)}.`;
    }
    case 'additionalProperties': {
      const key = error.params.additionalProperty as string;
      const allowed = Object.keys(schema.properties ?? {});
      const where = error.instancePath === '' ? 'the document' : field;
      const suggestion = didYouMean(key, allowed);
      const fix = suggestion ? `Did you mean "${suggestion}"?` : 'Remove it.';
      return `unknown key "${key}" in ${where}; allowed keys: ${allowed.join(', ')}. ${fix}`;
    }
    case 'minProperties':
    case 'maxProperties': {
      const members = Object.keys(schema.properties ?? {});
      const set = Object.keys((data as object) ?? {}).filter((k) => members.includes(k));
      const sets = set.length === 0 ? 'none' : set.join(' and ');
      const fix = set.length === 0 ? 'Add one of them.' : 'Keep only one of them.';
      return `${field} must set exactly one of ${members.join(', ')}; it sets ${sets}. ${fix}`;
    }
    case 'enum': {
      const allowed = error.params.allowedValues as unknown[];
      const suggestion = typeof data === 'string' ? didYouMean(data, allowed.map(String)) : undefined;
      const fix = suggestion ? `Did you mean "${suggestion}"?` : 'Use one of those values.';
      return `${field} is ${JSON.stringify(data)}; it must be one of ${allowed.join(', ')} (${label}). ${fix}`;
    }
    case 'const':
      return `${field} is ${JSON.stringify(data)}; it must be ${JSON.stringify(error.params.allowedValue)} (${label}). Use that value or remove it.`;
    case 'type': {
      const expected = withArticle(String(error.params.type));
      return `${field} is ${withArticle(jsonType(data))}; it must be ${expected} (${label}). Write ${expected} there.`;
    }
    case 'minimum':
    case 'maximum': {
      const noun = /port$/i.test(field) ? 'a port' : 'a value';
      const bounds = numericBounds(schema.minimum, schema.maximum);
      return `${field} is ${data}; it must be ${bounds} (${label}). Use ${noun} ${bounds.startsWith('between') ? 'in that range' : bounds.replace(/^at /, 'of at ')}.`;
    }
    case 'minLength':
    case 'maxLength': {
      const length = String(data).length;
      const fix = error.keyword === 'maxLength' ? 'Shorten it.' : length === 0 ? 'Give it a non-empty value.' : 'Lengthen it.';
      const actual = length === 0 ? 'empty' : `${length} characters long`;
      return `${field} is ${actual}; it must be ${rangeText(schema.minLength, schema.maxLength)} characters long (${label}). ${fix}`;
    }
    case 'minItems':
    case 'maxItems': {
      const count = Array.isArray(data) ? data.length : 0;
      const fix = error.keyword === 'maxItems' ? `Remove entries to keep at most ${schema.maxItems}.` : `Add entries to have at least ${schema.minItems}, or leave ${field} out.`;
      return `${field} has ${count} ${count === 1 ? 'entry' : 'entries'}; it must have ${rangeText(schema.minItems, schema.maxItems)} (${label}). ${fix}`;
    }
    case 'pattern':
      return `${field} is ${JSON.stringify(data)}; it must match the pattern ${error.params.pattern} (${label}). Change it to match.`;
    default:
      return `${field} ${error.message ?? 'is invalid'} (${label}).`;
  }
}

/** `a`, `a and b`, `a, b and c`. */
function listText(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function numericBounds(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `between ${min} and ${max}`;
  return min !== undefined ? `at least ${min}` : `at most ${max}`;
}

function rangeText(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && min === max) return `exactly ${min}`;
  if (min !== undefined && max !== undefined) return `${min} to ${max}`;
  return min !== undefined ? `at least ${min}` : `at most ${max}`;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function withArticle(type: string): string {
  if (type === 'null') return 'null';
  return (/^[aeiou]/.test(type) ? 'an ' : 'a ') + type;
}
