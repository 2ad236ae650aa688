// Per-stream token bucket for NACK reporting: a proxy (or anyone holding a stream) that NACKs
// thousands of times a minute gets `nacksPerMinute` of them logged and reported, and the rest
// counted. The protocol itself (never resending a rejected version) does not depend on it.

export class NackBudget {
  private tokens: number;
  private updatedAt: number;
  /** NACKs not reported since the last reported one. */
  private held = 0;
  /** NACKs never reported on this stream. */
  suppressed = 0;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = perMinute;
    this.updatedAt = now();
  }

  /**
   * Takes a token for one NACK: `{ report: true, suppressedBefore }` when it may be reported (with
   * how many were held back since the last reported one), `{ report: false }` when it is only counted.
   */
  take(): { report: true; suppressedBefore: number } | { report: false } {
    const now = this.now();
    this.tokens = Math.min(this.perMinute, this.tokens + ((now - this.updatedAt) * this.perMinute) / 60_000);
    this.updatedAt = now;
    if (this.tokens < 1) {
      this.held++;
      this.suppressed++;
      return { report: false };
    }
    this.tokens -= 1;
    const suppressedBefore = this.held;
    this.held = 0;
    return { report: true, suppressedBefore };
  }
}
