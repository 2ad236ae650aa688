// Route retry policies and timeouts (envoy-mapping.md §6.5, §8). Envoy sidecars get the
// Envoy fields; proxyless gRPC gets what gRPC's xDS client reads (gRFC A44 retries, A31
// `max_stream_duration` timeouts) and nothing it would ignore.
import type { Duration, GrpcRetryPolicy, HttpRetryPolicy, HttpTimeout, TcpTimeout } from '../../schemas/types';
import { DEFAULT_PER_REQUEST_MS } from '../rules/duration';
import { Json } from './proto-codec';
import { duration, Flavour, millisOr, wrapped } from './envoy-values';

export const DEFAULT_IDLE_MS = 300_000;
export const DEFAULT_MAX_RETRIES = 2;

/** [I] App Mesh retry events → Envoy `retry_on` (envoy-mapping.md §6.5 table). */
const HTTP_EVENTS: Record<string, string> = {
  'server-error': '5xx',
  'gateway-error': 'gateway-error',
  'client-error': 'retriable-4xx',
  'stream-error': 'refused-stream',
};
const TCP_EVENTS: Record<string, string> = { 'connection-error': 'connect-failure' };

/** The status codes gRPC's xDS client retries on (grpc-js-xds RETRY_CODES, gRFC A44). */
export const GRPC_RETRY_CODES = new Set(['cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable']);

/** App Mesh's hidden default policy: 2 retries on 503, UNAVAILABLE, connect-failure, refused-stream and reset. */
function defaultRetryPolicy(flavour: Flavour): Json {
  if (flavour === 'grpc') return { retry_on: 'unavailable', num_retries: wrapped(DEFAULT_MAX_RETRIES) };
  return {
    retry_on: 'connect-failure,refused-stream,reset,unavailable,retriable-status-codes',
    retriable_status_codes: [503],
    num_retries: wrapped(DEFAULT_MAX_RETRIES),
  };
}

/**
 * The retry policy of one Envoy route: the user's (which replaces the default, never merged),
 * else App Mesh's default when the environment keeps it (`defaultRetryPolicy`).
 */
export function retryPolicy(policy: HttpRetryPolicy | GrpcRetryPolicy | undefined, flavour: Flavour, useDefault: boolean): Json | undefined {
  if (!policy) return useDefault ? defaultRetryPolicy(flavour) : undefined;
  const events: string[] = [];
  for (const event of policy.httpRetryEvents ?? []) if (HTTP_EVENTS[event]) events.push(HTTP_EVENTS[event]);
  for (const event of policy.tcpRetryEvents ?? []) if (TCP_EVENTS[event]) events.push(TCP_EVENTS[event]);
  for (const event of (policy as GrpcRetryPolicy).grpcRetryEvents ?? []) events.push(event);
  const retryOn = [...new Set(flavour === 'grpc' ? events.filter((e) => GRPC_RETRY_CODES.has(e)) : events)];
  const maxRetries = policy.maxRetries ?? 0;
  // gRPC rejects num_retries < 1 and ignores policies without a gRPC status code.
  if (retryOn.length === 0 || (flavour === 'grpc' && maxRetries < 1)) return undefined;
  const out: Json = { retry_on: retryOn.join(','), num_retries: wrapped(maxRetries) };
  const perTry = perTryMillis(policy.perRetryTimeout);
  if (flavour === 'envoy' && perTry !== undefined) out.per_try_timeout = duration(perTry);
  return out;
}

function perTryMillis(value: Duration | undefined): number | undefined {
  return value ? millisOr(value, 0) : undefined;
}

/** Per-request and idle timeouts of an HTTP/HTTP2/gRPC route (15 s and 300 s by default; 0 disables). */
export function routeTimeouts(timeout: HttpTimeout | undefined, flavour: Flavour): Json {
  const perRequest = millisOr(timeout?.perRequest, DEFAULT_PER_REQUEST_MS);
  if (flavour === 'grpc') return { max_stream_duration: { max_stream_duration: duration(perRequest) } };
  return { timeout: duration(perRequest), idle_timeout: duration(millisOr(timeout?.idle, DEFAULT_IDLE_MS)) };
}

export function tcpIdleTimeout(timeout: TcpTimeout | undefined): Json {
  return duration(millisOr(timeout?.idle, DEFAULT_IDLE_MS));
}
