// The Terraform stage of the daemon's pipeline, for revisions whose environment has
// `terraform.enabled: true`: plan the synthesized stack before anything is applied (a failed
// step applies nothing, the live revision keeps serving), and apply exactly that saved plan
// after the mesh revision. Terraform's output goes to the daemon's log, line by line.
import type { Logger } from 'pino';
import { FileSource } from '../load/file-source';
import { applyInfrastructure, applyStatus, InfrastructurePlan, planInfrastructure, StatusReport } from './infrastructure';
import { TerraformSettings } from './settings';

export interface TerraformPlanStage {
  /** The saved plan to apply later; absent when Terraform is not enabled or failed. */
  plan?: InfrastructurePlan;
  /** Set when synthesis or a Terraform step failed: say so in the plan status, apply nothing. */
  failure?: StatusReport;
}

function options(workRoot: string, log: Logger) {
  return { workRoot, log: (line: string, stream: string, step: string) => log.info({ area: 'terraform', step, stream }, line) };
}

export async function planTerraformStage(files: FileSource, env: string, settings: TerraformSettings, workRoot: string, log: Logger): Promise<TerraformPlanStage> {
  if (!settings.enabled) return {};
  try {
    const plan = await planInfrastructure(files, env, options(workRoot, log));
    return plan ? { plan } : {};
  } catch (error) {
    log.error({ area: 'terraform', err: error }, 'terraform plan failed; nothing applied');
    return { failure: applyStatus({ error }) };
  }
}

/** Applies the planned stack; undefined when there was nothing to run. */
export async function applyTerraformStage(stage: TerraformPlanStage, workRoot: string, log: Logger): Promise<StatusReport | undefined> {
  if (!stage.plan) return undefined;
  try {
    await applyInfrastructure(stage.plan, options(workRoot, log));
    return applyStatus({ plan: stage.plan });
  } catch (error) {
    log.error({ area: 'terraform', err: error }, 'terraform apply failed');
    return applyStatus({ error });
  }
}
