// Translates botocore service-model shapes into JSON Schema (draft-07). Structures become
// named `definitions` (so error paths name the API shape, e.g. `PortMapping.port`);
// strings, numbers, booleans and lists are inlined where they are used, so every
// constraint sits next to the member it constrains.

export interface BotocoreMember {
  shape: string;
  documentation?: string;
}

export interface BotocoreShape {
  type: string;
  documentation?: string;
  members?: Record<string, BotocoreMember>;
  required?: string[];
  union?: boolean;
  member?: BotocoreMember;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
}

export interface BotocoreModel {
  metadata: { apiVersion: string };
  shapes: Record<string, BotocoreShape>;
}

export type JsonSchema = Record<string, unknown>;

/** Plain text of a botocore documentation string (HTML fragments). */
export function plainText(html: string | undefined): string | undefined {
  if (!html) return undefined;
  const text = html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
  return text === '' ? undefined : text;
}

export class ShapeConverter {
  /** Definitions of every structure reached so far, by botocore shape name. */
  readonly definitions = new Map<string, JsonSchema>();

  constructor(private readonly model: BotocoreModel) {}

  /** Schema of a member: documentation plus the inlined or referenced shape. */
  memberSchema(member: BotocoreMember): JsonSchema {
    const description = plainText(member.documentation);
    return { ...(description ? { description } : {}), ...this.shapeSchema(member.shape) };
  }

  /** `$ref` for a structure (defining it once), the inlined schema for anything else. */
  shapeSchema(name: string): JsonSchema {
    const shape = this.shape(name);
    switch (shape.type) {
      case 'structure':
        this.define(name, shape);
        return { $ref: `#/definitions/${name}` };
      case 'list':
        return {
          type: 'array',
          items: this.shapeSchema(shape.member!.shape),
          ...defined({ minItems: shape.min, maxItems: shape.max }),
        };
      case 'string':
        return {
          type: 'string',
          ...defined({ enum: shape.enum, minLength: shape.min, maxLength: shape.max, pattern: shape.pattern }),
        };
      case 'integer':
      case 'long':
        return { type: 'integer', ...defined({ minimum: shape.min, maximum: shape.max }) };
      case 'boolean':
        return { type: 'boolean' };
      case 'timestamp':
        return { type: 'string' };
      default:
        throw new Error(`Shape ${name} has botocore type "${shape.type}", which the schema generator does not know; extend ShapeConverter.shapeSchema.`);
    }
  }

  shape(name: string): BotocoreShape {
    const shape = this.model.shapes[name];
    if (!shape) throw new Error(`The API model has no shape "${name}"; is the model file complete?`);
    return shape;
  }

  private define(name: string, shape: BotocoreShape): void {
    if (this.definitions.has(name)) return;
    const definition: JsonSchema = {};
    this.definitions.set(name, definition); // registered before recursing: shapes may refer to themselves
    const memberNames = Object.keys(shape.members ?? {}).sort();
    const properties: Record<string, JsonSchema> = {};
    for (const member of memberNames) properties[member] = this.memberSchema(shape.members![member]);
    const required = [...(shape.required ?? [])].sort();
    Object.assign(definition, {
      title: name,
      ...defined({ description: plainText(shape.documentation) }),
      type: 'object',
      properties,
      ...(required.length > 0 ? { required } : {}),
      // A tagged union: exactly one member. Counting properties (instead of oneOf) keeps errors to one clear line.
      ...(shape.union ? { minProperties: 1, maxProperties: 1 } : {}),
      additionalProperties: false,
    });
  }
}

/** The entries whose value is not undefined, in the given order. */
function defined(entries: Record<string, unknown>): JsonSchema {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
}
