// Which proxies the mesh graph flags: NACKing (a type's sent version was rejected) from the
// /api/proxies inventory, and drifting ones the daemon reports. One mark per proxy identity;
// a NACK outranks drift.
import type { ProxyMark } from '../../provider/graph';

/** The part of GET /api/proxies entries the marks read. */
export interface ProxyStatusLike {
  identity: string;
  types: Record<string, { state?: string; lastNack?: { error: string; version: string } }>;
}

export function proxyMarks(proxies: readonly ProxyStatusLike[], drifting: readonly ProxyMark[] = []): ProxyMark[] {
  const marks = new Map<string, ProxyMark>();
  for (const mark of drifting) if (!marks.has(mark.proxy)) marks.set(mark.proxy, mark);
  for (const proxy of proxies) {
    const rejected = Object.entries(proxy.types ?? {}).filter(([, t]) => t.state === 'nacked' && t.lastNack);
    if (!rejected.length || marks.get(proxy.identity)?.state === 'nack') continue;
    const message = rejected.map(([type, t]) => `${type}: ${t.lastNack!.error}`).join('; ');
    marks.set(proxy.identity, { proxy: proxy.identity, state: 'nack', message });
  }
  return [...marks.values()].sort((a, b) => (a.proxy < b.proxy ? -1 : a.proxy > b.proxy ? 1 : 0));
}
