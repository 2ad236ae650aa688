// One-line summaries of App Mesh route matches and weights, for graph labels.
import { ROUTE_PROTOCOLS, RouteType } from '../rules/route-types';

interface MatchMethod {
  exact?: string;
  prefix?: string;
  suffix?: string;
  regex?: string;
  range?: { start: number; end: number };
}

interface HeaderLike {
  name?: string;
  invert?: boolean;
  match?: MatchMethod;
}

interface AnyMatch {
  prefix?: string;
  path?: { exact?: string; regex?: string };
  method?: string;
  scheme?: string;
  port?: number;
  headers?: HeaderLike[];
  metadata?: HeaderLike[];
  queryParameters?: Array<{ name?: string; match?: { exact?: string } }>;
  hostname?: { exact?: string; suffix?: string };
  serviceName?: string;
  methodName?: string;
}

/** `x-canary=true`, `tenant^=acme-`, `!x-debug present`, `id in [1,100)`. */
export function describeHeader(header: HeaderLike): string {
  const m = header.match;
  const name = `${header.invert ? '!' : ''}${header.name ?? '?'}`;
  if (m?.exact !== undefined) return `${name}=${m.exact}`;
  if (m?.prefix !== undefined) return `${name}^=${m.prefix}`;
  if (m?.suffix !== undefined) return `${name}$=${m.suffix}`;
  if (m?.regex !== undefined) return `${name}~/${m.regex}/`;
  if (m?.range) return `${name} in [${m.range.start},${m.range.end})`;
  return `${name} present`;
}

/** The lines describing a route's match: protocol and path first, then each condition. */
export function describeMatch(type: RouteType, rawMatch: unknown, priority: number | undefined): string[] {
  const match = (rawMatch ?? {}) as AnyMatch;
  const parts: string[] = [];
  if (type === 'grpcRoute') {
    parts.push(match.serviceName ? `grpc ${match.serviceName}/${match.methodName ?? '*'}` : 'grpc any service');
  } else if (type === 'tcpRoute') {
    parts.push('tcp');
  } else {
    const path = match.path?.exact !== undefined ? `path = ${match.path.exact}` : match.path?.regex !== undefined ? `path ~ /${match.path.regex}/` : `prefix ${match.prefix ?? '/'}`;
    parts.push(`${ROUTE_PROTOCOLS[type]} ${match.method ? `${match.method} ` : ''}${path}`);
  }
  const conditions: string[] = [];
  if (match.hostname?.exact !== undefined) conditions.push(`host ${match.hostname.exact}`);
  if (match.hostname?.suffix !== undefined) conditions.push(`host *${match.hostname.suffix}`);
  for (const h of [...(match.headers ?? []), ...(match.metadata ?? [])]) conditions.push(describeHeader(h));
  for (const q of match.queryParameters ?? []) conditions.push(q.match?.exact !== undefined ? `?${q.name}=${q.match.exact}` : `?${q.name}`);
  if (match.scheme) conditions.push(`scheme ${match.scheme}`);
  if (match.port !== undefined) conditions.push(`port ${match.port}`);
  if (conditions.length) parts.push(conditions.join(', '));
  if (priority !== undefined) parts.push(`priority ${priority}`);
  return parts;
}

/** Each weight's share of the total, rounded to a readable percentage (`75%`, `33.3%`). */
export function percentages(weights: readonly number[]): string[] {
  const total = weights.reduce((sum, w) => sum + (w > 0 ? w : 0), 0);
  return weights.map((w) => {
    if (!(w > 0) || total === 0) return '0%';
    const share = (w / total) * 100;
    return `${Number.isInteger(share) ? share : share.toFixed(1)}%`;
  });
}
