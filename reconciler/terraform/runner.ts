// The Terraform runner: init, plan into a saved plan file, read it back as JSON, apply exactly
// that plan, and check for drift. Works on any Terraform JSON working directory (a synthesized
// stack, cdktf.out/stacks/<env>); every step runs non-interactively and streams to the logger.
import * as path from 'node:path';
import { TerraformOutputError } from './errors';
import { summarizePlanJson, TerraformPlanSummary, TerraformResourceChange } from './plan-summary';
import { runTerraform, TerraformRunOptions } from './run-terraform';

export const PLAN_FILE = 'meshplane.tfplan';
export const DRIFT_PLAN_FILE = 'meshplane-drift.tfplan';

/** Flags every command gets: never prompt, never colour (output goes to logs and statuses). */
const AUTOMATION = ['-input=false', '-no-color'];

export interface TerraformPlanOptions extends TerraformRunOptions {
  /** Where the saved plan goes (default `<workdir>/meshplane.tfplan`). */
  planFile?: string;
}

export interface TerraformPlanResult extends TerraformPlanSummary {
  /** The saved plan: apply exactly this with applyTerraformPlan. */
  planFile: string;
}

export async function terraformInit(workdir: string, options: TerraformRunOptions): Promise<void> {
  await runTerraform('init', ['init', ...AUTOMATION], workdir, options);
}

/** init, `plan -out`, `show -json`: what applying this working directory would change. */
export async function runTerraformPlan(workdir: string, options: TerraformPlanOptions = {}): Promise<TerraformPlanResult> {
  const planFile = path.resolve(workdir, options.planFile ?? PLAN_FILE);
  await terraformInit(workdir, options);
  await runTerraform('plan', ['plan', ...AUTOMATION, '-detailed-exitcode', `-out=${planFile}`], workdir, options, { okExitCodes: [0, 2] });
  return { ...(await showPlan(workdir, planFile, options)), planFile };
}

/** Applies a plan saved by runTerraformPlan; Terraform refuses it if the state moved since. */
export async function applyTerraformPlan(workdir: string, planFile: string, options: TerraformRunOptions = {}): Promise<void> {
  await runTerraform('apply', ['apply', ...AUTOMATION, path.resolve(workdir, planFile)], workdir, options);
}

export interface TerraformDriftReport {
  drifted: boolean;
  /** Objects changed outside Terraform (`plan -refresh-only`). */
  refreshed: TerraformResourceChange[];
  /** Resources whose state no longer matches the applied configuration (a plain plan is not a no-op). */
  pending: TerraformResourceChange[];
}

/**
 * Drift of an applied working directory: `plan -refresh-only -detailed-exitcode` finds objects
 * changed outside Terraform; a plain plan then finds state that no longer matches the
 * configuration (someone applied another configuration, or edited the state, out of band).
 */
export async function checkTerraformDrift(workdir: string, options: TerraformRunOptions = {}): Promise<TerraformDriftReport> {
  const planFile = path.resolve(workdir, DRIFT_PLAN_FILE);
  await terraformInit(workdir, options);
  const refresh = await runTerraform('drift', ['plan', ...AUTOMATION, '-refresh-only', '-detailed-exitcode', `-out=${planFile}`], workdir, options, {
    okExitCodes: [0, 2],
  });
  const refreshed = refresh.exitCode === 2 ? (await showPlan(workdir, planFile, options)).drift : [];
  const plan = await runTerraform('drift', ['plan', ...AUTOMATION, '-detailed-exitcode', `-out=${planFile}`], workdir, options, { okExitCodes: [0, 2] });
  const pending = plan.exitCode === 2 ? (await showPlan(workdir, planFile, options)).resources : [];
  return { drifted: refreshed.length > 0 || pending.length > 0, refreshed, pending };
}

async function showPlan(workdir: string, planFile: string, options: TerraformRunOptions): Promise<TerraformPlanSummary> {
  const args = ['show', '-json', '-no-color', planFile];
  const { stdout } = await runTerraform('show', args, workdir, options, { captureStdout: true });
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch (error) {
    throw new TerraformOutputError(`${options.binary ?? 'terraform'} ${args.join(' ')}`, (error as Error).message);
  }
  if (typeof json !== 'object' || json === null || !('format_version' in json)) {
    throw new TerraformOutputError(`${options.binary ?? 'terraform'} ${args.join(' ')}`, 'no format_version');
  }
  return summarizePlanJson(json as Record<string, unknown>);
}
