// What the dashboard shows, as one snapshot pushed to browsers over server-sent events: the
// environments (GET /api/environments), the proxies (GET /api/proxies, each with its
// environment), and the pipeline of the branch's latest commits with their statuses. A new
// snapshot goes out when it changed: at once on ACK/NACK/connect events, else within a poll
// interval while anyone watches. Every change also feeds the convergence recorder.
import { RecordedStatus } from '../status/status';
import { ProxyStatus } from '../xds/proxy-session';
import { ConvergenceRecorder } from './convergence';
import { CommitInfo, DashboardEnvironment, DashboardSource } from './dashboard-source';
import type { CoordinationStatus } from '../ha';
import type { TrafficReport } from '../demo/traffic-window';

export interface DashboardProxy extends ProxyStatus {
  environment?: string;
}

export interface PipelineCommit extends CommitInfo {
  statuses: RecordedStatus[];
}

export interface DashboardSnapshot {
  at: string;
  source: unknown;
  environments: DashboardEnvironment[];
  proxies: DashboardProxy[];
  commits: PipelineCommit[];
  replicas: CoordinationStatus;
  traffic: TrafficReport[];
}

export interface LiveStateOptions {
  pollMs?: number;
  /** How often the commit pipeline (git log, statuses) is read again. */
  commitsMs?: number;
  commitLimit?: number;
  /** Least time between two pushed snapshots. */
  throttleMs?: number;
}

const OBSERVE_MS = 50;
/** Sampling takes at most 1/OBSERVE_COST_FACTOR of a core... */
const OBSERVE_COST_FACTOR = 20;
/**
 * ...but samples at least this often during a push: its first sample costs the most (it finds
 * what every proxy lacks, which the sync wait then reuses), and the chart needs the ones between.
 */
const OBSERVE_MAX_MS = 250;

export class LiveState {
  readonly convergence = new ConvergenceRecorder();
  private readonly listeners = new Set<(snapshot: DashboardSnapshot) => void>();
  private commits: PipelineCommit[] = [];
  private commitsReadAt = 0;
  private commitsKey = '';
  private lastSent = '';
  private timer: NodeJS.Timeout | undefined;
  private pending: NodeJS.Timeout | undefined;
  private lastPushAt = 0;
  private observedAt = 0;
  private observeEveryMs = OBSERVE_MS;
  private observeLater: NodeJS.Timeout | undefined;
  private readonly options: Required<LiveStateOptions>;

  constructor(
    private readonly source: DashboardSource,
    options: LiveStateOptions = {},
  ) {
    this.options = { pollMs: 1000, commitsMs: 2000, commitLimit: 8, throttleMs: 150, ...options };
    source.onChange(() => this.changed());
  }

  /** The current snapshot (reads the commit pipeline when it is due). */
  async snapshot(): Promise<DashboardSnapshot> {
    const environments = this.source.environments();
    this.convergence.observe(environments);
    const proxies = this.source.proxies().map((p) => ({ ...p, environment: this.source.environmentOf(p.identity) }));
    // The live, last and reconciling commits changing means new statuses: read the pipeline again.
    const key = JSON.stringify(environments.map((e) => [e.live?.commit, e.last?.commit, e.last?.result, e.reconciling?.stage, e.drift.state]));
    if (key !== this.commitsKey || Date.now() - this.commitsReadAt >= this.options.commitsMs) {
      this.commitsKey = key;
      this.commitsReadAt = Date.now();
      this.commits = await this.readCommits().catch(() => this.commits);
    }
    return { at: new Date().toISOString(), source: this.source.source(), environments, proxies, commits: this.commits, replicas: this.source.replicas(), traffic: this.source.traffic() };
  }

  /** Pushes every changed snapshot to `listener` until the returned function is called. */
  subscribe(listener: (snapshot: DashboardSnapshot) => void): () => void {
    this.listeners.add(listener);
    if (!this.timer) {
      this.timer = setInterval(() => this.changed(), this.options.pollMs);
      this.timer.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  private async readCommits(): Promise<PipelineCommit[]> {
    const commits = await this.source.recentCommits(this.options.commitLimit);
    return Promise.all(commits.map(async (c) => ({ ...c, statuses: (await this.source.commit(c.commit).catch(() => undefined))?.statuses ?? [] })));
  }

  /** Something may have changed: observe convergence, and push a new snapshot (throttled) to watchers. */
  private changed(): void {
    this.observeConvergence();
    if (this.listeners.size === 0 || this.pending) return;
    const wait = Math.max(0, this.lastPushAt + this.options.throttleMs - Date.now());
    this.pending = setTimeout(() => void this.push(), wait);
    this.pending.unref();
  }

  /**
   * Samples at the first event of a burst (a push's first ACK shows the other types still
   * pending) and once more after it settles, in between at most every OBSERVE_MS, or every
   * OBSERVE_COST_FACTOR times what the last sample cost when that is longer: it runs on every
   * replica, watched or not, on the cores the proxies' ACKs need.
   */
  private observeConvergence(): void {
    const now = Date.now();
    if (now - this.observedAt >= this.observeEveryMs) {
      this.sampleConvergence();
      return;
    }
    if (this.observeLater) return;
    this.observeLater = setTimeout(() => {
      this.observeLater = undefined;
      this.sampleConvergence();
    }, this.observeEveryMs);
    this.observeLater.unref();
  }

  private sampleConvergence(): void {
    const started = performance.now();
    this.observedAt = Date.now();
    this.convergence.observe(this.source.proxyCounts());
    this.observeEveryMs = Math.min(OBSERVE_MAX_MS, Math.max(OBSERVE_MS, (performance.now() - started) * OBSERVE_COST_FACTOR));
  }

  private async push(): Promise<void> {
    this.lastPushAt = Date.now();
    try {
      const snapshot = await this.snapshot();
      const { at: _at, ...content } = snapshot;
      const text = JSON.stringify(content);
      if (text === this.lastSent) return;
      this.lastSent = text;
      for (const listener of this.listeners) listener(snapshot);
    } finally {
      this.pending = undefined;
    }
  }
}
