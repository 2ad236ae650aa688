// Machine-readable plan: {"changes":[…],"settings":[…] (when some changed),"summary":{…},"affectedProxies":[…]} (stable key order).
import { Identity } from '../../provider/model/identity';
import { Plan } from './plan-types';

function identityFields(id: Identity): Record<string, string> {
  const fields: Record<string, string> = { kind: id.kind, meshName: id.meshName, name: id.name };
  if (id.parentName !== undefined) fields.parentName = id.parentName;
  return fields;
}

export function planToJson(plan: Plan): Record<string, unknown> {
  return {
    environment: plan.environment,
    changes: plan.changes.map((change) => ({
      action: change.action,
      ...identityFields(change.identity),
      ...(change.from ? { from: identityFields(change.from) } : {}),
      diff: change.diff,
    })),
    ...(plan.settings.length > 0 ? { settings: plan.settings } : {}),
    summary: { ...plan.summary },
    affectedProxies: plan.affectedProxies,
    diagnostics: plan.diagnostics,
  };
}

export function formatPlanJson(plan: Plan): string {
  return JSON.stringify(planToJson(plan), null, 2) + '\n';
}
