// What one ADS stream may ask of the server: how many resource names it may subscribe to, how long
// a name may be, how often its NACKs are logged and recorded, and how long it may stay silent
// before its first valid request. Anyone who reaches the xDS port can open a stream, so each of
// these bounds the memory and log volume a single peer can cause.

export interface StreamLimits {
  /** Resource names one stream may hold subscribed, all types together (delta subscriptions, SotW names, initial versions). */
  maxSubscriptionsPerStream: number;
  /** Longest resource name accepted, in bytes. */
  maxResourceNameBytes: number;
  /** NACKs per stream per minute that are logged and reported; more are counted, not logged one by one. */
  nacksPerMinute: number;
  /** A stream that sends no valid first request within this is closed; 0 never closes it. */
  idleTimeoutMs: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  maxSubscriptionsPerStream: 10_000,
  maxResourceNameBytes: 1_024,
  nacksPerMinute: 30,
  idleTimeoutMs: 30_000,
};

/** The most of a proxy's NACK text kept anywhere (introspection, statuses, logs). */
export const MAX_NACK_TEXT_BYTES = 4 * 1024;

/** Cuts `text` to at most MAX_NACK_TEXT_BYTES of UTF-8, saying how much was dropped. */
export function truncateNackText(text: string): string {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= MAX_NACK_TEXT_BYTES) return text;
  const marker = ` … [truncated: ${bytes} bytes]`;
  let kept = Buffer.from(text, 'utf8').subarray(0, MAX_NACK_TEXT_BYTES - Buffer.byteLength(marker)).toString('utf8');
  // A cut inside a multi-byte character decodes to U+FFFD: drop it.
  if (kept.endsWith('\uFFFD')) kept = kept.slice(0, -1);
  return kept + marker;
}
