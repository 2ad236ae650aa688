// Layer 1 of validation: checks a document against the JSON Schema of its kind (generated
// from the App Mesh API model) and turns ajv's errors into positioned, actionable diagnostics.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import { Diagnostic, splitPointer } from '../model/diagnostic';
import { KINDS, Kind } from '../model/kinds';
import { Resource } from '../model/resource';
import { schemaFileName, schemasDir } from '../schema/schema-location';
import { rulePath, validateWithSchema } from './schema-findings';
import { schemaRuleCode } from './schema-rule-codes';

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
  return validateWithSchema(validate, resource.doc, {
    file: resource.source.file,
    locate: resource.source.locate,
    code: (fieldPointer, keyword) => schemaRuleCode(resource.kind, rulePath(fieldPointer), keyword),
    label: (finding) => apiLabel(resource.kind, schema, finding.error.instancePath),
  });
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

