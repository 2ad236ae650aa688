// Leader election over etcd's election recipe (etcd3's Election API): every replica campaigns with
// a lease; the oldest live campaign key leads. The fencing token is the create revision of the
// leader key: state writes compare it inside their transaction, so once the lease expires (and etcd
// deletes the key) a deposed leader's write fails in etcd itself.
//
// Locally the leader also stops writing before another replica can start: each keep-alive that
// etcd answers proves the lease alive until (time the keep-alive was sent + TTL). Past that instant
// — a partition, or a GC pause that stopped the timers — isLeader() is false and fence() throws.
import { EventEmitter } from 'node:events';
import { Campaign, Election, Lease } from 'etcd3';
import { EtcdConnection } from './etcd-connection';
import { NotLeaderError } from './errors';

export const ELECTION_NAME = 'leader';
/** Local leadership ends this much before the lease can expire in etcd (clock rates differ slightly). */
const SAFETY_MARGIN = { fraction: 0.05, minMs: 250 };
const RECAMPAIGN_DELAY_MS = 500;
/** Resigning waits this long for etcd; past it the campaign lease simply expires. */
const RESIGN_TIMEOUT_MS = 2_000;

export interface Fence {
  /** The leader key, relative to the connection's prefix. */
  key: string;
  createRevision: string;
}

export interface LeaderElectionEvents {
  elected: [Fence];
  deposed: [string];
}

export interface LeaderElectionOptions {
  /** What other replicas see as the leader (this replica's id). */
  value: string;
  ttlSeconds: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export class LeaderElection extends EventEmitter<LeaderElectionEvents> {
  private readonly election: Election;
  private campaign: Campaign | undefined;
  private leadership: { fence: Fence; since: number } | undefined;
  /** Until when (Date.now() ms) the lease is proven alive by an answered keep-alive. */
  private validUntil = 0;
  private expiryTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = true;
  private generation = 0;

  constructor(
    private readonly connection: EtcdConnection,
    private readonly options: LeaderElectionOptions,
  ) {
    super();
    this.election = connection.namespace.election(ELECTION_NAME, options.ttlSeconds);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.campaignOnce();
  }

  isLeader(): boolean {
    return this.leadership !== undefined && Date.now() < this.validUntil;
  }

  /** The fence for a write made now; throws NotLeaderError when this replica does not lead. */
  fence(what: string): Fence {
    if (!this.leadership) throw new NotLeaderError(what, 'another replica holds the leadership, or the election is under way');
    if (Date.now() >= this.validUntil) {
      this.stepDown('the leadership lease was not renewed in time');
      throw new NotLeaderError(what, 'its leadership lease could not be renewed in time (etcd unreachable, or the process was paused)');
    }
    return this.leadership.fence;
  }

  /** Until when (ms since epoch) the lease is proven alive; leadership ends there unless renewed. */
  get leaseValidUntil(): number {
    return this.validUntil;
  }

  /** Since when this replica leads (ms since epoch), if it does. */
  leaderSince(): number | undefined {
    return this.isLeader() ? this.leadership!.since : undefined;
  }

  /** The value (replica id) of the current leader, as etcd has it. */
  async leader(): Promise<string | undefined> {
    return this.election.leader();
  }

  /** Gives up leadership (or the candidacy) and stops campaigning. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const campaign = this.campaign;
    // A campaign in flight may still be elected: its events belong to an older generation now.
    this.generation++;
    this.campaign = undefined;
    this.stepDown('the replica is stopping', false);
    // Resigning needs etcd; when it does not answer, the lease expires on its own.
    await Promise.race([campaign?.resign().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, RESIGN_TIMEOUT_MS).unref())]);
  }

  private campaignOnce(): void {
    if (this.stopped) return;
    const generation = ++this.generation;
    const campaign = this.election.campaign(this.options.value);
    this.campaign = campaign;
    this.trackLease(leaseOf(campaign), generation);
    campaign.on('elected', () => {
      if (generation !== this.generation) return;
      void this.onElected(campaign, generation);
    });
    campaign.on('error', (error) => {
      if (generation !== this.generation) return;
      this.options.log?.('leader campaign failed; campaigning again', { error: error.message });
      this.restart(`the campaign failed: ${error.message}`);
    });
  }

  private async onElected(campaign: Campaign, generation: number): Promise<void> {
    try {
      const fullKey = await campaign.getCampaignKey();
      const key = fullKey.slice(this.connection.settings.prefix.length);
      const kv = (await this.connection.namespace.get(key).exec()).kvs[0];
      if (generation !== this.generation) return;
      if (!kv) return this.restart('the leader key vanished right after the election (lease expired)');
      const fence = { key, createRevision: kv.create_revision };
      this.leadership = { fence, since: Date.now() };
      this.scheduleExpiry();
      this.options.log?.('elected leader', { key, createRevision: kv.create_revision });
      this.emit('elected', fence);
    } catch (error) {
      if (generation === this.generation) this.restart(`reading the leader key failed: ${(error as Error).message}`);
    }
  }

  /** Follows the campaign lease's keep-alives to know until when the lease is surely alive. */
  private trackLease(lease: Lease, generation: number): void {
    const sentAt: number[] = [];
    const grantedAt = Date.now();
    const ttlMs = this.options.ttlSeconds * 1000;
    this.validUntil = grantedAt + ttlMs - margin(ttlMs);
    lease.on('keepaliveFired', () => sentAt.push(Date.now()));
    lease.on('keepaliveEstablished', () => (sentAt.length = 0));
    lease.on('keepaliveFailed', () => (sentAt.length = 0));
    lease.on('keepaliveSucceeded', (response) => {
      const sent = sentAt.shift();
      if (generation !== this.generation || sent === undefined) return;
      const grantedMs = Number(response.TTL) * 1000;
      this.validUntil = Math.max(this.validUntil, sent + grantedMs - margin(grantedMs));
      if (this.leadership) this.scheduleExpiry();
    });
  }

  private scheduleExpiry(): void {
    clearTimeout(this.expiryTimer);
    this.expiryTimer = setTimeout(() => {
      if (this.leadership && Date.now() >= this.validUntil) this.stepDown('the leadership lease was not renewed in time');
    }, Math.max(0, this.validUntil - Date.now()) + 5);
    this.expiryTimer.unref();
  }

  private stepDown(reason: string, campaignAgain = true): void {
    clearTimeout(this.expiryTimer);
    const wasLeader = this.leadership !== undefined;
    this.leadership = undefined;
    if (wasLeader) {
      this.options.log?.('no longer the leader', { reason });
      this.emit('deposed', reason);
    }
    if (campaignAgain && wasLeader) this.restart(reason);
  }

  /** Drops the current campaign (its lease goes, and with it any leader key) and campaigns anew. */
  private restart(reason: string): void {
    const old = this.campaign;
    this.generation++;
    this.campaign = undefined;
    this.stepDown(reason, false);
    void old?.resign().catch(() => undefined);
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.campaignOnce(), RECAMPAIGN_DELAY_MS);
    this.retryTimer.unref();
  }
}

function margin(ttlMs: number): number {
  return Math.max(SAFETY_MARGIN.minMs, ttlMs * SAFETY_MARGIN.fraction);
}

/** The campaign's own lease: etcd3 keeps it private, and its keep-alives prove leadership. */
function leaseOf(campaign: Campaign): Lease {
  return (campaign as unknown as { lease: Lease }).lease;
}
