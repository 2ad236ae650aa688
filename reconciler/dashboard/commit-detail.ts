// A commit as the dashboard's commit page shows it: its statuses, the plan each environment
// applied for it (recomputed from the state store: the revision applied for the commit against
// the one before it), and the proxies' convergence on it over time.
import { computePlan, formatPlanText, planToJson } from '../plan';
import { CommitStatuses } from '../status/status';
import { ConvergenceSeries } from './convergence';
import { DashboardSource } from './dashboard-source';

export interface CommitPlan {
  environment: string;
  revision: number;
  appliedAt: string;
  appliedBy: string;
  /** The plan as `meshplane plan` prints it. */
  text: string;
  plan: Record<string, unknown>;
}

export interface CommitDetail {
  commit: string;
  statuses: CommitStatuses['statuses'];
  plans: CommitPlan[];
  convergence: ConvergenceSeries[];
}

export async function commitPlans(source: DashboardSource, commit: string, environments: readonly string[]): Promise<CommitPlan[]> {
  const plans: CommitPlan[] = [];
  for (const environment of environments) {
    const history = await source.store.history(environment).catch(() => []);
    for (const entry of history.filter((h) => h.commit !== null && h.commit.startsWith(commit))) {
      const applied = await source.store.readRevision(environment, entry.revision);
      if (!applied) continue;
      const before = entry.revision > 1 ? await source.store.readRevision(environment, entry.revision - 1) : undefined;
      const plan = computePlan(applied.resources, before?.resources ?? [], { environment, account: applied.settings.account });
      plans.push({
        environment,
        revision: entry.revision,
        appliedAt: entry.appliedAt,
        appliedBy: entry.appliedBy,
        text: formatPlanText(plan, { comparing: before ? `revision ${before.revision} → ${entry.revision}` : `nothing → revision ${entry.revision}` }),
        plan: planToJson(plan),
      });
    }
  }
  return plans;
}
