// Small builders for Envoy's common message shapes, written so a built object equals its
// decoded form (proto3 drops default values, so these never emit them).
import type { Duration } from '../../schemas/types';
import { durationMillis } from '../rules/duration';
import { Json } from './proto-codec';

export type Flavour = 'envoy' | 'grpc';

/** google.protobuf.Duration from milliseconds. */
export function duration(ms: number): Json {
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.round((ms - seconds * 1000) * 1e6);
  const out: Json = {};
  if (seconds) out.seconds = seconds;
  if (nanos) out.nanos = nanos;
  return out;
}

/** Milliseconds of an App Mesh `{unit, value}` duration, or the default when it is absent. */
export function millisOr(value: Duration | undefined, fallback: number): number {
  return durationMillis(value) ?? fallback;
}

/** google.protobuf.UInt32Value (and the other integer wrappers). */
export function wrapped(value: number): Json {
  return value ? { value } : {};
}

export function typed(typeUrl: string, value: Json = {}): Json {
  return { '@type': typeUrl, ...value };
}

/** Config source for resources delivered on the same ADS stream. */
export const ADS_CONFIG_SOURCE: Json = { ads: {}, resource_api_version: 'V3' };

export function socketAddress(address: string, port: number): Json {
  return { socket_address: { address, port_value: port } };
}

/** Escapes a literal for RE2. */
export function escapeRegex(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
