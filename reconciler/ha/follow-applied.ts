// Followers serve what the leader applied: when an environment's applied revision changes in the
// shared store, a replica that does not lead reads it and serves it (the daemon loads the commit's
// files, so every replica translates the same input and computes the same xDS versions). The watch
// is backed by a slow sweep, which also covers revisions applied before the watch was established.
import { StateStore } from '../state/state-store';
import { AppliedRevision } from '../state/state-types';
import { Coordination } from './coordination';

export const FOLLOW_SWEEP_MS = 5_000;

export interface FollowAppliedContext {
  coordination: Coordination;
  store: StateStore;
  /** Environments to check on start and on every sweep (those with an applied revision, or --env). */
  environments(): Promise<string[]>;
  /** Whether this process serves the environment (--env). */
  selected(environment: string): boolean;
  /** The revision the replica serves for an environment, if any. */
  servedRevision(environment: string): number | undefined;
  serve(environment: string, applied: AppliedRevision): Promise<void>;
  log(message: string, fields: Record<string, unknown>): void;
  sweepMs?: number;
}

/** Follows applied revisions (one at a time per environment); returns a function that stops it. */
export function followAppliedRevisions(ctx: FollowAppliedContext): () => void {
  const chains = new Map<string, Promise<void>>();
  /** `watched`: the revision the watch delivered, committed (its pointer was put): served without a read unless a newer one is served. */
  const check = (environment: string, watched?: AppliedRevision) => {
    if (!ctx.selected(environment)) return;
    const next = (chains.get(environment) ?? Promise.resolve())
      .then(async () => {
        // The leader serves what it applies itself.
        if (ctx.coordination.isLeader()) return;
        const served = ctx.servedRevision(environment);
        const applied = watched && (served === undefined || watched.revision > served) ? watched : await ctx.store.read(environment);
        if (!applied || applied.revision === ctx.servedRevision(environment) || ctx.coordination.isLeader()) return;
        await ctx.serve(environment, applied);
      })
      .catch((error: Error) => ctx.log('cannot serve the revision the leader applied', { environment, error: error.message }));
    chains.set(environment, next);
  };
  const sweep = () => {
    if (ctx.coordination.isLeader()) return;
    ctx.environments().then(
      (names) => names.forEach((name) => check(name)),
      () => undefined, // the store is unreachable: /readyz says so; the next sweep tries again
    );
  };
  const unsubscribe = ctx.coordination.onAppliedRevision((environment, revision, applied) => {
    if (ctx.servedRevision(environment) !== revision) check(environment, applied);
  });
  const timer = setInterval(sweep, ctx.sweepMs ?? FOLLOW_SWEEP_MS);
  timer.unref();
  sweep();
  return () => {
    clearInterval(timer);
    unsubscribe();
  };
}
