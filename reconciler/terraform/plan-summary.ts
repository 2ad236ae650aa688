// What a saved Terraform plan would do, read from `terraform show -json <plan>`, and how it is
// printed next to meshplane's own plan (text, JSON, markdown for pull-request comments).

export type TerraformAction = 'create' | 'update' | 'delete' | 'replace' | 'read' | 'no-op';

export interface TerraformResourceChange {
  /** `aws_appmesh_route.apps_serviceB_serviceB`. */
  address: string;
  type: string;
  name: string;
  action: TerraformAction;
}

export interface TerraformPlanSummary {
  /** Counted as Terraform counts them: a replacement is one add and one destroy. */
  add: number;
  change: number;
  destroy: number;
  /** Whether applying would change anything (resources or outputs). */
  hasChanges: boolean;
  /** Resources with an action other than no-op, in plan order. */
  resources: TerraformResourceChange[];
  /** Objects that changed outside Terraform since the last apply (`resource_drift`). */
  drift: TerraformResourceChange[];
  terraformVersion: string;
}

interface PlanJsonChange {
  address?: string;
  mode?: string;
  type?: string;
  name?: string;
  change?: { actions?: string[] };
}

export function actionOf(actions: readonly string[]): TerraformAction {
  if (actions.length === 2 && actions.includes('delete') && actions.includes('create')) return 'replace';
  const [only] = actions;
  return only === 'create' || only === 'update' || only === 'delete' || only === 'read' ? only : 'no-op';
}

/** Summarizes the JSON of `terraform show -json <planfile>`. */
export function summarizePlanJson(plan: Record<string, unknown>): TerraformPlanSummary {
  const toChange = (c: PlanJsonChange): TerraformResourceChange => ({
    address: c.address ?? '',
    type: c.type ?? '',
    name: c.name ?? '',
    action: actionOf(c.change?.actions ?? []),
  });
  const managed = ((plan.resource_changes as PlanJsonChange[] | undefined) ?? []).filter((c) => c.mode !== 'data').map(toChange);
  const resources = managed.filter((c) => c.action !== 'no-op');
  const count = (...actions: TerraformAction[]) => resources.filter((c) => actions.includes(c.action)).length;
  const outputChanges = Object.values((plan.output_changes as Record<string, { actions?: string[] }> | undefined) ?? {}).some(
    (o) => actionOf(o.actions ?? []) !== 'no-op',
  );
  const drift = ((plan.resource_drift as PlanJsonChange[] | undefined) ?? []).map(toChange).filter((c) => c.action !== 'no-op');
  return {
    add: count('create', 'replace'),
    change: count('update'),
    destroy: count('delete', 'replace'),
    hasChanges: resources.some((c) => c.action !== 'read') || outputChanges,
    resources,
    drift,
    terraformVersion: String(plan.terraform_version ?? ''),
  };
}

const SYMBOL: Record<TerraformAction, string> = { create: '+', update: '~', delete: '-', replace: '-/+', read: '<=', 'no-op': ' ' };

export type SummaryFormat = 'text' | 'json' | 'markdown';

export function formatTerraformSummary(summary: TerraformPlanSummary, format: SummaryFormat): string {
  const counts = `${summary.add} to add, ${summary.change} to change, ${summary.destroy} to destroy`;
  if (format === 'json') return JSON.stringify(summary, null, 2) + '\n';
  if (format === 'markdown') {
    const lines = ['#### Terraform', '', summary.hasChanges ? `**${counts}.**` : '**No changes.** Infrastructure matches the configuration.', ''];
    if (summary.resources.length > 0) {
      lines.push('| action | resource |', '| --- | --- |', ...summary.resources.map((r) => `| ${r.action} | \`${r.address}\` |`), '');
    }
    if (summary.drift.length > 0) {
      lines.push('Changed outside Terraform since the last apply:', '', ...summary.drift.map((r) => `- ${r.action} \`${r.address}\``), '');
    }
    return lines.join('\n');
  }
  const lines = [summary.hasChanges ? `Terraform: ${counts}.` : 'Terraform: no changes. Infrastructure matches the configuration.'];
  for (const r of summary.resources) lines.push(`  ${SYMBOL[r.action].padEnd(3)} ${r.address}`);
  if (summary.drift.length > 0) {
    lines.push('  Changed outside Terraform since the last apply:');
    for (const r of summary.drift) lines.push(`  ${SYMBOL[r.action].padEnd(3)} ${r.address}`);
  }
  return lines.join('\n') + '\n';
}
