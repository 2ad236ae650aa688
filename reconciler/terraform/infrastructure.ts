// The Terraform stage of one environment, as plan/apply and the daemon run it: synthesize the
// environment's stack into a working root, then plan / apply / check drift with the configured
// binary. Does nothing unless `terraform.enabled: true` in environment.yaml.
import { Diagnostic, hasErrors } from '../../provider/model/diagnostic';
import { TerraformStepError } from './errors';
import { applyTerraformPlan, checkTerraformDrift, runTerraformPlan, TerraformDriftReport, TerraformPlanResult } from './runner';
import { TerraformRunOptions } from './run-terraform';
import { OperatorStackSettings } from '../../provider/aws/stack-settings';
import { TerraformSettings } from './settings';
import { PreparedEnvironment, synthesizeStacks, withOperatorStack } from './synth-environments';

export interface InfrastructureOptions extends TerraformRunOptions {
  /** Where stacks are synthesized: the stack of `<env>` runs in `<workRoot>/stacks/<env>`. */
  workRoot: string;
  /** The state backend and AWS provider of an environment's stack (the operator's terraform.backend and terraform.provider). */
  operatorStack?: (env: string) => OperatorStackSettings;
}

export interface InfrastructurePlan {
  env: string;
  workdir: string;
  settings: TerraformSettings;
  summary: TerraformPlanResult;
  /** Synthesis findings (e.g. features the Terraform schema cannot express). */
  diagnostics: Diagnostic[];
}

export class InfrastructureSynthError extends Error {
  override readonly name = 'InfrastructureSynthError';

  constructor(
    readonly env: string,
    readonly diagnostics: Diagnostic[],
  ) {
    const first = diagnostics.find((d) => d.severity === 'error');
    super(
      `environment "${env}" could not be synthesized for Terraform` +
        (first ? `: ${first.file}:${first.line}:${first.column}: ${first.code}: ${first.message}` : '.') +
        ` Nothing was planned or applied. Run \`meshplane synth --env ${env}\` to see every finding.`,
    );
  }
}

/** Synthesizes a loaded environment and plans it; undefined when Terraform is not enabled for it. */
export async function planInfrastructure(prepared: PreparedEnvironment, options: InfrastructureOptions): Promise<InfrastructurePlan | undefined> {
  const env = prepared.loaded.name;
  if (!prepared.settings.enabled) return undefined;
  if (hasErrors(prepared.diagnostics)) throw new InfrastructureSynthError(env, prepared.diagnostics);
  const synth = synthesizeStacks([withOperatorStack(prepared.input, options.operatorStack)], options.workRoot);
  if (!synth.synthesized) throw new InfrastructureSynthError(env, synth.diagnostics);
  const workdir = synth.stacks[0].workdir;
  // The binary is the caller's (the operator's, or the CLI user's PATH): never the repository's.
  const summary = await runTerraformPlan(workdir, options);
  return { env, workdir, settings: prepared.settings, summary, diagnostics: synth.diagnostics };
}

/** Applies exactly the plan planInfrastructure saved. */
export async function applyInfrastructure(plan: InfrastructurePlan, options: InfrastructureOptions): Promise<void> {
  if (!plan.summary.hasChanges) return;
  await applyTerraformPlan(plan.workdir, plan.summary.planFile, options);
}

/** Drift of the environment's applied stack (synthesized by the last planInfrastructure). */
export async function checkInfrastructureDrift(plan: Pick<InfrastructurePlan, 'workdir' | 'settings'>, options: InfrastructureOptions): Promise<TerraformDriftReport> {
  return checkTerraformDrift(plan.workdir, options);
}

export interface StatusReport {
  state: 'success' | 'failure' | 'error';
  /** At most 140 characters (commit status description). */
  description: string;
}

const MAX_DESCRIPTION = 140;

function clip(text: string): string {
  return text.length <= MAX_DESCRIPTION ? text : `${text.slice(0, MAX_DESCRIPTION - 1)}…`;
}

/** The Terraform part of the `meshplane/<env>/apply` status. */
export function applyStatus(outcome: { plan: InfrastructurePlan } | { error: unknown }): StatusReport {
  if ('error' in outcome) {
    const error = outcome.error;
    const step = error instanceof TerraformStepError ? `terraform ${error.step} failed` : error instanceof InfrastructureSynthError ? 'synth failed' : 'terraform failed';
    const detail = error instanceof TerraformStepError ? lastMeaningfulLine(error.outputTail) : error instanceof Error ? error.message : String(error);
    return { state: 'failure', description: clip(`${step}; previous infrastructure kept: ${detail}`) };
  }
  const s = outcome.plan.summary;
  return {
    state: 'success',
    description: clip(s.hasChanges ? `terraform applied: ${s.add} added, ${s.change} changed, ${s.destroy} destroyed` : 'terraform: no changes'),
  };
}

/** The Terraform part of the apply status when the operator does not let the daemon apply (terraform.apply: false). */
export function plannedOnlyStatus(plan: InfrastructurePlan): StatusReport {
  const s = plan.summary;
  const changes = s.hasChanges ? `${s.add} to add, ${s.change} to change, ${s.destroy} to destroy` : 'no changes';
  return { state: 'success', description: clip(`terraform planned (${changes}); not applied: terraform.apply is off in the operator configuration`) };
}

/** The Terraform part of the `meshplane/<env>/drift` status. */
export function driftStatus(outcome: { report: TerraformDriftReport } | { error: unknown }): StatusReport {
  if ('error' in outcome) {
    const error = outcome.error;
    const detail = error instanceof TerraformStepError ? lastMeaningfulLine(error.outputTail) : error instanceof Error ? error.message : String(error);
    return { state: 'error', description: clip(`terraform drift check failed: ${detail}`) };
  }
  const { drifted, refreshed, pending } = outcome.report;
  if (!drifted) return { state: 'success', description: 'terraform: no drift' };
  const addresses = [...new Set([...refreshed, ...pending].map((r) => r.address))];
  return { state: 'failure', description: clip(`terraform drift: ${addresses.length} resource(s) differ from the live commit: ${addresses.join(', ')}`) };
}

function lastMeaningfulLine(tail: string): string {
  const lines = tail
    .split('\n')
    .map((l) => l.replace(/^[│╷╵\s]+/, '').trim())
    .filter((l) => l.length > 0);
  return lines.find((l) => l.startsWith('Error:')) ?? lines[lines.length - 1] ?? '';
}
