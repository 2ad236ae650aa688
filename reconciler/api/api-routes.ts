// The App Mesh API on an HttpRouter: one route per operation of the model (its method and URI
// template, e.g. GET /v20190125/meshes/{meshName}/virtualNodes), each verified (SigV4), parsed,
// answered and serialized the same way. Mounted on the daemon's HTTP port and by `meshplane api`;
// clients use the server's base URL as their App Mesh endpoint (docs/appmesh-api.md).
import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { HttpRequestError, HttpRouter, readBody, RouteParams } from '../http/router';
import { ApiError, badRequest } from './api-error';
import { apiModel, Operation } from './api-model';
import { ApiServices, invokeOperation } from './api-operations';
import { parseInput } from './request-parser';
import { serializeOutput } from './response-serializer';
import { verifySignature } from './sigv4-verifier';

/** The largest request body accepted: a spec is a few KiB; App Mesh's own limit was far below this. */
export const MAX_API_BODY_BYTES = 1024 * 1024;

export interface ApiRouteOptions {
  /** Told about answers that are the server's fault (500). */
  warn?: (message: string, fields?: Record<string, unknown>) => void;
}

/** `/v20190125/meshes/{meshName}` → `/v20190125/meshes/:meshName`. */
export function routePattern(requestUri: string): string {
  return requestUri.split('?')[0].replace(/\{([A-Za-z]+)\+?\}/g, ':$1');
}

export function apiRoutes(services: ApiServices, options: ApiRouteOptions = {}): HttpRouter {
  const router = new HttpRouter();
  for (const operation of Object.values(apiModel().operations)) {
    router.add(operation.http.method, routePattern(operation.http.requestUri), (request, response, params) => handle(services, operation, request, response, params, options));
  }
  return router;
}

async function handle(services: ApiServices, operation: Operation, request: IncomingMessage, response: ServerResponse, params: RouteParams, options: ApiRouteOptions): Promise<void> {
  const requestId = randomUUID();
  try {
    const body = await readBody(request, MAX_API_BODY_BYTES).catch((error: Error) => {
      throw error instanceof HttpRequestError ? badRequest(error.message) : error;
    });
    const url = request.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt < 0 ? url : url.slice(0, queryAt);
    const query = queryAt < 0 ? '' : url.slice(queryAt + 1);
    const signature = await verifySignature({ method: request.method ?? 'GET', path, query, headers: request.headers, body }, services.keys.secretOf);
    const key = services.keys.key(signature.accessKeyId)!;
    const input = parseInput(operation, { params, query: new URLSearchParams(query), headers: request.headers, body: parseJson(body) });
    const output = await invokeOperation(services, { operation, input, key, region: signature.region });
    send(response, operation.http.responseCode ?? 200, requestId, serializeOutput(operation, output));
  } catch (error) {
    const answer = error instanceof ApiError ? error : new ApiError('InternalServerErrorException', `${operation.name} failed: ${(error as Error).message}`);
    if (!(error instanceof ApiError)) options.warn?.(`App Mesh API ${operation.name} failed`, { err: error, requestId });
    send(response, answer.status, requestId, answer.body(), answer.type);
  }
}

function parseJson(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`The request body is not valid JSON: ${(error as Error).message}.`);
  }
}

function send(response: ServerResponse, status: number, requestId: string, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': requestId };
  if (errorType) headers['x-amzn-errortype'] = errorType;
  response.writeHead(status, headers).end(text);
}
