// The etcd state store: the same applied revision, history and locks as the file store, in etcd so
// several replicas share them. Keys, under the configured prefix:
//
//   state/<env>/applied               {"revision": n}: the commit point, a pointer into history
//   state/<env>/history/<n, 10 digits> every committed revision (checksummed envelope, gzip), never rewritten
//   state/<env>/lock                  the writer's lock (holder JSON), attached to the holder's lease
//
// A store keeps one lease for all its locks (granted on the first lock, kept alive, granted again
// if lost): taking a lock is one transaction, which also reads the pointer the commit compares.
//
// A commit is one transaction: "applied" still has the mod revision read before (compare-and-swap),
// history/<n> does not exist yet, and — for the daemon's leader — the leader key still has the
// create revision it was elected with (the fence), then both puts. A deposed leader's commit fails.
import * as os from 'node:os';
import { gunzipSync, gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { EtcdLeaseInvalidError, IKeyValue, Lease, Namespace } from 'etcd3';
import { EtcdUnavailableError, FencedWriteError } from '../ha/errors';
import { EtcdConnection } from '../ha/etcd-connection';
import { InvalidEnvironmentNameError, StateConflictError, StateCorruptError, StateLockedError } from './errors';
import { decodeRevision, encodeRevision } from './state-envelope';
import { LockOptions, StateLock, StateStore } from './state-store';
import { AppliedRevision, HistoryEntry, historyEntryOf, LockHolder } from './state-types';

const ENVIRONMENT_NAME = /^(?!\.\.?$)[A-Za-z0-9._-]+$/;
const LOCK_POLL_MS = 100;

/** What a fenced write compares: the leader key (in the same namespace) and its create revision. */
export interface WriteFence {
  key: string;
  createRevision: string;
}

/** Gives the fence of the current leadership, or throws NotLeaderError when this replica does not lead. */
export type FenceProvider = (what: string) => WriteFence;

export class EtcdStateStore implements StateStore {
  readonly location: string;
  private readonly ns: Namespace;
  private fence: FenceProvider | undefined;
  /**
   * Per environment, the newest history entry decoded (read, committed, or seen by the watch) and
   * its key's mod revision. History keys are never rewritten, so while the applied watch runs (it
   * would see a rewrite and drop the entry, for a read to report the damage) a read of the same
   * revision needs only the pointer.
   */
  private readonly lastDecoded = new Map<string, { revision: AppliedRevision; mod: string }>();
  private watches = 0;
  /** Per environment, the pointer's mod revision as last read: the commit's compare-and-swap needs no second read. */
  private readonly pointerMod = new Map<string, { revision: number; mod: string }>();
  /** Per environment, a lock release still on its way to etcd (the next lock of this store waits for it). */
  private readonly releasing = new Map<string, Promise<unknown>>();
  /** The lease every lock of this store is attached to (its keys go with it when the process dies). */
  private lockLease: Lease | undefined;
  /** Per environment, the pointer read by the lock transaction: the holder's next read needs no round trip. */
  private readonly pointerAtLock = new Map<string, IKeyValue | null>();

  constructor(private readonly connection: EtcdConnection) {
    this.ns = connection.namespace;
    this.location = `etcd ${connection.endpoints.join(',')} under ${connection.settings.prefix}state/`;
  }

  /** From now on every commit must hold the leadership this provider vouches for. */
  fenceWith(provider: FenceProvider | undefined): void {
    this.fence = provider;
  }

  appliedKey(environment: string): string {
    return `${this.environmentPrefix(environment)}applied`;
  }

  historyKey(environment: string, revision: number): string {
    return `${this.environmentPrefix(environment)}history/${String(revision).padStart(10, '0')}`;
  }

  lockKey(environment: string): string {
    return `${this.environmentPrefix(environment)}lock`;
  }

  async read(environment: string): Promise<AppliedRevision | undefined> {
    const pointer = await this.readPointer(environment);
    if (!pointer) return undefined;
    const revision = await this.readHistory(environment, pointer.revision);
    if (!revision) {
      throw new StateCorruptError(
        this.fullKey(this.historyKey(environment, pointer.revision)),
        `the applied revision ${pointer.revision} has no history entry`,
        `Restore the key from an etcd snapshot (etcdctl snapshot restore), or point ${this.fullKey(this.appliedKey(environment))} at the newest intact revision.`,
      );
    }
    return revision;
  }

  /** Environments with an applied revision. */
  async environments(): Promise<string[]> {
    const keys = await this.call('listing environments', this.ns.getAll().prefix('state/').keys());
    return [...new Set(keys.map((key) => /^state\/([^/]+)\/applied$/.exec(key)?.[1]).filter((name): name is string => name !== undefined))].sort();
  }

  async readRevision(environment: string, revision: number): Promise<AppliedRevision | undefined> {
    const pointer = await this.readPointer(environment);
    if (!pointer || revision < 1 || revision > pointer.revision) return undefined;
    return this.readHistory(environment, revision);
  }

  async history(environment: string): Promise<HistoryEntry[]> {
    const pointer = await this.readPointer(environment);
    if (!pointer) return [];
    const values = await this.call('reading the history', this.ns.getAll().prefix(`${this.environmentPrefix(environment)}history/`).sort('Key', 'Ascend').buffers());
    const entries: HistoryEntry[] = [];
    for (const [key, value] of Object.entries(values).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const revision = this.decode(key, value);
      if (revision.revision <= pointer.revision) entries.push(historyEntryOf(revision));
    }
    return entries;
  }

  async commit(environment: string, next: AppliedRevision, expectedRevision: number): Promise<void> {
    const what = `revision ${next.revision} of environment ${environment}`;
    const fence = this.fence?.(what);
    const appliedKey = this.appliedKey(environment);
    const historyKey = this.historyKey(environment, next.revision);
    // The pointer as read under the lock (applyEnvironment reads, plans, commits) saves a round trip;
    // if it moved since, the compare-and-swap fails and the pointer is read again.
    const known = this.pointerMod.get(environment);
    let mod = known?.revision === expectedRevision ? known.mod : await this.pointerModRevision(environment, expectedRevision);
    if (next.revision !== expectedRevision + 1 || next.environment !== environment) {
      throw new Error(`internal: revision ${next.revision} of ${next.environment} cannot follow revision ${expectedRevision} of ${environment}`);
    }
    const encoded = Buffer.concat(encodeRevision(next));
    const value = gzipSync(encoded);
    const attempt = (compareMod: string) => {
      let txn = this.ns.if(appliedKey, 'Mod', '==', compareMod).and(historyKey, 'Create', '==', 0);
      if (fence) txn = txn.and(fence.key, 'Create', '==', fence.createRevision);
      return this.call(`committing ${what}`, txn.then(this.ns.put(historyKey).value(value), this.ns.put(appliedKey).value(JSON.stringify({ revision: next.revision }))).commit());
    };
    this.pointerMod.delete(environment);
    this.pointerAtLock.delete(environment);
    let result = await attempt(mod);
    if (!result.succeeded && known?.mod === mod) {
      // The remembered mod revision may be stale (the pointer was put again): compare with the current one.
      const fresh = await this.pointerModRevision(environment, expectedRevision).catch(() => undefined);
      if (fresh !== undefined && fresh !== mod) result = await attempt((mod = fresh));
    }
    if (result.succeeded) {
      this.pointerMod.set(environment, { revision: next.revision, mod: result.header.revision });
      this.lastDecoded.set(environment, { revision: next, mod: result.header.revision });
      return;
    }
    // A retried request whose first attempt went through (its answer was lost) finds its own write.
    const landed = await this.readHistory(environment, next.revision).catch(() => undefined);
    if (landed && Buffer.concat(encodeRevision(landed)).equals(encoded)) return;
    if (fence) {
      const leader = await this.call('reading the leader key', this.ns.get(fence.key).exec());
      if (leader.kvs[0]?.create_revision !== fence.createRevision) throw new FencedWriteError(what);
    }
    const now = await this.readPointer(environment);
    throw new StateConflictError(environment, expectedRevision, now?.revision ?? 0);
  }

  async lock(environment: string, operation: string, options: LockOptions = {}): Promise<StateLock> {
    this.fence?.(`the lock of environment ${environment}`); // a replica that does not lead takes no lock
    const key = this.lockKey(environment);
    await this.releasing.get(environment);
    const timeoutMs = options.timeoutMs ?? 0;
    const holder: LockHolder = { pid: process.pid, host: os.hostname(), operation, since: new Date().toISOString(), token: randomBytes(8).toString('hex') };
    const started = Date.now();
    let renewed = false;
    for (;;) {
      const lease = this.leaseForLocks();
      const leaseId = await this.call('granting a lease for the lock', lease.grant()).catch((error: unknown) => {
        if (this.lockLease === lease) this.lockLease = undefined; // the next lock grants a new one
        throw error;
      });
      const appliedKey = this.appliedKey(environment);
      const result = await this.call(
        `locking environment ${environment}`,
        this.ns
          .if(key, 'Create', '==', 0)
          .then(this.ns.put(key).value(JSON.stringify(holder)).lease(leaseId), this.ns.get(appliedKey))
          .else(this.ns.get(key))
          .commit()
          .catch((error: unknown) => {
            // etcd no longer has the lease (revoked, or expired while this process was paused) and
            // its keep-alive has not said so yet: the lock is taken again on a new lease, once.
            if (error instanceof EtcdLeaseInvalidError && !renewed) return undefined;
            throw error;
          }),
      );
      if (!result) {
        renewed = true;
        this.dropLockLease(lease);
        continue;
      }
      const current = result.responses[0]?.response_range?.kvs[0];
      // succeeded, or a retried request whose first attempt took the lock for us
      if (result.succeeded || parseHolder(current?.value?.toString())?.token === holder.token) {
        if (result.succeeded) this.pointerAtLock.set(environment, result.responses[1]?.response_range?.kvs[0] ?? null);
        const createRevision = result.succeeded ? result.header.revision : current!.create_revision;
        return {
          holder,
          // The caller goes on at once (the daemon pushes the revision it just committed); this
          // store's next lock of the environment waits for the delete, other writers poll for it.
          // Only this lock's key is deleted: one that expired and was taken by another writer stays.
          release: async () => {
            this.pointerAtLock.delete(environment);
            const deleted = this.ns.if(key, 'Create', '==', createRevision).then(this.ns.delete().key(key)).commit().catch(() => undefined);
            this.releasing.set(environment, deleted);
            void deleted.then(() => this.releasing.get(environment) === deleted && this.releasing.delete(environment));
          },
        };
      }
      const waited = Date.now() - started;
      if (waited >= timeoutMs) {
        throw new StateLockedError(environment, parseHolder(current?.value?.toString()), `the etcd key ${this.fullKey(key)} (it expires with its holder's lease)`, waited);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(LOCK_POLL_MS, timeoutMs - waited)));
    }
  }

  /** Gives up the lock lease (the process stops): locks it still holds go at once instead of at its expiry. */
  async close(): Promise<void> {
    const lease = this.lockLease;
    this.lockLease = undefined;
    await lease?.revoke().catch(() => undefined);
  }

  /** The store's lock lease, kept alive by etcd3; a lost one is replaced by the next lock. */
  private leaseForLocks(): Lease {
    if (this.lockLease && !this.lockLease.revoked()) return this.lockLease;
    const lease = this.ns.lease(this.connection.settings.leaseTtlSeconds);
    lease.on('lost', () => this.dropLockLease(lease)); // its lock keys are gone; the commit's CAS still protects the state
    this.lockLease = lease;
    return lease;
  }

  /** Stops keeping a lease that etcd lost; the next lock is granted a new one. */
  private dropLockLease(lease: Lease): void {
    lease.release();
    if (this.lockLease === lease) this.lockLease = undefined;
  }

  /**
   * Calls `listener(environment, revision, applied)` whenever an environment's applied revision changes
   * (including changes made while the watch was reconnecting), with the revision itself when the watch
   * delivered it (the commit's transaction puts both keys). Returns a function that stops it.
   */
  async watchApplied(listener: (environment: string, revision: number, applied: AppliedRevision | undefined) => void): Promise<() => Promise<void>> {
    const watcher = await this.ns.watch().prefix('state/').only('put').create();
    watcher.on('put', (kv) => {
      const key = kv.key.toString();
      const history = /^state\/([^/]+)\/history\/(\d+)$/.exec(key);
      // The leader's commit puts history/<n> and the pointer in one transaction, so this replica
      // has the revision before it hears of the pointer and reads only the pointer to serve it.
      if (history) return this.remember(history[1], Number(history[2]), key, kv.value, kv.mod_revision);
      const match = /^state\/([^/]+)\/applied$/.exec(key);
      if (!match) return;
      const revision = parsePointer(kv.value.toString()).revision;
      const last = this.lastDecoded.get(match[1])?.revision;
      listener(match[1], revision, last?.revision === revision ? last : undefined);
    });
    watcher.on('error', () => undefined); // the watch manager reconnects; errors are reported by the readiness probe
    this.watches++;
    return async () => {
      if (--this.watches === 0) this.lastDecoded.clear();
      await watcher.cancel();
    };
  }

  private async readPointer(environment: string): Promise<{ revision: number } | undefined> {
    const atLock = this.pointerAtLock.get(environment);
    this.pointerAtLock.delete(environment);
    const kv = atLock !== undefined ? atLock : (await this.call('reading the applied revision', this.ns.get(this.appliedKey(environment)).exec())).kvs[0];
    if (!kv) return undefined;
    const text = kv.value.toString();
    const pointer = parsePointer(text);
    this.pointerMod.set(environment, { revision: pointer.revision, mod: kv.mod_revision });
    if (!Number.isInteger(pointer.revision) || pointer.revision < 1) {
      throw new StateCorruptError(this.fullKey(this.appliedKey(environment)), `it holds ${JSON.stringify(text)}, not {"revision": n}`, 'Put {"revision": <newest revision in history>} back into it with etcdctl put.');
    }
    return pointer;
  }

  private async readHistory(environment: string, revision: number): Promise<AppliedRevision | undefined> {
    const last = this.lastDecoded.get(environment);
    if (this.watches > 0 && last?.revision.revision === revision) return last.revision;
    const key = this.historyKey(environment, revision);
    const kv = (await this.call(`reading revision ${revision}`, this.ns.get(key).exec())).kvs[0];
    if (!kv) return undefined;
    const decoded = this.decode(key, kv.value);
    if (revision >= (last?.revision.revision ?? 0)) this.lastDecoded.set(environment, { revision: decoded, mod: kv.mod_revision });
    return decoded;
  }

  /** A history value the watch delivered: kept when it is the environment's newest; a rewrite of the one kept drops it. */
  private remember(environment: string, revision: number, key: string, value: Buffer, mod: string): void {
    const last = this.lastDecoded.get(environment);
    if (last && revision === last.revision.revision && mod !== last.mod) this.lastDecoded.delete(environment);
    if (revision <= (last?.revision.revision ?? 0)) return;
    try {
      this.lastDecoded.set(environment, { revision: this.decode(key, value), mod });
    } catch {
      // read() decodes it again and reports the damage with the key
    }
  }

  /** The pointer's mod revision, checking that it still points at `expected` (else the commit conflicts). */
  private async pointerModRevision(environment: string, expected: number): Promise<string> {
    const current = await this.call('reading the applied revision', this.ns.get(this.appliedKey(environment)).exec());
    const kv = current.kvs[0];
    const actual = kv ? parsePointer(kv.value.toString()).revision : 0;
    if (actual !== expected) throw new StateConflictError(environment, expected, actual);
    return kv ? kv.mod_revision : '0';
  }

  /** A history value: the envelope, gzip-compressed (about 20× smaller) or as plain text. */
  private decode(key: string, value: Buffer): AppliedRevision {
    let data: Buffer;
    try {
      data = value[0] === 0x1f && value[1] === 0x8b ? gunzipSync(value) : value;
    } catch (error) {
      throw new StateCorruptError(this.fullKey(key), `its compressed content is damaged (${(error as Error).message})`, 'History keys are never rewritten; restore this one from an etcd snapshot (etcdctl snapshot restore).');
    }
    const decoded = decodeRevision(data);
    if (!decoded.ok) {
      throw new StateCorruptError(this.fullKey(key), decoded.problem, 'History keys are never rewritten; restore this one from an etcd snapshot (etcdctl snapshot restore).');
    }
    return decoded.revision;
  }

  /** An etcd request whose failure is etcd's (unreachable, no majority): said so, with the endpoints. */
  private async call<T>(operation: string, request: Promise<T>): Promise<T> {
    try {
      return await request;
    } catch (error) {
      throw new EtcdUnavailableError(this.connection.endpoints, operation, error);
    }
  }

  private environmentPrefix(environment: string): string {
    if (!ENVIRONMENT_NAME.test(environment)) throw new InvalidEnvironmentNameError(environment);
    return `state/${environment}/`;
  }

  private fullKey(key: string): string {
    return `${this.connection.settings.prefix}${key}`;
  }
}

function parsePointer(text: string): { revision: number } {
  try {
    const value = JSON.parse(text) as { revision?: unknown };
    return { revision: typeof value.revision === 'number' ? value.revision : NaN };
  } catch {
    return { revision: NaN };
  }
}

function parseHolder(text: string | undefined): LockHolder | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as LockHolder;
  } catch {
    return undefined;
  }
}
