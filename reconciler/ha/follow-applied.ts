// Followers serve what the leader applied: when an environment's applied revision changes in the
// shared store, a replica that does not lead reads it and serves it (the daemon loads the commit's
// files, so every replica translates the same input and computes the same xDS versions).
import { StateStore } from '../state/state-store';
import { AppliedRevision } from '../state/state-types';
import { Coordination } from './coordination';

export interface FollowAppliedContext {
  coordination: Coordination;
  store: StateStore;
  /** Whether this process serves the environment (--env). */
  selected(environment: string): boolean;
  /** The revision the replica serves for an environment, if any. */
  servedRevision(environment: string): number | undefined;
  serve(environment: string, applied: AppliedRevision): Promise<void>;
  log(message: string, fields: Record<string, unknown>): void;
}

/** Follows applied revisions (one at a time per environment); returns a function that stops it. */
export function followAppliedRevisions(ctx: FollowAppliedContext): () => void {
  const chains = new Map<string, Promise<void>>();
  return ctx.coordination.onAppliedRevision((environment, revision) => {
    if (!ctx.selected(environment)) return;
    const next = (chains.get(environment) ?? Promise.resolve())
      .then(async () => {
        // The leader serves what it applies itself.
        if (ctx.coordination.isLeader() || ctx.servedRevision(environment) === revision) return;
        const applied = await ctx.store.read(environment);
        if (!applied || applied.revision === ctx.servedRevision(environment)) return;
        await ctx.serve(environment, applied);
      })
      .catch((error: Error) => ctx.log('cannot serve the revision the leader applied', { environment, revision, error: error.message }));
    chains.set(environment, next);
  });
}
