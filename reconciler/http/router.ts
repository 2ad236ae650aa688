// A small composable router on node:http: areas contribute handlers (the xDS introspection, the
// endpoint registry API, webhooks), the daemon mounts them all on its one HTTP port.
import { IncomingMessage, ServerResponse } from 'node:http';

export type RouteParams = Readonly<Record<string, string>>;
export type RouteHandler = (request: IncomingMessage, response: ServerResponse, params: RouteParams) => void | Promise<void>;

interface Route {
  method: string;
  pattern: string;
  segments: string[];
  handler: RouteHandler;
}

export class HttpRouter {
  private readonly routes: Route[] = [];

  /** `pattern` is a path whose `:name` segments become params, e.g. `/api/registry/namespaces/:namespace`. */
  add(method: string, pattern: string, handler: RouteHandler): this {
    this.routes.push({ method: method.toUpperCase(), pattern, segments: split(pattern), handler });
    return this;
  }

  get(pattern: string, handler: RouteHandler): this {
    return this.add('GET', pattern, handler);
  }

  /** Adds every route of another router (an area's handlers) to this one. */
  mount(other: HttpRouter): this {
    this.routes.push(...other.routes);
    return this;
  }

  /** The node:http request listener: 404 for unknown paths, 405 (with Allow) for known paths and other methods. */
  readonly listener = (request: IncomingMessage, response: ServerResponse): void => {
    const path = (request.url ?? '/').split('?')[0];
    const segments = split(path);
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = match(route.segments, segments);
      if (!params) continue;
      if (route.method !== request.method && !(route.method === 'GET' && request.method === 'HEAD')) {
        allowed.push(route.method);
        continue;
      }
      Promise.resolve()
        .then(() => route.handler(request, response, params))
        .catch((error: Error) => {
          if (!response.headersSent) sendJson(response, 500, { error: `internal error: ${error.message}` });
          else response.destroy(error);
        });
      return;
    }
    if (allowed.length > 0) {
      response.setHeader('allow', [...new Set(allowed)].join(', '));
      sendJson(response, 405, { error: `${request.method} is not allowed on ${path}; use ${[...new Set(allowed)].join(' or ')}` });
    } else {
      sendJson(response, 404, { error: `no such endpoint: ${path}` });
    }
  };
}

function split(path: string): string[] {
  return path.split('/').filter((segment) => segment.length > 0);
}

function match(pattern: string[], path: string[]): Record<string, string> | undefined {
  if (pattern.length !== path.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i].startsWith(':')) {
      try {
        params[pattern[i].slice(1)] = decodeURIComponent(path[i]);
      } catch {
        return undefined;
      }
    } else if (pattern[i] !== path[i]) return undefined;
  }
  return params;
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, null, 2) + '\n';
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

export class HttpRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A request body may take this long to arrive (a client trickling bytes holds a connection). */
export const BODY_TIMEOUT_MS = 30_000;

/** Reads a request body of at most `limit` bytes within `timeoutMs`; throws HttpRequestError (413/408). */
export async function readBody(request: IncomingMessage, limit = 1024 * 1024, timeoutMs = BODY_TIMEOUT_MS): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    request.destroy();
  }, timeoutMs);
  try {
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > limit) throw new HttpRequestError(413, `the request body is larger than ${limit} bytes`);
      chunks.push(chunk as Buffer);
    }
    if (timedOut) throw new Error('timed out');
  } catch (error) {
    if (timedOut) throw new HttpRequestError(408, `the request body did not arrive within ${timeoutMs / 1000} s`);
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(chunks);
}

/** Reads a JSON request body of at most `limit` bytes; throws HttpRequestError (400/413) with a clear message. */
export async function readJsonBody(request: IncomingMessage, limit = 1024 * 1024): Promise<unknown> {
  const text = (await readBody(request, limit)).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpRequestError(400, `the request body is not valid JSON (${(error as Error).message}); send a JSON object with content-type application/json`);
  }
}
