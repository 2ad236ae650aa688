// The demo's live view of where calls go: the outcomes of the last `size` calls of one client to
// one target (a backend's name, or a failure's gRPC code), and each backend's share of them. A
// weight change shows up as the shares moving while the oldest calls leave the window.

export interface TrafficReport {
  /** The client's proxy identity, e.g. VirtualNode/apps/serviceA. */
  from: string;
  /** The xds:/// target it calls. */
  target: string;
  /** Calls in the window (at most the window's size). */
  calls: number;
  /** Successful calls per backend in the window. */
  backends: Record<string, number>;
  /** Failed calls per gRPC status in the window. */
  failed: Record<string, number>;
  /** Calls per second over the last few seconds. */
  rate: number;
  at: string;
}

export type CallOutcome = { backend: string } | { failed: string };

const RATE_SPAN_MS = 3_000;

export class TrafficWindow {
  private readonly outcomes: CallOutcome[] = [];
  private readonly times: number[] = [];

  constructor(
    readonly from: string,
    readonly target: string,
    private readonly size = 200,
  ) {}

  add(outcomes: readonly CallOutcome[], now = Date.now()): void {
    for (const outcome of outcomes) {
      this.outcomes.push(outcome);
      this.times.push(now);
    }
    const excess = this.outcomes.length - this.size;
    if (excess > 0) {
      this.outcomes.splice(0, excess);
      this.times.splice(0, excess);
    }
  }

  report(now = Date.now()): TrafficReport {
    const backends: Record<string, number> = {};
    const failed: Record<string, number> = {};
    for (const outcome of this.outcomes) {
      if ('backend' in outcome) backends[outcome.backend] = (backends[outcome.backend] ?? 0) + 1;
      else failed[outcome.failed] = (failed[outcome.failed] ?? 0) + 1;
    }
    const recent = this.times.filter((t) => now - t <= RATE_SPAN_MS).length;
    return { from: this.from, target: this.target, calls: this.outcomes.length, backends, failed, rate: Math.round(recent / (RATE_SPAN_MS / 1000)), at: new Date(now).toISOString() };
  }
}

/** "serviceB 75% · serviceBv2 25%" (and failures), for the terminal. */
export function describeShares(report: TrafficReport): string {
  if (report.calls === 0) return 'no calls yet';
  const percent = (n: number) => `${Math.round((100 * n) / report.calls)}%`;
  const parts = Object.entries(report.backends)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([backend, n]) => `${backend} ${percent(n)}`);
  const failures = Object.values(report.failed).reduce((a, b) => a + b, 0);
  if (failures > 0) parts.push(`failed ${percent(failures)} (${Object.keys(report.failed).join(', ')})`);
  return parts.join(' · ');
}
