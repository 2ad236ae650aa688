// HTTP/2 keepalive pings for every connection from one timer: a connection is pinged every
// `timeMs` and closed when a ping goes unanswered for `timeoutMs` (a dead proxy, a half-open TCP
// connection). One sweep instead of a timer per connection keeps each connection's cost to a map
// entry.
import type * as http2 from 'node:http2';
import { performance } from 'node:perf_hooks';

export interface KeepaliveOptions {
  timeMs: number;
  timeoutMs: number;
}

/** A ping every 30 s, 10 s to answer (xds.limits.keepalive's defaults). */
export const DEFAULT_KEEPALIVE: KeepaliveOptions = { timeMs: 30_000, timeoutMs: 10_000 };

const now = () => Math.round(performance.now());

export class KeepaliveSweep {
  /** Per connection: when its next ping is due, or (negative) the deadline of the ping in flight. */
  private readonly due = new Map<http2.Http2Session, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: KeepaliveOptions) {
    this.timer = setInterval(() => this.sweep(), Math.max(10, Math.min(options.timeMs, options.timeoutMs) / 4));
    this.timer.unref();
  }

  track(session: http2.Http2Session): void {
    this.due.set(session, now() + this.options.timeMs);
  }

  forget(session: http2.Http2Session): void {
    this.due.delete(session);
  }

  stop(): void {
    clearInterval(this.timer);
    this.due.clear();
  }

  private sweep(): void {
    const time = now();
    for (const [session, due] of this.due) {
      if (session.destroyed || session.closed) {
        this.due.delete(session);
      } else if (due < 0) {
        if (time > -due) {
          this.due.delete(session);
          session.destroy();
        }
      } else if (time >= due) {
        this.ping(session, time);
      }
    }
  }

  private ping(session: http2.Http2Session, time: number): void {
    const sent = session.ping((error) => {
      if (!error && this.due.has(session)) this.due.set(session, now() + this.options.timeMs);
    });
    if (sent) this.due.set(session, -(time + this.options.timeoutMs));
  }
}
