// The dashboard's view of a running daemon: the daemon provides what reconciler/dashboard reads.
import type { ProxyMark } from '../../provider/graph';
import type { DashboardSource } from '../dashboard';
import type { Daemon } from './daemon';

const FIELD = '\u001f';

function identityParts(identity: string): { kind: 'VirtualNode' | 'VirtualGateway'; meshName: string; name: string } {
  const [kind, meshName, name] = identity.split('/');
  return { kind: kind as 'VirtualNode', meshName, name };
}

export function daemonDashboardSource(daemon: Daemon): DashboardSource {
  const staleAfterMs = daemon.options.ackTimeoutMs ?? 30_000;
  return {
    environments: () => daemon.environments(),
    proxyCounts: () => daemon.proxyCounts(),
    proxies: () => daemon.xds.proxies(),
    environmentOf: (identity) => daemon.sources.environmentOf(identityParts(identity)),
    commit: (sha) => daemon.commitStatuses(sha),
    source: () => daemon.source?.status(),
    store: daemon.store,
    replicas: () => daemon.coordination.status(),
    traffic: () => daemon.traffic(),
    variables: daemon.options.variables ?? process.env,
    async recentCommits(limit) {
      const head = daemon.source?.status().head;
      if (!head) return [];
      const text = await daemon.source.checkout.git().raw(['log', `-n${limit}`, `--format=%H${FIELD}%s${FIELD}%an${FIELD}%aI`, head]);
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [commit, subject, author, date] = line.split(FIELD);
          return { commit, subject, author, date };
        });
    },
    drifting(environment) {
      const reconciler = daemon.reconcilers.get(environment);
      if (!reconciler) return [];
      const now = Date.now();
      const connected = reconciler.proxies();
      const marks: ProxyMark[] = [];
      for (const proxy of connected) {
        const stale = Object.entries(proxy.types).find(([, t]) => t.state === 'pending' && t.sent && now - Date.parse(t.sent.at) > staleAfterMs);
        if (stale) marks.push({ proxy: proxy.identity, state: 'drift', message: `has not ACKed ${stale[0]} ${stale[1].sent!.version.slice(0, 8)} for ${Math.round((now - Date.parse(stale[1].sent!.at)) / 1000)}s` });
      }
      const here = new Set(connected.map((p) => p.identity));
      const source = daemon.sources.of(environment);
      for (const identity of reconciler.seenProxies) {
        if (!here.has(identity) && source.knows(identityParts(identity))) marks.push({ proxy: identity, state: 'drift', message: 'disconnected' });
      }
      return marks;
    },
    onChange(listener) {
      const events = ['ack', 'nack', 'stream'] as const;
      for (const event of events) daemon.xds.on(event, listener);
      // A new translation is pushed to the proxies as it is announced: they are pending from then on.
      // Announced while the environment switches to the new commit: look once it has.
      const unsubscribe = daemon.sources.subscribe(() => void setImmediate(listener));
      return () => {
        for (const event of events) daemon.xds.off(event, listener);
        unsubscribe();
      };
    },
  };
}
