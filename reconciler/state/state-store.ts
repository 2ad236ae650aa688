// The state store interface: the embedded file store implements it today, an etcd store later
// (issue 11). Writers hold the environment's lock and commit with compare-and-swap.
import { AppliedRevision, HistoryEntry, LockHolder } from './state-types';

export interface LockOptions {
  /** How long to wait for another holder; 0 fails at once with a message naming the holder. */
  timeoutMs?: number;
}

export interface StateLock {
  readonly holder: LockHolder;
  release(): Promise<void>;
}

export interface StateStore {
  /** Where the state lives, for messages (a directory, an etcd prefix). */
  readonly location: string;
  /** The applied revision, or undefined when nothing was ever applied. Corruption throws. */
  read(environment: string): Promise<AppliedRevision | undefined>;
  /** A revision from history (undefined when there is no such committed revision). */
  readRevision(environment: string, revision: number): Promise<AppliedRevision | undefined>;
  /** Committed revisions, oldest first. */
  history(environment: string): Promise<HistoryEntry[]>;
  /**
   * Makes `next` the applied revision if the current one is still `expectedRevision` (0: none),
   * else throws StateConflictError. Atomic: readers see the old or the new revision, never a mix.
   */
  commit(environment: string, next: AppliedRevision, expectedRevision: number): Promise<void>;
  /** Exclusive lock of one environment for a writer (waits up to timeoutMs). */
  lock(environment: string, operation: string, options?: LockOptions): Promise<StateLock>;
}
