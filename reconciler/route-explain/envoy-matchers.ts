// Envoy's request matching, run on the decoded Envoy v3 route configuration the proxy receives
// (not on the App Mesh documents), so the answer is what the proxy does: path specifiers, header
// matchers (string, presence, range, invert), query-parameter matchers, RE2 regexes (re2js,
// full match as Envoy's safe_regex), regex rewrites.
import { RE2JS } from 're2js';
import type { Json } from '../../provider/envoy/proto-codec';
import { ExplainRequest, headerValue } from './request';

export type MatchRequest = Pick<ExplainRequest, 'method' | 'scheme' | 'authority' | 'path' | 'query' | 'headers'>;

/** Whether a route's match accepts the request and, when not, the first condition that failed. */
export interface MatchResult {
  matched: boolean;
  reason?: string;
}

const compiled = new Map<string, RE2JS>();

function re2(pattern: string, ignoreCase = false): RE2JS {
  const key = `${ignoreCase ? 'i' : ''}/${pattern}`;
  let regex = compiled.get(key);
  if (!regex) compiled.set(key, (regex = RE2JS.compile(pattern, ignoreCase ? RE2JS.CASE_INSENSITIVE : 0)));
  return regex;
}

/** envoy.type.matcher.v3.StringMatcher. */
export function stringMatches(matcher: Json, value: string): boolean {
  const ignoreCase = matcher.ignore_case === true;
  const fold = (s: string) => (ignoreCase ? s.toLowerCase() : s);
  if (typeof matcher.exact === 'string') return fold(value) === fold(matcher.exact);
  if (typeof matcher.prefix === 'string') return fold(value).startsWith(fold(matcher.prefix));
  if (typeof matcher.suffix === 'string') return fold(value).endsWith(fold(matcher.suffix));
  if (typeof matcher.contains === 'string') return fold(value).includes(fold(matcher.contains));
  const regex = (matcher.safe_regex as Json | undefined)?.regex;
  if (typeof regex === 'string') return re2(regex, ignoreCase).matches(value);
  // An empty StringMatcher (`exact: ""` decodes to nothing) matches the empty string only.
  return value === '';
}

export function describeStringMatcher(matcher: Json): string {
  const ic = matcher.ignore_case ? ' (any case)' : '';
  if (typeof matcher.exact === 'string') return `= ${JSON.stringify(matcher.exact)}${ic}`;
  if (typeof matcher.prefix === 'string') return `starts with ${JSON.stringify(matcher.prefix)}${ic}`;
  if (typeof matcher.suffix === 'string') return `ends with ${JSON.stringify(matcher.suffix)}${ic}`;
  if (typeof matcher.contains === 'string') return `contains ${JSON.stringify(matcher.contains)}${ic}`;
  const regex = (matcher.safe_regex as Json | undefined)?.regex;
  if (typeof regex === 'string') return `matches /${regex}/${ic}`;
  return '= ""';
}

function rangeOf(header: Json): { start: number; end: number } | undefined {
  const range = header.range_match as Json | undefined;
  return range ? { start: Number(range.start ?? 0), end: Number(range.end ?? 0) } : undefined;
}

/** A header matcher's value comparison as a StringMatcher, from `string_match` or the legacy fields proxyless clients get. */
function headerStringMatcher(header: Json): Json | undefined {
  if (header.string_match) return header.string_match as Json;
  if (typeof header.exact_match === 'string') return { exact: header.exact_match };
  if (typeof header.prefix_match === 'string') return { prefix: header.prefix_match };
  if (typeof header.suffix_match === 'string') return { suffix: header.suffix_match };
  if (header.safe_regex_match) return { safe_regex: header.safe_regex_match };
  return undefined;
}

/** `x-canary = "true"`, `!tenant starts with "acme-"`, `id in [1, 100)`, `x-debug present`. */
export function describeHeaderMatcher(header: Json): string {
  const name = `${header.invert_match ? 'not ' : ''}${header.name as string}`;
  const string = headerStringMatcher(header);
  if (string) return `${name} ${describeStringMatcher(string)}`;
  const range = rangeOf(header);
  if (range) return `${name} in [${range.start}, ${range.end})`;
  return header.present_match === false ? `${name} absent` : `${name} present`;
}

/** envoy.config.route.v3.HeaderMatcher, with Envoy's rule that only presence matchers match a missing header. */
export function headerMatches(header: Json, request: MatchRequest): MatchResult {
  const name = header.name as string;
  const value = headerValue(request, name);
  const invert = header.invert_match === true;
  const present = header.present_match;
  if (value === undefined) {
    if (present !== undefined) {
      const ok = invert ? present === true : present === false;
      return ok ? { matched: true } : { matched: false, reason: `header ${name} is absent; the route needs ${describeHeaderMatcher(header)}` };
    }
    return { matched: false, reason: `header ${name} is absent; the route needs ${describeHeaderMatcher(header)}${invert ? ' (Envoy: an inverted match never matches a missing header)' : ''}` };
  }
  let result: boolean;
  const string = headerStringMatcher(header);
  const range = rangeOf(header);
  if (string) result = stringMatches(string, value);
  else if (range) result = /^-?\d+$/.test(value) && Number(value) >= range.start && Number(value) < range.end;
  else result = present !== false;
  if (invert) result = !result;
  return result ? { matched: true } : { matched: false, reason: `header ${name} is ${JSON.stringify(value)}; the route needs ${describeHeaderMatcher(header)}` };
}

/** Query parameters by name (first occurrence wins, as Envoy), URL-decoded. */
export function queryParameters(query: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!query) return out;
  for (const part of query.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const decode = (s: string) => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
      } catch {
        return s;
      }
    };
    const name = decode(eq < 0 ? part : part.slice(0, eq));
    if (!out.has(name)) out.set(name, eq < 0 ? '' : decode(part.slice(eq + 1)));
  }
  return out;
}

export function describeQueryMatcher(matcher: Json): string {
  const string = matcher.string_match as Json | undefined;
  return string ? `?${matcher.name as string} ${describeStringMatcher(string)}` : `?${matcher.name as string} present`;
}

function queryMatches(matcher: Json, params: Map<string, string>): MatchResult {
  const name = matcher.name as string;
  const value = params.get(name);
  if (value === undefined) return { matched: false, reason: `query parameter ${name} is absent; the route needs ${describeQueryMatcher(matcher)}` };
  const string = matcher.string_match as Json | undefined;
  if (!string || stringMatches(string, value)) return { matched: true };
  return { matched: false, reason: `query parameter ${name} is ${JSON.stringify(value)}; the route needs ${describeQueryMatcher(matcher)}` };
}

export function describePathSpecifier(match: Json): string {
  const ic = match.case_sensitive && (match.case_sensitive as Json).value === false ? ' (any case)' : '';
  if (typeof match.path === 'string') return `path = ${match.path}${ic}`;
  const regex = (match.safe_regex as Json | undefined)?.regex;
  if (typeof regex === 'string') return `path matches /${regex}/${ic}`;
  if (typeof match.path_separated_prefix === 'string') return `path under ${match.path_separated_prefix}${ic}`;
  return `prefix ${typeof match.prefix === 'string' ? match.prefix : '/'}${ic}`;
}

/** All conditions of a RouteMatch, as one line. */
export function describeRouteMatch(match: Json): string {
  const parts = [describePathSpecifier(match)];
  for (const header of (match.headers as Json[] | undefined) ?? []) parts.push(describeHeaderMatcher(header));
  for (const query of (match.query_parameters as Json[] | undefined) ?? []) parts.push(describeQueryMatcher(query));
  if (match.grpc) parts.push('gRPC requests only');
  return parts.join(', ');
}

function pathMatches(match: Json, path: string): boolean {
  const caseSensitive = !(match.case_sensitive && (match.case_sensitive as Json).value === false);
  const fold = (s: string) => (caseSensitive ? s : s.toLowerCase());
  if (typeof match.path === 'string') return fold(path) === fold(match.path);
  const regex = (match.safe_regex as Json | undefined)?.regex;
  if (typeof regex === 'string') return re2(regex, !caseSensitive).matches(path);
  if (typeof match.path_separated_prefix === 'string') {
    const prefix = fold(match.path_separated_prefix);
    return fold(path) === prefix || fold(path).startsWith(`${prefix}/`);
  }
  // proto3 drops `prefix: ""`; an absent specifier in a decoded route is the empty prefix.
  return fold(path).startsWith(fold(typeof match.prefix === 'string' ? match.prefix : ''));
}

/** envoy.config.route.v3.RouteMatch against a request (path without its query string). */
export function routeMatches(match: Json, request: MatchRequest): MatchResult {
  if (!pathMatches(match, request.path)) return { matched: false, reason: `path ${request.path} does not satisfy ${describePathSpecifier(match)}` };
  if (match.grpc && !(request.headers['content-type'] ?? '').startsWith('application/grpc')) return { matched: false, reason: 'not a gRPC request (content-type application/grpc)' };
  for (const header of (match.headers as Json[] | undefined) ?? []) {
    const result = headerMatches(header, request);
    if (!result.matched) return result;
  }
  const params = queryParameters(request.query);
  for (const query of (match.query_parameters as Json[] | undefined) ?? []) {
    const result = queryMatches(query, params);
    if (!result.matched) return result;
  }
  return { matched: true };
}

/**
 * RE2 GlobalReplace, as Envoy's regex_rewrite applies it: every match replaced, `\0`–`\9` in the
 * substitution are capture groups, `\\` a backslash.
 */
export function regexReplaceAll(pattern: string, input: string, substitution: string): string {
  const matcher = re2(pattern).matcher(input);
  let out = '';
  let last = 0;
  let from = 0;
  while (from <= input.length && matcher.find(from)) {
    const start = matcher.start();
    const end = matcher.end();
    out += input.slice(last, start) + substitution.replace(/\\(\d|\\)/g, (_, ref: string) => (ref === '\\' ? '\\' : (matcher.group(Number(ref)) ?? '')));
    last = end;
    // After an empty match, look again one character further (RE2 does the same).
    from = end > start ? end : end + 1;
  }
  return out + input.slice(last);
}

/** HCM path normalisation (normalize_path: RFC 3986 dot segments; merge_slashes), before routing. */
export function normalizePath(path: string, options: { normalize: boolean; mergeSlashes: boolean }): string {
  let out = path;
  if (options.mergeSlashes) out = out.replace(/\/{2,}/g, '/');
  if (options.normalize) {
    const segments: string[] = [];
    const parts = out.split('/');
    parts.forEach((segment, i) => {
      if (segment === '.') {
        if (i === parts.length - 1) segments.push('');
      } else if (segment === '..') {
        if (segments.length > 1) segments.pop();
        if (i === parts.length - 1) segments.push('');
      } else segments.push(segment);
    });
    out = segments.join('/') || '/';
    if (!out.startsWith('/')) out = `/${out}`;
  }
  return out;
}
