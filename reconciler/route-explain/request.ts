// The request `meshplane route` explains, as Envoy sees it: method, scheme, authority (Host),
// the port the connection goes to, the path (query apart) and the headers, lower-cased.
import { routeExplainErrors } from './errors';

export interface ExplainRequest {
  method: string;
  scheme: 'http' | 'https';
  /** The Host / :authority header as sent (with a port only when the URL names one). */
  authority: string;
  /** The destination port of the connection: the URL's, else the scheme's default. */
  port: number;
  /** True when the URL names the port. */
  explicitPort: boolean;
  /** The path without the query string, as the client sent it (before Envoy's normalisation). */
  path: string;
  /** The query string without `?`; empty when none. */
  query: string;
  /** Lower-cased header names; repeated headers joined with `,` as Envoy matches them. */
  headers: Record<string, string>;
  /** Set for gRPC calls (POST /<service>/<method>). */
  grpc?: { service: string; method: string };
}

export interface RequestInput {
  /** `[METHOD] <url>` as typed on the command line. */
  args: readonly string[];
  /** `-H "name: value"`, repeatable. */
  headers?: readonly string[];
  /** `<service>/<method>`: a gRPC call. */
  grpc?: string;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);

function parseUrl(text: string): { scheme: 'http' | 'https'; host: string; port?: number; path: string; query: string } {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#.*)?$/i.exec(withScheme);
  if (!match) throw routeExplainErrors.badUrl(text, 'it is not a URL');
  const scheme = match[1].toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') throw routeExplainErrors.badUrl(text, `the scheme ${scheme}: is not http: or https:`);
  const hostPort = /^(\[[^\]]+\]|[^:]*)(?::(\d*))?$/.exec(match[2]);
  if (!hostPort || hostPort[1] === '') throw routeExplainErrors.badUrl(text, 'it has no host');
  let port: number | undefined;
  if (hostPort[2] !== undefined) {
    port = Number(hostPort[2]);
    if (hostPort[2] === '' || !Number.isInteger(port) || port < 1 || port > 65535) throw routeExplainErrors.badPort(text);
  }
  return { scheme, host: hostPort[1].toLowerCase(), port, path: match[3] || '/', query: match[4] ?? '' };
}

function parseHeaders(lines: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':', line.startsWith(':') ? 1 : 0);
    const name = colon > 0 ? line.slice(0, colon).trim().toLowerCase() : '';
    if (!name || /\s/.test(name)) throw routeExplainErrors.badHeader(line);
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return headers;
}

export function parseRequest(input: RequestInput): ExplainRequest {
  const args = [...input.args];
  if (args.length === 0) throw routeExplainErrors.noTarget();
  if (args.length > 2) throw routeExplainErrors.tooManyArguments(args);
  let method: string | undefined;
  if (args.length === 2) {
    method = args[0].toUpperCase();
    if (!METHODS.has(method)) throw routeExplainErrors.badMethod(args[0]);
  }
  const url = parseUrl(args[args.length - 1]);
  const headers = parseHeaders(input.headers ?? []);
  let grpc: ExplainRequest['grpc'];
  let path = url.path;
  if (input.grpc !== undefined) {
    const call = /^\/?([^/\s]+)\/([^/\s]+)$/.exec(input.grpc);
    if (!call) throw routeExplainErrors.badGrpc(input.grpc);
    if (method !== undefined && method !== 'POST') throw routeExplainErrors.grpcMethod(method);
    if (url.query) throw routeExplainErrors.grpcQuery();
    grpc = { service: call[1], method: call[2] };
    method = 'POST';
    path = `/${grpc.service}/${grpc.method}`;
    headers['content-type'] ??= 'application/grpc';
    headers.te ??= 'trailers';
  }
  const scheme = url.scheme;
  const port = url.port ?? (scheme === 'https' ? 443 : 80);
  const authority = headers.host ?? headers[':authority'] ?? (url.port !== undefined ? `${url.host}:${url.port}` : url.host);
  delete headers.host;
  delete headers[':authority'];
  return { method: method ?? 'GET', scheme, authority: authority.toLowerCase(), port, explicitPort: url.port !== undefined, path, query: url.query, headers, ...(grpc ? { grpc } : {}) };
}

/** The value of a header as Envoy's matchers see it, pseudo-headers included. */
export function headerValue(request: Pick<ExplainRequest, 'method' | 'scheme' | 'authority' | 'path' | 'query' | 'headers'>, name: string): string | undefined {
  switch (name.toLowerCase()) {
    case ':method':
      return request.method;
    case ':scheme':
      return request.scheme;
    case ':authority':
    case 'host':
      return request.authority;
    case ':path':
      return request.query ? `${request.path}?${request.query}` : request.path;
    default:
      return request.headers[name.toLowerCase()];
  }
}
