// The Terraform stage of the daemon's pipeline, for revisions whose environment has
// `terraform.enabled: true`: plan the synthesized stack before anything is applied (a failed
// step applies nothing, the live revision keeps serving), and apply exactly that saved plan
// after the mesh revision, when the operator allows applying (terraform.apply). Terraform runs as
// the operator configured it (binary, environment, backend). Its output goes to the daemon's log.
import type { Logger } from 'pino';
import { applyInfrastructure, applyStatus, InfrastructureOptions, InfrastructurePlan, planInfrastructure, plannedOnlyStatus, StatusReport } from './infrastructure';
import { PreparedEnvironment } from './synth-environments';

export interface TerraformPlanStage {
  /** The saved plan to apply later; absent when Terraform is not enabled or failed. */
  plan?: InfrastructurePlan;
  /** Set when synthesis or a Terraform step failed: say so in the plan status, apply nothing. */
  failure?: StatusReport;
}

/** The operator's Terraform: how it runs, where stacks go, and whether plans are applied. */
export interface DaemonTerraform {
  run: Omit<InfrastructureOptions, 'log'>;
  apply: boolean;
}

function options(terraform: DaemonTerraform, log: Logger): InfrastructureOptions {
  return { ...terraform.run, log: (line: string, stream: string, step: string) => log.info({ area: 'terraform', step, stream }, line) };
}

/** Plans the revision's environment as already loaded and validated: no second load. */
export async function planTerraformStage(prepared: PreparedEnvironment, terraform: DaemonTerraform, log: Logger): Promise<TerraformPlanStage> {
  if (!prepared.settings.enabled) return {};
  try {
    const plan = await planInfrastructure(prepared, options(terraform, log));
    return plan ? { plan } : {};
  } catch (error) {
    log.error({ area: 'terraform', err: error }, 'terraform plan failed; nothing applied');
    return { failure: applyStatus({ error }) };
  }
}

/** The Terraform plan's summary for the commit's plan status (and so the dashboard's commit page); '' without a plan. */
export function terraformPlanText(stage: TerraformPlanStage): string {
  const s = stage.plan?.summary;
  if (!s) return '';
  return s.hasChanges ? `terraform: ${s.add} to add, ${s.change} to change, ${s.destroy} to destroy` : 'terraform: no changes';
}

/** Applies the planned stack; undefined when there was nothing to run. */
export async function applyTerraformStage(stage: TerraformPlanStage, terraform: DaemonTerraform, log: Logger): Promise<StatusReport | undefined> {
  if (!stage.plan) return undefined;
  if (!terraform.apply) return plannedOnlyStatus(stage.plan);
  try {
    await applyInfrastructure(stage.plan, options(terraform, log));
    return applyStatus({ plan: stage.plan });
  } catch (error) {
    log.error({ area: 'terraform', err: error }, 'terraform apply failed');
    return applyStatus({ error });
  }
}
