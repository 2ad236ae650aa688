// The botocore model of the App Mesh API (schemas/appmesh-api-model.json, a copy of
// shared/spec/appmesh-api-model.json shipped with the package): every operation's method, URI
// template, members and their locations, output shapes and error types. The router, the request
// parser and the response serializer read it, so the API follows the model rather than 38
// hand-written handlers.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { schemasDir } from '../../provider/schema/schema-location';

export const API_MODEL_FILE = 'appmesh-api-model.json';

export interface MemberRef {
  shape: string;
  location?: 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode';
  locationName?: string;
  idempotencyToken?: boolean;
}

export interface Shape {
  type: 'structure' | 'list' | 'string' | 'integer' | 'long' | 'boolean' | 'timestamp' | 'double' | 'map';
  members?: Record<string, MemberRef>;
  member?: MemberRef;
  required?: string[];
  payload?: string;
  min?: number;
  max?: number;
  enum?: string[];
  error?: { httpStatusCode: number };
  exception?: boolean;
}

export interface Operation {
  name: string;
  http: { method: string; requestUri: string; responseCode?: number };
  input?: { shape: string };
  output?: { shape: string };
  errors?: Array<{ shape: string }>;
}

export interface ApiModel {
  metadata: { apiVersion: string; signingName: string; endpointPrefix: string };
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
}

let model: ApiModel | undefined;

export function apiModel(): ApiModel {
  model ??= JSON.parse(fs.readFileSync(path.join(schemasDir(), API_MODEL_FILE), 'utf8')) as ApiModel;
  return model;
}

export function shapeOf(name: string): Shape {
  const shape = apiModel().shapes[name];
  if (!shape) throw new Error(`the App Mesh API model has no shape ${name}`);
  return shape;
}
