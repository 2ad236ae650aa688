// App Mesh route and gateway-route matches → Envoy RouteMatch (envoy-mapping.md §6.2, §7):
// path prefix/exact/regex (RE2), headers (exact, prefix, suffix, regex, range, presence,
// invert), method, scheme, query parameters, gRPC service/method/metadata.
import type { HeaderMatchMethod, HttpQueryParameter } from '../../schemas/types';
import { Json } from './proto-codec';

interface HeaderLike {
  name: string;
  invert?: boolean;
  match?: HeaderMatchMethod;
}

export function headerMatcher(header: HeaderLike): Json {
  const out: Json = { name: header.name };
  const m = header.match;
  if (m?.exact !== undefined) out.string_match = { exact: m.exact };
  else if (m?.prefix !== undefined) out.string_match = { prefix: m.prefix };
  else if (m?.suffix !== undefined) out.string_match = { suffix: m.suffix };
  else if (m?.regex !== undefined) out.string_match = { safe_regex: { regex: m.regex } };
  else if (m?.range) out.range_match = rangeOf(m.range);
  else out.present_match = true;
  if (header.invert) out.invert_match = true;
  return out;
}

function rangeOf(range: { start: number; end: number }): Json {
  const out: Json = {};
  if (range.start) out.start = range.start;
  if (range.end) out.end = range.end;
  return out;
}

function exactHeader(name: string, value: string): Json {
  return { name, string_match: { exact: value } };
}

function queryMatchers(parameters: readonly HttpQueryParameter[] | undefined): Json[] {
  return (parameters ?? []).map((p) =>
    p.match?.exact !== undefined ? { name: p.name, string_match: { exact: p.match.exact } } : { name: p.name, present_match: true },
  );
}

export interface HttpMatchInput {
  prefix?: string;
  path?: { exact?: string; regex?: string };
  headers?: HeaderLike[];
  method?: string;
  scheme?: string;
  queryParameters?: HttpQueryParameter[];
}

/** The path part of a match; `/` when the route names none. */
export function pathSpecifier(match: HttpMatchInput): Json {
  if (match.path?.exact !== undefined) return { path: match.path.exact };
  if (match.path?.regex !== undefined) return { safe_regex: { regex: match.path.regex } };
  return { prefix: match.prefix ?? '/' };
}

export function httpRouteMatch(match: HttpMatchInput, extraHeaders: Json[] = []): Json {
  const headers = [...(match.headers ?? []).map(headerMatcher)];
  if (match.method) headers.push(exactHeader(':method', match.method));
  if (match.scheme) headers.push(exactHeader(':scheme', match.scheme));
  headers.push(...extraHeaders);
  const out: Json = { ...pathSpecifier(match) };
  if (headers.length) out.headers = headers;
  const query = queryMatchers(match.queryParameters);
  if (query.length) out.query_parameters = query;
  return out;
}

export interface GrpcMatchInput {
  serviceName?: string;
  methodName?: string;
  metadata?: HeaderLike[];
}

/** gRPC requests are `POST /<service>/<method>`: service and method become the path. */
export function grpcRouteMatch(match: GrpcMatchInput, extraHeaders: Json[] = []): Json {
  const out: Json = match.serviceName
    ? match.methodName
      ? { path: `/${match.serviceName}/${match.methodName}` }
      : { prefix: `/${match.serviceName}/` }
    : { prefix: '/' };
  const headers = [...(match.metadata ?? []).map(headerMatcher), ...extraHeaders];
  if (headers.length) out.headers = headers;
  return out;
}
