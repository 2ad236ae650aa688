// Where commit statuses go: git notes (the embedded default), GitHub/Gitea, GitLab.
import type { Logger } from 'pino';
import { Status } from './status';

export interface StatusReporter {
  /** `git-notes`, `github`, `gitea`, `gitlab` (for logs). */
  readonly name: string;
  /** Sets these statuses on the commit (other contexts on it are kept). */
  report(commit: string, statuses: readonly Status[]): Promise<void>;
}

/**
 * Reports to every reporter; one failing (a hosted API down) never stops the others, and never
 * fails the reconcile: it is logged, and the next report tries again.
 */
export async function reportToAll(reporters: readonly StatusReporter[], commit: string, statuses: readonly Status[], log: Logger): Promise<void> {
  const results = await Promise.allSettled(reporters.map((reporter) => reporter.report(commit, statuses)));
  results.forEach((result, index) => {
    if (result.status === 'rejected') {
      const reason = result.reason instanceof Error ? result.reason.message : String(result.reason);
      log.warn({ reporter: reporters[index].name, commit, contexts: statuses.map((s) => s.context) }, `could not write commit statuses: ${reason}`);
    }
  });
}

/** A hosted reporter's token: a value, or read when a status is sent (a rotated secret file takes effect). */
export type TokenSource = string | (() => Promise<string>);

export function tokenValue(token: TokenSource): Promise<string> {
  return typeof token === 'string' ? Promise.resolve(token) : token();
}
