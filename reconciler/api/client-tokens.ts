// `clientToken` idempotency as App Mesh had it: a call repeated with the same token and the same
// request (an SDK retry after a lost response) answers the first call's result without writing
// again; the same token with a different request is a ConflictException. Tokens are remembered
// per environment for TOKEN_WINDOW_MS, at most MAX_TOKENS (the oldest forgotten first); a failed
// call is forgotten at once, so its retry runs again.
import { ApiError } from './api-error';

export const TOKEN_WINDOW_MS = 60 * 60 * 1000;
export const MAX_TOKENS = 10_000;

interface Remembered {
  fingerprint: string;
  at: number;
  result: Promise<unknown>;
}

export class ClientTokens {
  private readonly tokens = new Map<string, Remembered>();

  constructor(
    private readonly windowMs = TOKEN_WINDOW_MS,
    private readonly maxTokens = MAX_TOKENS,
  ) {}

  /** Runs `call` once per (scope, token); `fingerprint` is the request without its token. */
  run<T>(scope: string, token: string | undefined, fingerprint: string, call: () => Promise<T>): Promise<T> {
    if (token === undefined) return call();
    const id = `${scope}\0${token}`;
    this.forgetExpired();
    const known = this.tokens.get(id);
    if (known) {
      if (known.fingerprint !== fingerprint) {
        return Promise.reject(new ApiError('ConflictException', `The request uses the clientToken ${token} of an earlier request with different parameters. Use a new clientToken for a different request.`));
      }
      return known.result as Promise<T>;
    }
    const result = call();
    this.tokens.set(id, { fingerprint, at: Date.now(), result });
    if (this.tokens.size > this.maxTokens) this.tokens.delete(this.tokens.keys().next().value!);
    result.catch(() => this.tokens.get(id)?.result === result && this.tokens.delete(id));
    return result;
  }

  private forgetExpired(): void {
    const oldest = Date.now() - this.windowMs;
    for (const [id, remembered] of this.tokens) {
      if (remembered.at >= oldest) break; // insertion order is age order
      this.tokens.delete(id);
    }
  }
}
