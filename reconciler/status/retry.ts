// Retrying a hosted API call on 5xx and network failures, with backoff and jitter.
import { Backoff, BackoffOptions, sleep } from '../source/backoff';

export interface RetryOptions {
  /** Attempts in all (the first one included). */
  attempts: number;
  backoff: BackoffOptions;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 4, backoff: { initialMs: 250, maxMs: 4000 } };

/** An outcome of one attempt: done, or failed (retried only when transient). */
export type Attempt<T> = { ok: true; value: T } | { ok: false; transient: boolean; status?: number; detail: string };

export async function withRetry<T>(options: RetryOptions, attempt: () => Promise<Attempt<T>>): Promise<{ result: Attempt<T>; attempts: number }> {
  const backoff = new Backoff(options.backoff);
  for (let n = 1; ; n += 1) {
    const result = await attempt();
    if (result.ok || !result.transient || n >= options.attempts) return { result, attempts: n };
    await sleep(backoff.next());
  }
}
