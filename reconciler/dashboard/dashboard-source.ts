// What the dashboard reads: the same views GET /api/environments, /api/proxies and
// /api/commits/<sha> answer with, the branch's latest commits, the state store (plans and the
// live model), and a signal when proxies ACK, NACK, connect or leave. The daemon provides it
// (reconciler/daemon/daemon-dashboard-source.ts); the dashboard never imports the daemon.
import { StateStore } from '../state/state-store';
import { CommitStatuses } from '../status/status';
import { ProxyStatus } from '../xds/proxy-session';
import type { ProxyMark } from '../../provider/graph';
import type { CoordinationStatus } from '../ha';
import type { TrafficReport } from '../demo/traffic-window';

export interface CommitInfo {
  commit: string;
  subject: string;
  author: string;
  date: string;
}

/**
 * The fields of an environment (GET /api/environments) the dashboard's server side reads; the
 * browser receives the daemon's whole view as JSON.
 */
export interface DashboardEnvironment {
  name: string;
  live?: { commit: string | null; servedAt: string };
  last?: { commit: string; result: string };
  reconciling?: { stage: string };
  proxies: { connected: number; synced: number; nacked: number; pending: number };
  drift: { state: string };
}

/** An environment's live commit and proxy counts: what the convergence recorder samples. */
export type EnvironmentProxyCounts = Pick<DashboardEnvironment, 'name' | 'live' | 'proxies'>;

export interface DashboardSource {
  environments(): DashboardEnvironment[];
  /** The `proxies` counts of environments(), without building every proxy's status (cheap enough to sample during a push). */
  proxyCounts(): EnvironmentProxyCounts[];
  proxies(): ProxyStatus[];
  /** The environment serving a proxy identity (`VirtualNode/apps/serviceA`). */
  environmentOf(identity: string): string | undefined;
  commit(sha: string): Promise<CommitStatuses | undefined>;
  /** The newest commits of the tracked branch, newest first. */
  recentCommits(limit: number): Promise<CommitInfo[]>;
  /** The repository and branch followed (GET /api/environments' `source`). */
  source(): unknown;
  store: StateStore;
  /** The replicas serving with this one, which of them leads, and whether the state store answers. */
  replicas(): CoordinationStatus;
  /** Proxies of an environment that drift from its live commit: stale versions, disconnected. */
  drifting(environment: string): ProxyMark[];
  /** Called when proxies ACK, NACK, connect or disconnect, and when new configuration is pushed to them. */
  onChange(listener: () => void): () => void;
  /** Where live calls go, when something measures it (`meshplane start --demo`'s client); else empty. */
  traffic(): TrafficReport[];
  /** Settings, e.g. MESHPLANE_DASHBOARD_TOKEN. */
  variables: NodeJS.ProcessEnv;
}
