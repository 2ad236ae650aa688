// The readable form of one decoded Envoy resource for review: split into entries (a route of a
// virtual host, a filter chain of a listener, the resource itself) and each entry flattened into
// labelled facts (`weight of cds_x` = `75`, `timeout` = `15s`), so a diff reads like a reviewer
// would say it instead of as nested protobuf JSON.
import { Json } from '../../provider/envoy/proto-codec';

/** Label → rendered value, in the resource's field order. */
export type Facts = Map<string, string>;

export interface ReadableEntry {
  /** `serviceb.apps.local:80 › serviceB` for a route, `filter chain egress_http2_80`, '' for the resource itself. */
  label: string;
  /** One line saying what the entry does (shown when it is added or removed). */
  headline: string;
  facts: Facts;
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const DURATION_KEY = /(timeout|interval|time|duration|ttl|jitter)$/i;

/** `{seconds: 15, nanos: 500000000}` → `15.5s`. */
function durationText(value: Json): string {
  const seconds = Number(value.seconds ?? 0) + Number(value.nanos ?? 0) / 1e9;
  return `${Number(seconds.toFixed(3))}s`;
}

function isDuration(key: string, value: Json): boolean {
  const keys = Object.keys(value);
  return DURATION_KEY.test(key) && keys.length > 0 && keys.every((k) => k === 'seconds' || k === 'nanos');
}

/** `envoy.filters.network.http_connection_manager` → `http_connection_manager`. */
function shortName(name: string): string {
  return name.startsWith('envoy.') ? name.slice(name.lastIndexOf('.') + 1) : name;
}

function scalarText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Wrapper types (`{value: 5}`) read as their value. */
function unwrap(value: unknown): unknown {
  if (isRecord(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === 'value' && !isRecord(value.value) && !Array.isArray(value.value)) return value.value;
  }
  return value;
}

/** Elements of a list keyed by their name where they have one, so reordering or inserting reads as such. */
function elementKeys(list: unknown[]): string[] {
  const seen = new Map<string, number>();
  return list.map((element, index) => {
    const name = isRecord(element) && typeof element.name === 'string' ? shortName(element.name) : String(index);
    const n = seen.get(name) ?? 0;
    seen.set(name, n + 1);
    return n === 0 ? name : `${name}#${n + 1}`;
  });
}

/** Leaf facts of a value below `prefix`; `typed_config` levels are skipped (their `@type` says what they are). */
export function flatten(value: unknown, prefix: string, out: Facts, key = ''): Facts {
  const join = (segment: string) => (prefix === '' ? segment : `${prefix}.${segment}`);
  value = unwrap(value);
  if (Array.isArray(value)) {
    if (value.every((element) => !isRecord(element) && !Array.isArray(element))) {
      out.set(prefix, value.map(scalarText).join(', '));
      return out;
    }
    const keys = elementKeys(value);
    value.forEach((element, i) => flatten(element, `${prefix}[${keys[i]}]`, out));
    return out;
  }
  if (isRecord(value)) {
    if (isDuration(key, value)) {
      out.set(prefix, durationText(value));
      return out;
    }
    const entries = Object.entries(value);
    if (entries.length === 0) {
      out.set(prefix, 'on');
      return out;
    }
    // `@type` first: what a typed config is reads before its settings.
    entries.sort(([a], [b]) => Number(b === '@type') - Number(a === '@type'));
    for (const [k, v] of entries) {
      if (k === 'name' && prefix !== '' && /\]$/.test(prefix)) continue; // already the element's key
      if (k === '@type') out.set(join('type'), typeof v === 'string' ? v.slice(v.lastIndexOf('.') + 1) : scalarText(v));
      else if (k === 'typed_config') flatten(v, prefix, out, k);
      else flatten(v, join(k), out, k);
    }
    return out;
  }
  if (value !== undefined) out.set(prefix, scalarText(value));
  return out;
}

/** Friendlier labels for the facts reviewers look at most. */
const ALIASES: Array<[RegExp, string]> = [
  [/^route\.weighted_clusters\.clusters\[(.+)\]\.weight$/, 'weight of $1'],
  [/^route\.cluster$/, 'cluster'],
  [/^route\.timeout$/, 'timeout'],
  [/^route\.idle_timeout$/, 'idle timeout'],
  [/^route\.retry_policy\.per_try_timeout$/, 'per-try timeout'],
  [/^route\.retry_policy\.num_retries$/, 'retries'],
  [/^route\.retry_policy\.retry_on$/, 'retry on'],
  [/^route\.retry_policy\.retriable_status_codes$/, 'retry on status'],
  [/^route\.retry_policy\.(.+)$/, 'retry $1'],
  [/^match\.(.+)$/, 'match $1'],
];

function alias(label: string): string {
  for (const [pattern, replacement] of ALIASES) if (pattern.test(label)) return label.replace(pattern, replacement);
  return label;
}

function routeFacts(route: Json): Facts {
  const raw = flatten(route, '', new Map());
  return new Map([...raw].map(([label, value]) => [alias(label), value]));
}

function matchText(match: Json): string {
  const parts: string[] = [];
  if (match.prefix !== undefined) parts.push(`prefix ${match.prefix}`);
  if (match.path !== undefined) parts.push(`path ${match.path}`);
  if (isRecord(match.safe_regex)) parts.push(`regex ${match.safe_regex.regex}`);
  if (isRecord(match.path_separated_prefix) || typeof match.path_separated_prefix === 'string') parts.push(`path prefix ${scalarText(match.path_separated_prefix)}`);
  if (match.grpc !== undefined) parts.push('gRPC');
  for (const header of (match.headers as Json[] | undefined) ?? []) {
    const rest = [...flatten({ ...header, name: undefined }, '', new Map())].map(([k, v]) => `${k} ${v}`).join(' ');
    parts.push(`header ${header.name}${rest ? ` ${rest}` : ''}`);
  }
  for (const query of (match.query_parameters as Json[] | undefined) ?? []) parts.push(`query ${query.name}`);
  return parts.join(' + ') || 'any request';
}

function targetText(route: Json): string {
  const action = route.route;
  if (isRecord(action)) {
    const weighted = isRecord(action.weighted_clusters) ? ((action.weighted_clusters.clusters as Json[] | undefined) ?? []) : undefined;
    const parts = [weighted ? weighted.map((c) => `${c.name} (weight ${unwrap(c.weight) ?? 0})`).join(', ') : String(action.cluster ?? action.cluster_header ?? '?')];
    if (action.timeout !== undefined) parts.push(`timeout ${durationText(action.timeout as Json)}`);
    if (action.idle_timeout !== undefined) parts.push(`idle timeout ${durationText(action.idle_timeout as Json)}`);
    const retry = action.retry_policy;
    if (isRecord(retry)) {
      const codes = retry.retriable_status_codes ? ` (${(retry.retriable_status_codes as unknown[]).join(', ')})` : '';
      parts.push(`${unwrap(retry.num_retries) ?? 1} retries on ${retry.retry_on}${codes}`);
      if (retry.per_try_timeout !== undefined) parts.push(`per-try timeout ${durationText(retry.per_try_timeout as Json)}`);
    }
    if (action.prefix_rewrite !== undefined) parts.push(`rewrite prefix to ${action.prefix_rewrite}`);
    return parts.join(' · ');
  }
  if (isRecord(route.redirect)) return `redirect ${[...flatten(route.redirect, '', new Map())].map(([k, v]) => `${k} ${v}`).join(', ')}`;
  if (isRecord(route.direct_response)) return `respond ${route.direct_response.status}`;
  return '?';
}

function routeEntries(resource: Json): ReadableEntry[] {
  const entries: ReadableEntry[] = [];
  const hosts = (resource.virtual_hosts as Json[] | undefined) ?? [];
  const hostKeys = elementKeys(hosts);
  hosts.forEach((host, h) => {
    const { routes, ...hostRest } = host;
    entries.push({ label: `virtual host ${hostKeys[h]}`, headline: `domains ${((host.domains as string[]) ?? []).join(', ')}`, facts: flatten({ ...hostRest, name: undefined }, '', new Map()) });
    const list = (routes as Json[] | undefined) ?? [];
    const routeKeys = elementKeys(list);
    list.forEach((route, r) => {
      const { name: _name, ...rest } = route;
      entries.push({ label: `${hostKeys[h]} › ${routeKeys[r]}`, headline: `${matchText((route.match as Json) ?? {})} → ${targetText(route)}`, facts: routeFacts(rest) });
    });
  });
  const { virtual_hosts: _hosts, name: _name, ...rest } = resource;
  if (Object.keys(rest).length > 0) entries.unshift({ label: '', headline: '', facts: flatten(rest, '', new Map()) });
  return entries;
}

function tlsText(socket: unknown): string | undefined {
  if (!isRecord(socket)) return undefined;
  const context = isRecord(socket.typed_config) ? socket.typed_config : {};
  const facts = flatten(context, '', new Map());
  const sni = context.sni ? ` sni ${context.sni}` : '';
  const mutual = [...facts.keys()].some((k) => k.includes('tls_certificate')) ? ', client certificate' : '';
  const validated = [...facts.keys()].some((k) => k.includes('validation_context')) ? ', peer validated' : '';
  return `TLS${sni}${mutual}${validated}`;
}

function clusterHeadline(cluster: Json): string {
  const parts = [String(cluster.type ?? 'EDS')];
  if (cluster.lb_policy) parts.push(`lb ${cluster.lb_policy}`);
  if (cluster.connect_timeout) parts.push(`connect timeout ${durationText(cluster.connect_timeout as Json)}`);
  const tls = tlsText(cluster.transport_socket);
  if (tls) parts.push(tls);
  if (isRecord(cluster.outlier_detection)) {
    const o = cluster.outlier_detection;
    parts.push(`outlier detection (${unwrap(o.consecutive_5xx) ?? 5} × 5xx, interval ${o.interval ? durationText(o.interval as Json) : '10s'}, ejection ${o.base_ejection_time ? durationText(o.base_ejection_time as Json) : '30s'})`);
  }
  if (Array.isArray(cluster.health_checks) && cluster.health_checks.length > 0) parts.push('health checked');
  const thresholds = isRecord(cluster.circuit_breakers) ? ((cluster.circuit_breakers.thresholds as Json[] | undefined) ?? [])[0] : undefined;
  if (thresholds) {
    const limits = Object.entries(thresholds)
      .map(([k, v]) => [k, unwrap(v)] as const)
      .filter(([, v]) => v !== 2147483647)
      .map(([k, v]) => `${k.replace(/_/g, ' ')} ${v}`);
    if (limits.length > 0) parts.push(`circuit breakers: ${limits.join(', ')}`);
  }
  return parts.join(' · ');
}

function listenerEntries(listener: Json): ReadableEntry[] {
  const { filter_chains, name: _name, ...rest } = listener;
  const chains = (filter_chains as Json[] | undefined) ?? [];
  const keys = elementKeys(chains);
  const address = isRecord(listener.address) && isRecord(listener.address.socket_address) ? listener.address.socket_address : {};
  const entries: ReadableEntry[] = [{ label: '', headline: `${address.address}:${address.port_value} · filter chains ${keys.join(', ')}`, facts: flatten(rest, '', new Map()) }];
  chains.forEach((chain, i) => {
    const tls = tlsText(chain.transport_socket);
    const filters = ((chain.filters as Json[] | undefined) ?? []).map((f) => shortName(String(f.name)));
    entries.push({ label: `filter chain ${keys[i]}`, headline: [filters.join(', '), tls].filter(Boolean).join(' · '), facts: flatten({ ...chain, name: undefined }, '', new Map()) });
  });
  return entries;
}

/** The entries of a decoded resource of the given type (the last segment of its type URL). */
export function readableEntries(typeName: string, resource: Json): ReadableEntry[] {
  switch (typeName) {
    case 'RouteConfiguration':
      return routeEntries(resource);
    case 'Listener':
      return listenerEntries(resource);
    case 'Cluster':
      return [{ label: '', headline: clusterHeadline(resource), facts: flatten({ ...resource, name: undefined }, '', new Map()) }];
    default: {
      const facts = flatten({ ...resource, name: undefined, cluster_name: undefined }, '', new Map());
      return [{ label: '', headline: `${facts.size} settings`, facts }];
    }
  }
}
