// Turns ajv's errors into findings reported once each, and findings into messages that say
// what is wrong and how to fix it. Shared by every JSON Schema meshplane checks (resource
// documents, environment.yaml).
import { ErrorObject, ValidateFunction } from 'ajv';
import { Diagnostic, joinPointer, splitPointer } from '../model/diagnostic';
import { Position } from '../model/resource';
import { didYouMean } from './did-you-mean';

export type SchemaError = ErrorObject<string, Record<string, any>, unknown>;
type ObjectSchema = { properties?: Record<string, unknown>; minProperties?: number; maxProperties?: number };

/** Where the checked value was written, and how its findings are coded and explained. */
export interface SchemaDiagnosticOptions {
  file: string;
  locate(pointer: string): Position;
  /** Rule code of a finding: `fieldPointer` is the missing member or unknown key, else the value. */
  code(fieldPointer: string, keyword: string): string;
  /** What a valid value looks like, appended to the message in parentheses. */
  label(finding: Finding): string;
}

/** Positioned diagnostics of `value` against a compiled schema (ajv with allErrors and verbose); empty when valid. */
export function validateWithSchema(validate: ValidateFunction, value: unknown, options: SchemaDiagnosticOptions): Diagnostic[] {
  return validate(value) ? [] : schemaDiagnostics(validate.errors as SchemaError[], options);
}

/** One diagnostic per mistake among ajv's errors. */
export function schemaDiagnostics(errors: SchemaError[], options: SchemaDiagnosticOptions): Diagnostic[] {
  return collapse(errors).map((finding) => ({
    code: options.code(finding.fieldPointer, finding.error.keyword),
    severity: 'error',
    message: messageFor(finding, options.label(finding)),
    file: options.file,
    ...options.locate(finding.pointer),
    pointer: finding.pointer,
  }));
}

/** One reportable problem: an ajv error, or several merged into one (missing members of one object). */
export interface Finding {
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
    // A key that breaks `propertyNames` is also reported by the inner keyword, with the key's name.
    if (insideWrongType(error) || error.keyword === 'propertyNames') continue;
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
      default: {
        const where = error.propertyName === undefined ? at : joinPointer(at, error.propertyName);
        findings.push({ error, pointer: where, fieldPointer: where });
      }
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

/** `/spec/listeners/0/port` → `spec.listeners[].port` (the form of the rule-code table). */
export function rulePath(pointer: string): string {
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
      // A member whose schema is `not: {}` is named only to be refused with a reason of its own.
      const allowed = Object.entries((schema.properties ?? {}) as Record<string, { not?: unknown }>)
        .filter(([, member]) => member.not === undefined)
        .map(([name]) => name);
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
      const expected = String(error.params.type).split(',').map(withArticle).join(' or ');
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
      if (error.propertyName !== undefined) {
        return `${field} has the key ${JSON.stringify(error.propertyName)}; its keys must match the pattern ${error.params.pattern} (${label}). Rename it.`;
      }
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
