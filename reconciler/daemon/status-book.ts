// The statuses the daemon set, per commit: kept in memory for the HTTP API (bounded: the most
// recent commits), and handed to the environment's reporters in the order they were set, so
// a hosted forge never sees `pending` arrive after `success`.
import type { Logger } from 'pino';
import { reportToAll, StatusReporter } from '../status/reporter';
import { compareContexts, CommitStatuses, RecordedStatus, Status } from '../status/status';

export const REMEMBERED_COMMITS = 200;

export class StatusBook {
  private readonly commits = new Map<string, Map<string, RecordedStatus>>();
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly log: Logger) {}

  /** Records statuses of a commit and reports them (in the background, in order). */
  set(commit: string, statuses: readonly Status[], reporters: readonly StatusReporter[]): void {
    const known = this.commits.get(commit) ?? new Map<string, RecordedStatus>();
    this.commits.delete(commit); // re-inserted last: the map's order is recency
    this.commits.set(commit, known);
    const updatedAt = new Date().toISOString();
    for (const status of statuses) known.set(status.context, { ...status, updatedAt });
    while (this.commits.size > REMEMBERED_COMMITS) this.commits.delete(this.commits.keys().next().value as string);
    this.chain = this.chain.then(() => reportToAll(reporters, commit, statuses, this.log));
  }

  /**
   * Remembers statuses read back from where they were reported (the git notes, after a restart),
   * without reporting them again; contexts set since the start win.
   */
  seed(commit: string, statuses: readonly RecordedStatus[]): void {
    if (statuses.length === 0) return;
    const known = this.commits.get(commit) ?? new Map<string, RecordedStatus>();
    if (!this.commits.has(commit)) this.commits.set(commit, known);
    for (const status of statuses) if (!known.has(status.context)) known.set(status.context, status);
    while (this.commits.size > REMEMBERED_COMMITS) this.commits.delete(this.commits.keys().next().value as string);
  }

  /** Statuses of a commit (a full SHA or an unambiguous prefix of one remembered). */
  get(commit: string): CommitStatuses | undefined {
    const matches = [...this.commits.keys()].filter((sha) => sha.startsWith(commit));
    if (matches.length !== 1) return undefined;
    const statuses = [...this.commits.get(matches[0])!.values()].sort(compareContexts);
    return { commit: matches[0], statuses };
  }

  /** The current status of one context of a commit. */
  current(commit: string, context: string): RecordedStatus | undefined {
    return this.commits.get(commit)?.get(context);
  }

  /** Resolves when every status set so far was reported (or `timeoutMs` passed). */
  async flush(timeoutMs = 10_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.chain, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }
}
