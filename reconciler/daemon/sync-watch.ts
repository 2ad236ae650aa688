// The sync stage: after a push, wait (up to a timeout) until every connected proxy of the
// environment has ACKed what it was sent and everything its configuration needs (the dependency
// closure, see xds/dependency-closure.ts), or NACKed any of it; then say so in one line.
import { ProxySummary, summaryState } from '../ha';
import { XdsServer } from '../xds/xds-server';
import { StatusState } from '../status/status';

export interface ProxyNack {
  identity: string;
  name: string;
  type: string;
  error: string;
}

export interface SyncReport {
  /** Connected proxy streams of the environment. */
  total: number;
  /** Those on everything they were sent. */
  acked: number;
  nacked: ProxyNack[];
  /** Identities still waiting to ACK. */
  pending: string[];
  /** What the first pending proxy lacks, when known: `serviceA has not ACKed cluster cds-c`. */
  waiting?: string;
}

export type SyncEnd = 'synced' | 'timeout' | 'superseded' | 'stopping';

export function syncReport(proxies: readonly ProxySummary[]): SyncReport {
  const report: SyncReport = { total: proxies.length, acked: 0, nacked: [], pending: [] };
  for (const proxy of proxies) {
    const state = summaryState(proxy);
    const types = Object.entries(proxy.types);
    if (state === 'nacked') {
      const [type, nack] = types.find(([, t]) => t.state === 'nacked')!;
      report.nacked.push({ identity: proxy.identity, name: proxy.name, type, error: nack.lastNack?.error ?? 'rejected' });
    } else if (state === 'pending') {
      report.pending.push(proxy.identity);
      const lacking = types.find(([, t]) => t.state === 'pending' && t.missing?.length);
      if (lacking && !report.waiting) report.waiting = `${proxy.name} has not ACKed ${lacking[0]} ${lacking[1].missing!.join(', ')}`;
    } else report.acked += 1;
  }
  return report;
}

export interface WaitOptions {
  timeoutMs: number;
  /** Polled while waiting: a newer revision, or a shutdown, ends the wait early. */
  interrupted: () => 'superseded' | 'stopping' | undefined;
}

/**
 * Resolves when no proxy of the environment is pending, or the wait ends otherwise. Driven by the
 * server's events, but a burst of them (1,000 proxies ACKing one push) is judged once: a check
 * builds every proxy's status, so one per event would cost N × N.
 */
export function waitForSync(server: XdsServer, proxies: () => ProxySummary[], options: WaitOptions): Promise<{ report: SyncReport; end: SyncEnd }> {
  return new Promise((resolve) => {
    const started = Date.now();
    let scheduled: NodeJS.Immediate | undefined;
    const check = () => {
      scheduled = undefined;
      const report = syncReport(proxies());
      const interruption = options.interrupted();
      let end: SyncEnd | undefined;
      if (report.pending.length === 0) end = 'synced';
      else if (interruption) end = interruption;
      else if (Date.now() - started >= options.timeoutMs) end = 'timeout';
      if (!end) return;
      clearInterval(timer);
      if (scheduled) clearImmediate(scheduled);
      server.off('ack', onEvent).off('nack', onEvent).off('stream', onEvent);
      resolve({ report, end });
    };
    // After the events already read from the sockets in this turn of the event loop.
    const onEvent = () => {
      scheduled ??= setImmediate(check);
    };
    // Events answer within the turn; the interval catches timeouts and interruptions.
    const timer = setInterval(onEvent, 100);
    server.on('ack', onEvent).on('nack', onEvent).on('stream', onEvent);
    check();
  });
}

const MAX_LISTED = 3;

/** `12/12 proxies on a1b2c3d`, `11/12 ACKed, serviceB NACKed: <error>`, … */
export function describeSync(report: SyncReport, end: SyncEnd, short: string, timeoutMs: number): { state: StatusState; description: string } {
  if (report.nacked.length > 0) {
    const first = report.nacked[0];
    const others = report.nacked.length > 1 ? ` (+${report.nacked.length - 1} more)` : '';
    return { state: 'failure', description: `${report.acked}/${report.total} ACKed, ${first.name} NACKed ${first.type}${others}: ${first.error}` };
  }
  if (report.total === 0) return { state: 'success', description: `0 proxies connected; ${short} is served to proxies as they connect` };
  if (end === 'synced') return { state: 'success', description: `${report.acked}/${report.total} proxies on ${short}` };
  const waiting = names(report.pending);
  if (end === 'timeout') {
    const lacking = report.waiting ? ` (${report.waiting})` : '';
    return { state: 'failure', description: `${report.acked}/${report.total} ACKed within ${Math.round(timeoutMs / 1000)}s; no answer from ${waiting}${lacking}` };
  }
  if (end === 'superseded') return { state: 'error', description: `superseded by a newer commit after ${report.acked}/${report.total} ACKed` };
  return { state: 'error', description: `daemon stopped after ${report.acked}/${report.total} ACKed; it resumes on restart` };
}

function names(identities: string[]): string {
  const short = identities.map((identity) => identity.split('/').pop() ?? identity);
  return short.slice(0, MAX_LISTED).join(', ') + (short.length > MAX_LISTED ? ` and ${short.length - MAX_LISTED} more` : '');
}
