// §3.1 Duration `{unit: s|ms, value}` in milliseconds, for comparing timeouts.
import { asNumber, asObject } from './values';

/** Envoy's per-request timeout when none is configured (TO-2, §12.3). */
export const DEFAULT_PER_REQUEST_MS = 15_000;

export function durationMillis(value: unknown): number | undefined {
  const duration = asObject(value);
  const amount = asNumber(duration?.value);
  if (amount === undefined) return undefined;
  if (duration?.unit === 's') return amount * 1000;
  if (duration?.unit === 'ms') return amount;
  return undefined;
}

/** `15 s`, `2500 ms`: how messages show a duration. */
export function formatMillis(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
