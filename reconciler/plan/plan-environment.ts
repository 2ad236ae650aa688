// The programmatic plan/apply API (used by the CLI and the daemon): desired resources, already
// validated, against the applied revision in a state store.
import { hasErrors } from '../../provider/model/diagnostic';
import { EnvironmentConfig } from '../../provider/environment/environment-config';
import { StateStore } from '../state/state-store';
import { AppliedRevision, RevisionAction } from '../state/state-types';
import { nextRevision } from '../state/next-revision';
import { computePlan } from './planner';
import { Plan, PlanResource } from './plan-types';

export type EnvironmentSettings = Pick<EnvironmentConfig, 'name' | 'account' | 'region' | 'partition'>;

export interface PlanEnvironmentInput {
  config: EnvironmentSettings;
  desired: readonly PlanResource[];
  /** The applied revision; undefined when nothing was applied yet (everything is created). */
  applied: AppliedRevision | undefined;
}

export function planEnvironment(input: PlanEnvironmentInput): Plan {
  return computePlan(input.desired, input.applied?.resources ?? [], { environment: input.config.name, account: input.config.account });
}

export interface ApplyEnvironmentInput {
  store: StateStore;
  config: EnvironmentSettings;
  desired: readonly PlanResource[];
  /** Git commit of the desired state (null outside Git). */
  commit: string | null;
  action?: RevisionAction;
  /** For a rollback: the revision being applied again. */
  rollbackTo?: number;
  /** Waiting for another writer of the same environment; 0 fails at once. */
  lockTimeoutMs?: number;
  /** Called with the plan while the lock is held; false cancels the apply. */
  confirm?: (plan: Plan, applied: AppliedRevision | undefined) => Promise<boolean>;
  now?: () => Date;
  /** Shown as the lock holder's operation. */
  operation?: string;
}

export type ApplyStatus = 'applied' | 'no-changes' | 'blocked' | 'cancelled';

export interface ApplyEnvironmentResult {
  status: ApplyStatus;
  plan: Plan;
  /** The revision applied before this call. */
  previous: AppliedRevision | undefined;
  /** The new revision (status `applied`). */
  revision?: AppliedRevision;
}

/**
 * Locks the environment, plans against the applied revision, and commits the next revision
 * with compare-and-swap. A plan with errors (blocked deletions) is not applied.
 */
export async function applyEnvironment(input: ApplyEnvironmentInput): Promise<ApplyEnvironmentResult> {
  const environment = input.config.name;
  const lock = await input.store.lock(environment, input.operation ?? `meshplane ${input.action ?? 'apply'}`, { timeoutMs: input.lockTimeoutMs ?? 0 });
  try {
    const previous = await input.store.read(environment);
    const plan = planEnvironment({ config: input.config, desired: input.desired, applied: previous });
    if (hasErrors(plan.diagnostics)) return { status: 'blocked', plan, previous };
    if (plan.changes.length === 0) return { status: 'no-changes', plan, previous };
    if (input.confirm && !(await input.confirm(plan, previous))) return { status: 'cancelled', plan, previous };
    const revision = nextRevision({
      previous,
      plan,
      desired: input.desired,
      config: input.config,
      commit: input.commit,
      action: input.action ?? 'apply',
      rollbackTo: input.rollbackTo,
      now: (input.now ?? (() => new Date()))(),
    });
    await input.store.commit(environment, revision, previous?.revision ?? 0);
    return { status: 'applied', plan, previous, revision };
  } finally {
    await lock.release();
  }
}
