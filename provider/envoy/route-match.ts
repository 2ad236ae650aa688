// App Mesh route and gateway-route matches → Envoy RouteMatch (envoy-mapping.md §6.2, §7):
// path prefix/exact/regex (RE2), headers (exact, prefix, suffix, regex, range, presence,
// invert), method, scheme, query parameters, gRPC service/method/metadata.
import type { HeaderMatchMethod, HttpQueryParameter } from '../../schemas/types';
import { Json } from './proto-codec';
import { Flavour } from './envoy-values';

interface HeaderLike {
  name: string;
  invert?: boolean;
  match?: HeaderMatchMethod;
}

/**
 * How a header value is compared, in the fields each flavour's clients read. Envoy gets
 * `string_match`; proxyless gRPC gets the legacy `exact_match`/`prefix_match`/`suffix_match`/
 * `safe_regex_match`, because gRPC C-core ≤ 1.5x and grpc-go ≤ 1.4x read only those (C-core NACKs
 * `string_match`: "Invalid route header matcher specified.") and grpc-js-xds still reads them.
 */
function valueMatcher(kind: 'exact' | 'prefix' | 'suffix' | 'regex', value: string, flavour: Flavour): Json {
  if (flavour === 'grpc') return kind === 'regex' ? { safe_regex_match: { regex: value } } : { [`${kind}_match`]: value };
  return { string_match: kind === 'regex' ? { safe_regex: { regex: value } } : { [kind]: value } };
}

export function headerMatcher(header: HeaderLike, flavour: Flavour): Json {
  const out: Json = { name: header.name };
  const m = header.match;
  if (m?.exact !== undefined) Object.assign(out, valueMatcher('exact', m.exact, flavour));
  else if (m?.prefix !== undefined) Object.assign(out, valueMatcher('prefix', m.prefix, flavour));
  else if (m?.suffix !== undefined) Object.assign(out, valueMatcher('suffix', m.suffix, flavour));
  else if (m?.regex !== undefined) Object.assign(out, valueMatcher('regex', m.regex, flavour));
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

function exactHeader(name: string, value: string, flavour: Flavour): Json {
  return { name, ...valueMatcher('exact', value, flavour) };
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

export function httpRouteMatch(match: HttpMatchInput, flavour: Flavour, extraHeaders: Json[] = []): Json {
  const headers = (match.headers ?? []).map((h) => headerMatcher(h, flavour));
  if (match.method) headers.push(exactHeader(':method', match.method, flavour));
  if (match.scheme) headers.push(exactHeader(':scheme', match.scheme, flavour));
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
export function grpcRouteMatch(match: GrpcMatchInput, flavour: Flavour, extraHeaders: Json[] = []): Json {
  const out: Json = match.serviceName
    ? match.methodName
      ? { path: `/${match.serviceName}/${match.methodName}` }
      : { prefix: `/${match.serviceName}/` }
    : { prefix: '/' };
  const headers = [...(match.metadata ?? []).map((m) => headerMatcher(m, flavour)), ...extraHeaders];
  if (headers.length) out.headers = headers;
  return out;
}
