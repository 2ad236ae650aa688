// The daemon's git source: which commit the tracked branch is at, noticed by polling, by the
// webhook (check()), and for a local repository at once by watching its refs. It hands each new
// revision to the listener, detects force-pushes, and on failure keeps the last revision
// serving, reports the error and retries with backoff and jitter until the remote answers.
import * as path from 'node:path';
import pino, { Logger } from 'pino';
import { FileEntry, FileSource, FileTooLargeError, WorkingTreeSource } from '../load/file-source';
import { GitObjects } from '../load/git-objects';
import { GitTreeSource } from '../load/git-tree-source';
import { Backoff, BackoffOptions, DEFAULT_BACKOFF } from './backoff';
import { Checkout } from './checkout';
import { SourceError, unreadableCommit } from './errors';
import { readCommit } from './commit-object';
import { errorText, isAncestor } from './git';
import { LocalRepository } from './local-repository';
import { parseLocation } from './location';
import { RefWatcher } from './ref-watcher';
import { RemoteClone } from './remote-clone';
import { Revision, revisionId } from './revision';
import { worktreeDigest } from './worktree-digest';

export const DEFAULT_BRANCH = 'main';
/** Polling is the safety net for a local repository (the watcher is immediate) and the main trigger for a remote. */
export const DEFAULT_POLL_MS = { local: 10_000, remote: 30_000 } as const;

export interface GitSourceOptions {
  /** A repository directory, or a URL to clone (https://, ssh://, git@host:path, file://). */
  repo: string;
  branch?: string;
  /** Where remotes are cloned. */
  dataDir: string;
  pollIntervalMs?: number;
  /** Reconcile uncommitted edits of a local repository's environments/ as well. */
  watchWorktree?: boolean;
  backoff?: BackoffOptions;
  /** The commit last applied (from the state store), so a force-push during a restart is still noticed. */
  lastKnownHead?: string;
  log?: Logger;
}

export interface SourceListener {
  /** A new revision of the branch (enqueue it; do not hold the source up). */
  revision(revision: Revision): void;
  /** A check failed; the last revision keeps serving. */
  error(error: SourceError): void;
  /** A check succeeded after failures. */
  recovered(): void;
}

export interface SourceStatus {
  repository: string;
  kind: 'local' | 'remote';
  branch: string;
  head?: string;
  lastCheckAt?: string;
  lastError?: { kind: string; message: string; since: string; failures: number };
  nextCheckAt?: string;
}

export class GitSource {
  readonly branch: string;
  private readonly log: Logger;
  private readonly backoff: Backoff;
  private readonly pollMs: number;
  private listener: SourceListener | undefined;
  private watcher: RefWatcher | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private rerun = false;
  private stopped = false;
  private head: string | undefined;
  private lastId: string | undefined;
  private lastCheckAt: Date | undefined;
  private failure: { error: SourceError; since: Date } | undefined;
  private nextCheckAt: Date | undefined;
  private retryDelay = 0;

  private constructor(
    readonly checkout: Checkout,
    private readonly options: GitSourceOptions,
  ) {
    this.branch = options.branch ?? DEFAULT_BRANCH;
    this.log = options.log ?? pino({ level: 'silent' });
    this.backoff = new Backoff(options.backoff ?? DEFAULT_BACKOFF);
    this.pollMs = options.pollIntervalMs ?? DEFAULT_POLL_MS[checkout.kind];
    this.head = options.lastKnownHead;
  }

  /** Opens the repository (a local one is checked now; a remote is cloned on the first check). */
  static async open(options: GitSourceOptions): Promise<GitSource> {
    return new GitSource(await openCheckout(options), options);
  }

  get gitDir(): string {
    return this.checkout.gitDir;
  }

  /** Checks once (reporting to the listener), then keeps checking until stop(). */
  async start(listener: SourceListener): Promise<void> {
    this.listener = listener;
    if (this.checkout instanceof LocalRepository) {
      const local = this.checkout;
      const worktree = this.options.watchWorktree ? local.worktree : undefined;
      this.watcher = new RefWatcher({ commonDir: local.commonDir, gitDir: local.gitDir, branch: this.branch, worktree }, (file) => {
        this.log.debug({ file }, 'repository changed');
        void this.check();
      });
      await this.watcher.start();
    }
    await this.check();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pollTimer);
    await this.watcher?.stop();
    await this.running;
    GitObjects.of(this.checkout.gitDir).close();
  }

  /**
   * Looks for a new revision now (the webhook and the watcher call this). Calls made while a
   * check runs are folded into one more check after it.
   */
  check(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.rerun = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.rerun = false;
        await this.checkOnce();
      } while (this.rerun && !this.stopped);
    })().finally(() => {
      this.running = undefined;
      this.schedule();
    });
    return this.running;
  }

  status(): SourceStatus {
    return {
      repository: this.checkout.label,
      kind: this.checkout.kind,
      branch: this.branch,
      head: this.head,
      lastCheckAt: this.lastCheckAt?.toISOString(),
      lastError: this.failure && {
        kind: this.failure.error.kind,
        message: this.failure.error.message,
        since: this.failure.since.toISOString(),
        failures: this.backoff.failures,
      },
      nextCheckAt: this.nextCheckAt?.toISOString(),
    };
  }

  /** The files of a commit; a read failure marks the clone as suspect (re-cloned on the next check). */
  async files(commit: string): Promise<FileSource> {
    const failed = (detail: string) => {
      this.checkout.suspect(detail);
      return unreadableCommit(commit, detail);
    };
    try {
      return new GuardedFileSource(await GitTreeSource.open(this.checkout.gitDir, commit), failed);
    } catch (error) {
      throw failed(errorText(error));
    }
  }

  private async checkOnce(): Promise<void> {
    try {
      const head = await this.checkout.refresh();
      const worktree = this.options.watchWorktree && this.checkout instanceof LocalRepository ? this.checkout.worktree : undefined;
      const digest = worktree ? await worktreeDigest(worktree) : undefined;
      this.lastCheckAt = new Date();
      if (this.failure) {
        this.log.info({ failures: this.backoff.failures }, 'repository reachable again');
        this.failure = undefined;
        this.listener?.recovered();
      }
      this.backoff.reset();
      const id = revisionId(head, digest);
      if (id === this.lastId) return;
      const revision = await this.describe(head, digest, worktree);
      this.head = head;
      this.lastId = id;
      this.listener?.revision(revision);
    } catch (error) {
      const failure = error instanceof SourceError ? error : new SourceError('read', `checking ${this.checkout.label} failed: ${errorText(error)}`);
      this.lastCheckAt = new Date();
      this.failure = { error: failure, since: this.failure?.since ?? new Date() };
      this.log.warn({ kind: failure.kind, failures: this.backoff.failures + 1 }, failure.message);
      this.retryDelay = this.backoff.next();
      this.listener?.error(failure);
    }
  }

  private async describe(head: string, digest: string | undefined, worktree: string | undefined): Promise<Revision> {
    const commit = await readCommit(GitObjects.of(this.checkout.gitDir), head);
    if (!commit) throw unreadableCommit(head, 'the commit object is missing');
    let forcedFrom: string | undefined;
    // One commit on top of the last (the usual push) needs no merge-base.
    if (this.head && this.head !== head && !commit.parents.includes(this.head) && !(await isAncestor(this.checkout.git(), this.head, head))) {
      forcedFrom = this.head;
      this.log.warn({ from: forcedFrom, to: head }, 'the branch was force-pushed: reconciling the new head');
      await this.checkout.keep(forcedFrom).catch(() => undefined); // the old head may already be gone
    }
    return {
      id: revisionId(head, digest),
      commit: head,
      branch: this.branch,
      info: commit.info,
      worktreeDigest: digest,
      forcedFrom,
      files: worktree ? new WorkingTreeSource(worktree) : await this.files(head),
      detectedAt: Date.now(),
    };
  }

  private schedule(): void {
    clearTimeout(this.pollTimer);
    if (this.stopped) return;
    // After a failure the backoff decides (never slower than the poll); a success polls at the interval.
    const delay = this.failure ? Math.min(this.retryDelay, this.pollMs) : this.pollMs;
    this.nextCheckAt = new Date(Date.now() + delay);
    this.pollTimer = setTimeout(() => void this.check(), delay);
    this.pollTimer.unref?.();
  }
}

/**
 * The repository --repo names, on the branch: a local one opened in place (checked now), or the
 * clone of a remote under the data dir (made on the first refresh).
 */
export async function openCheckout(options: Pick<GitSourceOptions, 'repo' | 'branch' | 'dataDir' | 'log'>): Promise<Checkout> {
  const branch = options.branch ?? DEFAULT_BRANCH;
  const location = parseLocation(options.repo);
  return location.kind === 'local'
    ? LocalRepository.open(location.dir, branch)
    : new RemoteClone(location.url, branch, path.resolve(options.dataDir), options.log ?? pino({ level: 'silent' }));
}

/** A FileSource whose read failures become SourceErrors (and tell the checkout). */
class GuardedFileSource implements FileSource {
  readonly label: string;

  constructor(
    private readonly inner: FileSource,
    private readonly failed: (detail: string) => SourceError,
  ) {
    this.label = inner.label;
  }

  listFiles(dir: string): Promise<FileEntry[]> {
    return this.guard(() => this.inner.listFiles(dir));
  }

  listDirectories(dir: string): Promise<string[]> {
    return this.guard(() => this.inner.listDirectories(dir));
  }

  read(filePath: string, maxBytes?: number): Promise<Buffer> {
    return this.guard(() => this.inner.read(filePath, maxBytes));
  }

  exists(filePath: string): Promise<boolean> {
    return this.guard(() => this.inner.exists(filePath));
  }

  expectReads(paths: readonly string[]): void {
    this.inner.expectReads?.(paths);
  }

  private async guard<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      // A file refused for its size is the commit's problem, not a broken clone.
      if (error instanceof SourceError || error instanceof FileTooLargeError) throw error;
      throw this.failed(errorText(error));
    }
  }
}
