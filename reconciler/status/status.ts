// Commit statuses as meshplane writes them: one per environment and stage, with the states
// and the 140-character description limit of the GitHub statuses API (which Gitea and
// GitLab share closely enough).
import { printable } from '../../provider/text/printable';

export const STATUS_STATES = ['pending', 'success', 'failure', 'error'] as const;
export type StatusState = (typeof STATUS_STATES)[number];

/** The stages of a reconcile, in order, and the drift watch that follows it. */
export const STAGES = ['validate', 'plan', 'apply', 'sync', 'drift'] as const;
export type Stage = (typeof STAGES)[number];

export const MAX_DESCRIPTION = 140;
export const CONTEXT_PREFIX = 'meshplane';

export interface Status {
  /** `meshplane/<env>/<stage>`. */
  context: string;
  state: StatusState;
  /** At most 140 characters. */
  description: string;
  /** The daemon's page for the commit. */
  targetUrl?: string;
}

/** A status as stored (git notes) and served (the daemon's API), with when it was set. */
export interface RecordedStatus extends Status {
  updatedAt: string;
}

export interface CommitStatuses {
  commit: string;
  /** Sorted by context. */
  statuses: RecordedStatus[];
}

export function statusContext(environment: string, stage: Stage): string {
  return `${CONTEXT_PREFIX}/${environment}/${stage}`;
}

/** `{environment, stage}` of a meshplane context, or undefined for someone else's context. */
export function parseContext(context: string): { environment: string; stage: Stage } | undefined {
  const match = /^meshplane\/(.+)\/([a-z]+)$/.exec(context);
  if (!match || !(STAGES as readonly string[]).includes(match[2])) return undefined;
  return { environment: match[1], stage: match[2] as Stage };
}

export function makeStatus(environment: string, stage: Stage, state: StatusState, description: string, targetUrl?: string): Status {
  return { context: statusContext(environment, stage), state, description: truncateDescription(description), ...(targetUrl ? { targetUrl } : {}) };
}

/** One printable line of at most 140 characters; a longer text is cut and ends with `…`. */
export function truncateDescription(text: string): string {
  const line = printable(text.replace(/\s+/g, ' ').trim());
  const characters = Array.from(line); // never split a surrogate pair
  if (characters.length <= MAX_DESCRIPTION) return line;
  return characters.slice(0, MAX_DESCRIPTION - 1).join('').trimEnd() + '…';
}

export function compareContexts(a: { context: string }, b: { context: string }): number {
  const pa = parseContext(a.context);
  const pb = parseContext(b.context);
  if (pa && pb && pa.environment === pb.environment) return STAGES.indexOf(pa.stage) - STAGES.indexOf(pb.stage);
  return a.context < b.context ? -1 : a.context > b.context ? 1 : 0;
}
