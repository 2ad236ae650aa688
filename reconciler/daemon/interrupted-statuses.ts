// A daemon that dies mid-reconcile (SIGKILL, a crash, a lost host) leaves `pending` statuses that
// nobody would ever finish. The next daemon to lead settles each one with an honest `error`: it was
// interrupted, and this is what serves the environment now.
import { shortCommit } from '../source/revision';
import { makeStatus, parseContext, RecordedStatus, Status } from '../status/status';

export interface LiveRevision {
  commit: string | null;
  revision: number;
}

/** The statuses that settle the pending ones of a commit, grouped by environment. */
export function settleInterrupted(statuses: readonly RecordedStatus[], live: (environment: string) => LiveRevision | undefined): Map<string, Status[]> {
  const byEnvironment = new Map<string, Status[]>();
  for (const status of statuses) {
    const context = parseContext(status.context);
    if (status.state !== 'pending' || !context) continue;
    const serving = live(context.environment);
    // What serves now; a commit that is the branch head is reconciled again and gets fresh statuses.
    const now = serving ? `; ${serving.commit ? shortCommit(serving.commit) : 'a commit-less revision'} is live (revision ${serving.revision})` : '';
    const description = `interrupted: the daemon stopped before this finished${now}`;
    const settled = makeStatus(context.environment, context.stage, 'error', description, status.targetUrl);
    byEnvironment.set(context.environment, [...(byEnvironment.get(context.environment) ?? []), settled]);
  }
  return byEnvironment;
}
