// What the daemon benchmarks wait for: every connected proxy synced on a route table newer than
// the one before the change; and the percentiles they report.
import { Daemon } from '../../reconciler/daemon/daemon';

export function routeVersion(daemon: Daemon): string | undefined {
  return daemon.xds.proxies()[0]?.types.routeConfiguration?.acked?.version;
}

/** `count` proxies connected and synced, on a route table other than `before`. */
export function allAcked(daemon: Daemon, count: number, before: string | undefined): boolean {
  const proxies = daemon.xds.proxies();
  return (
    proxies.length === count &&
    proxies.every((p) => {
      const route = p.types.routeConfiguration;
      return route?.acked !== undefined && route.acked.version !== before && Object.values(p.types).every((t) => t.state === 'synced');
    })
  );
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
