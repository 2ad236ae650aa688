// The programmatic plan/apply API (used by the CLI and the daemon): desired resources, already
// validated, against the applied revision in a state store.
import { hasErrors } from '../../provider/model/diagnostic';
import { EnvironmentConfig } from '../../provider/environment/environment-config';
import { StateStore } from '../state/state-store';
import { AppliedRevision, RevisionAction } from '../state/state-types';
import { nextRevision } from '../state/next-revision';
import { compareStrings } from './canonical';
import { PlanMemory } from './plan-memory';
import { computePlan, hasChanges } from './planner';
import { Plan, PlanResource, ProxyRef } from './plan-types';
import { EnvironmentSettings, servedSettings, settingChanges } from './served-settings';
import { settingsBlastRadius } from './settings-blast-radius';

export type { EnvironmentSettings } from './served-settings';

export interface PlanEnvironmentInput {
  config: EnvironmentSettings;
  desired: readonly PlanResource[];
  /** The applied revision; undefined when nothing was applied yet (everything is created). */
  applied: AppliedRevision | undefined;
  /** What the last plan of this environment kept (the daemon's); without it, a full plan. */
  memory?: PlanMemory;
}

/** Resource changes, and setting changes against the applied revision's recorded settings, with the proxies both reach. */
export function planEnvironment(input: PlanEnvironmentInput): Plan {
  const { applied, config } = input;
  return planChange(config, input.desired, applied && { resources: applied.resources, settings: { name: config.name, ...applied.settings } }, input.memory);
}

/** The plan from one side (resources and settings) to the desired one; also for two Git refs, without a state store. */
export function planChange(
  config: EnvironmentSettings,
  desired: readonly PlanResource[],
  from: { resources: readonly PlanResource[]; settings: EnvironmentSettings } | undefined,
  memory?: PlanMemory,
): Plan {
  const plan = computePlan(desired, from?.resources ?? [], { environment: config.name, account: config.account }, memory);
  if (!from) return plan;
  const before = servedSettings(from.settings);
  const after = servedSettings(config);
  plan.settings = settingChanges(before, after);
  if (plan.settings.length === 0) return plan;
  plan.summary.settings = plan.settings.length;
  if (plan.settings.some((change) => change.effect === 'translation')) {
    const reached = new Map<string, ProxyRef>(plan.affectedProxies.map((p) => [p.id, p]));
    for (const proxy of settingsBlastRadius(config.name, desired, before, after)) reached.set(proxy.id, proxy);
    plan.affectedProxies = [...reached.values()].sort((a, b) => compareStrings(a.id, b.id));
  }
  return plan;
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
  /** What the last plan of this environment kept (the daemon's); without it, a full plan. */
  memory?: PlanMemory;
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
    const plan = planEnvironment({ config: input.config, desired: input.desired, applied: previous, memory: input.memory });
    if (hasErrors(plan.diagnostics)) return { status: 'blocked', plan, previous };
    if (!hasChanges(plan)) return { status: 'no-changes', plan, previous };
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
