// Reads an operation's input from a request as the model places each member: `uri` members from
// the path, `querystring` members from the query, `header` members from headers, the rest from
// the JSON body. Members are checked as App Mesh checked them at the door (required, type, length
// and range of scalars); the meaning of a spec is checked later, as a commit would be.
import { badRequest } from './api-error';
import { MemberRef, Operation, Shape, shapeOf } from './api-model';

export interface RawRequest {
  /** Decoded path parameters named as in the URI template. */
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The parsed JSON body; undefined when empty. */
  body: unknown;
}

export function parseInput(operation: Operation, request: RawRequest): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  if (!operation.input) return input;
  const shape = shapeOf(operation.input.shape);
  const body = request.body ?? {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest(`the body of ${operation.name} must be a JSON object.`);
  for (const [name, member] of Object.entries(shape.members ?? {})) {
    const raw = rawMember(name, member, request, body as Record<string, unknown>);
    if (raw === undefined) continue;
    input[name] = member.location ? fromText(name, member, raw as string) : raw;
    checkMember(name, shapeOf(member.shape), input[name]);
  }
  for (const name of shape.required ?? []) {
    if (input[name] === undefined) throw badRequest(`${name} is required by ${operation.name}.`);
  }
  return input;
}

function rawMember(name: string, member: MemberRef, request: RawRequest, body: Record<string, unknown>): unknown {
  const wire = member.locationName ?? name;
  switch (member.location) {
    case 'uri':
      return request.params[wire];
    case 'querystring': {
      const values = request.query.getAll(wire);
      return shapeOf(member.shape).type === 'list' ? (values.length > 0 ? values : undefined) : values[0];
    }
    case 'header': {
      const value = request.headers[wire.toLowerCase()];
      return Array.isArray(value) ? value.join(',') : value;
    }
    default:
      return body[name] ?? undefined;
  }
}

/** A scalar that travelled as text (path, query, header) in its model type. */
function fromText(name: string, member: MemberRef, text: string | string[]): unknown {
  const shape = shapeOf(member.shape);
  if (Array.isArray(text)) return text;
  if (shape.type === 'integer' || shape.type === 'long') {
    if (!/^-?\d+$/.test(text)) throw badRequest(`${name} must be an integer, found ${JSON.stringify(text)}.`);
    return Number(text);
  }
  if (shape.type === 'boolean') {
    if (text !== 'true' && text !== 'false') throw badRequest(`${name} must be true or false, found ${JSON.stringify(text)}.`);
    return text === 'true';
  }
  return text;
}

const JSON_TYPE: Record<Shape['type'], string> = {
  structure: 'object',
  map: 'object',
  list: 'array',
  string: 'string',
  timestamp: 'number',
  integer: 'number',
  long: 'number',
  double: 'number',
  boolean: 'boolean',
};

/** The top-level checks App Mesh made before looking at a request's meaning. */
function checkMember(name: string, shape: Shape, value: unknown): void {
  const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  if (actual !== JSON_TYPE[shape.type]) throw badRequest(`${name} must be a JSON ${JSON_TYPE[shape.type]}, found ${actual}.`);
  if ((shape.type === 'integer' || shape.type === 'long') && !Number.isInteger(value)) throw badRequest(`${name} must be an integer, found ${String(value)}.`);
  const size = typeof value === 'string' ? value.length : Array.isArray(value) ? value.length : typeof value === 'number' ? value : undefined;
  if (size !== undefined && shape.min !== undefined && size < shape.min) throw badRequest(`${name} ${typeof value === 'number' ? 'must be at least' : 'must have at least'} ${shape.min}${typeof value === 'number' ? '' : typeof value === 'string' ? ' characters' : ' items'}.`);
  if (size !== undefined && shape.max !== undefined && size > shape.max) throw badRequest(`${name} ${typeof value === 'number' ? 'must be at most' : 'must have at most'} ${shape.max}${typeof value === 'number' ? '' : typeof value === 'string' ? ' characters' : ' items'}.`);
  if (shape.enum && !shape.enum.includes(value as string)) throw badRequest(`${name} must be one of ${shape.enum.join(', ')}, found ${JSON.stringify(value)}.`);
}
