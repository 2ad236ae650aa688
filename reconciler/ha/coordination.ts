// What the daemon asks about the other replicas: am I the leader, tell me when that changes, run
// this write only while I lead, and tell me when the leader applied a new revision. The embedded
// store has one replica, which always leads; the etcd store elects one among many.
import { EventEmitter } from 'node:events';
import * as os from 'node:os';
import { randomBytes } from 'node:crypto';
import { EtcdStateStore } from '../state/etcd-state-store';
import { AppliedRevision } from '../state/state-types';
import { EtcdConnection, ETCD_ATTEMPT_TIMEOUT_MS } from './etcd-connection';
import { LeaderElection } from './leader-election';
import { ReplicaInfo, ReplicaMembership } from './replica-membership';

export interface StoreHealth {
  /** Whether the shared store answered its last probe (always true for the embedded store). */
  reachable: boolean;
  /** Why it did not, for /readyz and the status API. */
  error?: string;
  checkedAt: string;
}

export interface CoordinationStatus {
  backend: 'embedded' | 'etcd';
  replicaId: string;
  leader: boolean;
  /** The leading replica's id, when known. */
  leaderId?: string;
  leaderSince?: string;
  replicas: ReplicaInfo[];
  store: StoreHealth;
}

export interface Coordination {
  readonly backend: 'embedded' | 'etcd';
  readonly replicaId: string;
  /** Starts campaigning and following the other replicas (resolves at once; etcd may still be down). */
  start(self: Omit<ReplicaInfo, 'id' | 'host' | 'pid' | 'startedAt'>): void;
  stop(): Promise<void>;
  isLeader(): boolean;
  /** Called with true when this replica becomes the leader and false when it stops leading. */
  onLeadership(listener: (leader: boolean) => void): () => void;
  /**
   * Runs a write that only the leader may make (a commit status, a Terraform apply); throws
   * NotLeaderError without running it otherwise. State commits are fenced in etcd itself as well.
   */
  fencedWrite<T>(what: string, write: () => Promise<T>): Promise<T>;
  /**
   * Called when an environment's applied revision changes in the shared store (followers serve it),
   * with the revision when the change delivered it (no read needed).
   */
  onAppliedRevision(listener: (environment: string, revision: number, applied?: AppliedRevision) => void): () => void;
  /** Called when the shared store answers again after it did not (a reconcile that failed on it can be retried). */
  onStoreRecovered(listener: () => void): () => void;
  status(): CoordinationStatus;
}

export function newReplicaId(): string {
  return `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** One process with the embedded store: it always leads, and nobody else applies anything. */
export class SingleReplicaCoordination implements Coordination {
  readonly backend = 'embedded';
  private self: ReplicaInfo;
  private readonly since = new Date().toISOString();

  constructor(readonly replicaId: string = newReplicaId()) {
    this.self = { id: replicaId, host: os.hostname(), pid: process.pid, startedAt: this.since };
  }

  start(self: Omit<ReplicaInfo, 'id' | 'host' | 'pid' | 'startedAt'>): void {
    this.self = { ...this.self, ...self };
  }

  async stop(): Promise<void> {}

  isLeader(): boolean {
    return true;
  }

  onLeadership(listener: (leader: boolean) => void): () => void {
    queueMicrotask(() => listener(true));
    return () => undefined;
  }

  fencedWrite<T>(_what: string, write: () => Promise<T>): Promise<T> {
    return write();
  }

  onAppliedRevision(): () => void {
    return () => undefined;
  }

  onStoreRecovered(): () => void {
    return () => undefined;
  }

  status(): CoordinationStatus {
    return {
      backend: 'embedded',
      replicaId: this.replicaId,
      leader: true,
      leaderId: this.replicaId,
      leaderSince: this.since,
      replicas: [this.self],
      store: { reachable: true, checkedAt: new Date().toISOString() },
    };
  }
}

export interface EtcdCoordinationOptions {
  replicaId?: string;
  /** How often etcd's reachability is probed (and the leader's id refreshed). */
  probeIntervalMs?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

/** Several replicas on etcd: leader election with a lease, fenced commits, membership, applied-revision watch. */
export class EtcdCoordination implements Coordination {
  readonly backend = 'etcd';
  readonly replicaId: string;
  readonly election: LeaderElection;
  private membership: ReplicaMembership | undefined;
  private readonly events = new EventEmitter<{ leadership: [boolean]; applied: [string, number, AppliedRevision | undefined]; recovered: []; lease: [string] }>();
  private membershipLease: string | undefined;
  private health: StoreHealth = { reachable: false, error: 'not checked yet', checkedAt: new Date().toISOString() };
  private leaderId: string | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private stopWatch: (() => Promise<void>) | undefined;
  private readonly startedAt = new Date().toISOString();
  private stopped = false;

  constructor(
    private readonly connection: EtcdConnection,
    private readonly store: EtcdStateStore,
    private readonly options: EtcdCoordinationOptions = {},
  ) {
    this.replicaId = options.replicaId ?? newReplicaId();
    this.election = new LeaderElection(connection, { value: this.replicaId, ttlSeconds: connection.settings.leaseTtlSeconds, log: options.log });
    this.election.on('elected', () => {
      this.leaderId = this.replicaId;
      this.events.emit('leadership', true);
    });
    this.election.on('deposed', () => this.events.emit('leadership', false));
    // Every commit of this replica carries the leader fence; a deposed leader's commit fails in etcd.
    store.fenceWith((what) => this.election.fence(what));
  }

  start(self: Omit<ReplicaInfo, 'id' | 'host' | 'pid' | 'startedAt'>): void {
    const info: ReplicaInfo = { id: this.replicaId, host: os.hostname(), pid: process.pid, startedAt: this.startedAt, ...self };
    this.membership = new ReplicaMembership(this.connection, info, this.connection.settings.leaseTtlSeconds, (leaseId) => {
      this.membershipLease = leaseId;
      this.events.emit('lease', leaseId);
    });
    this.membership.start();
    this.election.start();
    void this.watchApplied();
    void this.probe();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.probeTimer);
    await this.stopWatch?.().catch(() => undefined);
    await this.election.stop();
    await this.membership?.stop();
  }

  isLeader(): boolean {
    return this.election.isLeader();
  }

  onLeadership(listener: (leader: boolean) => void): () => void {
    this.events.on('leadership', listener);
    if (this.isLeader()) queueMicrotask(() => listener(true));
    return () => this.events.off('leadership', listener);
  }

  async fencedWrite<T>(what: string, write: () => Promise<T>): Promise<T> {
    this.election.fence(what);
    return write();
  }

  onAppliedRevision(listener: (environment: string, revision: number, applied?: AppliedRevision) => void): () => void {
    this.events.on('applied', listener);
    return () => this.events.off('applied', listener);
  }

  onStoreRecovered(listener: () => void): () => void {
    this.events.on('recovered', listener);
    return () => this.events.off('recovered', listener);
  }

  /** The lease of this replica's membership key, now (if registered) and whenever it is replaced; keys on it vanish with the replica. */
  onMembershipLease(listener: (leaseId: string) => void): () => void {
    this.events.on('lease', listener);
    if (this.membershipLease) listener(this.membershipLease);
    return () => this.events.off('lease', listener);
  }

  status(): CoordinationStatus {
    const leader = this.isLeader();
    const since = this.election.leaderSince();
    return {
      backend: 'etcd',
      replicaId: this.replicaId,
      leader,
      leaderId: leader ? this.replicaId : this.leaderId,
      ...(since !== undefined ? { leaderSince: new Date(since).toISOString() } : {}),
      replicas: this.membership?.replicas() ?? [],
      store: this.health,
    };
  }

  private async watchApplied(): Promise<void> {
    try {
      this.stopWatch = await this.store.watchApplied((environment, revision, applied) => this.events.emit('applied', environment, revision, applied));
    } catch {
      if (!this.stopped) setTimeout(() => void this.watchApplied(), 1_000).unref();
    }
  }

  /** A cheap read with a short deadline: is a majority of etcd answering? Also learns who leads. */
  private async probe(): Promise<void> {
    if (this.stopped) return;
    try {
      this.leaderId = this.isLeader() ? this.replicaId : await withTimeout(this.election.leader(), ETCD_ATTEMPT_TIMEOUT_MS);
      const recovered = !this.health.reachable;
      this.health = { reachable: true, checkedAt: new Date().toISOString() };
      if (recovered) {
        this.options.log?.('etcd is reachable');
        this.events.emit('recovered');
      }
    } catch (error) {
      if (this.health.reachable) this.options.log?.('etcd is unreachable; serving the last configuration', { error: (error as Error).message });
      this.health = {
        reachable: false,
        error: `etcd at ${this.connection.endpoints.join(', ')} is unreachable (${(error as Error).message}); serving the last applied configuration`,
        checkedAt: new Date().toISOString(),
      };
    }
    this.probeTimer = setTimeout(() => void this.probe(), this.options.probeIntervalMs ?? 1_000);
    this.probeTimer.unref();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error) => (clearTimeout(timer), reject(error)),
    );
  });
}
