// The Terraform part of `meshplane plan` and `meshplane apply`, for environments with
// `terraform.enabled: true`: plan the synthesized stack next to the mesh plan, print its summary
// in the command's format, and apply the saved plan once the user approved. Terraform's own
// output streams to stderr, so stdout stays a clean text/JSON/markdown document.
import * as path from 'node:path';
import { FileSource } from '../load/file-source';
import type { Terminal } from '../cli/terminal';
import { applyInfrastructure, InfrastructurePlan, planInfrastructure } from './infrastructure';
import type { CommandTerraform } from '../operator/terraform-options';
import { formatTerraformSummary, SummaryFormat } from './plan-summary';
import { prepareEnvironment } from './synth-environments';

/** Stacks and their local state live in the data directory (shared with the daemon), so they persist with it. */
export const TERRAFORM_WORK_DIR = 'terraform';

export interface TerraformSection {
  env: string;
  /** The operator's binary and backend (--config), used again by apply. */
  terraform?: CommandTerraform;
  plan?: InfrastructurePlan;
  /** Set when synthesis or a Terraform step failed; the command then exits 1. */
  error?: Error;
}

function runOptions(dataDir: string, terminal: Terminal, terraform: CommandTerraform = {}) {
  return {
    ...terraform,
    workRoot: path.join(dataDir, TERRAFORM_WORK_DIR),
    // The user's own command: Terraform gets their shell's environment (AWS profile, credentials).
    inherit: 'all' as const,
    log: (line: string, _stream: string, step: string) => terminal.err(`${terminal.paint('dim', `terraform ${step}:`)} ${line}\n`),
  };
}

/** Plans the environment's Terraform stack; undefined when Terraform is not enabled for it. */
export async function planTerraformSection(source: FileSource, env: string, dataDir: string, terminal: Terminal, terraform: CommandTerraform = {}): Promise<TerraformSection | undefined> {
  try {
    const plan = await planInfrastructure(await prepareEnvironment(source, env), runOptions(dataDir, terminal, terraform));
    return plan && { env, plan, terraform };
  } catch (error) {
    return { env, terraform, error: error instanceof Error ? error : new Error(String(error)) };
  }
}

export function hasTerraformChanges(section: TerraformSection | undefined): boolean {
  return Boolean(section?.plan?.summary.hasChanges);
}

export function renderTerraformSection(section: TerraformSection | undefined, format: Exclude<SummaryFormat, 'json'>): string {
  if (!section) return '';
  if (section.error) {
    return format === 'markdown'
      ? `#### Terraform\n\n**Terraform plan failed.**\n\n\`\`\`\n${section.error.message}\n\`\`\`\n`
      : `Terraform plan failed: ${section.error.message}\n`;
  }
  return formatTerraformSummary(section.plan!.summary, format);
}

/** The `terraform` member added to the plan's JSON. */
export function terraformSectionJson(section: TerraformSection | undefined): Record<string, unknown> {
  if (!section) return {};
  if (section.error) return { terraform: { error: section.error.message } };
  const { planFile: _planFile, ...summary } = section.plan!.summary;
  return { terraform: { ...summary, workdir: section.plan!.workdir } };
}

/** Applies the saved plan; prints the outcome and returns false when a step failed. */
export async function applyTerraformSection(section: TerraformSection, dataDir: string, terminal: Terminal): Promise<boolean> {
  if (section.error || !section.plan) return false;
  try {
    await applyInfrastructure(section.plan, runOptions(dataDir, terminal, section.terraform));
  } catch (error) {
    terminal.err(`${terminal.paint('red', 'Terraform apply failed')}: ${error instanceof Error ? error.message : String(error)}\n`);
    return false;
  }
  const s = section.plan.summary;
  terminal.out(
    s.hasChanges
      ? `${terminal.paint('green', 'Terraform apply complete!')} Resources: ${s.add} added, ${s.change} changed, ${s.destroy} destroyed.\n`
      : 'Terraform: no changes to apply.\n',
  );
  return true;
}

/**
 * After `meshplane apply` committed (or found nothing to commit for) the mesh revision: apply the
 * saved Terraform plan. The mesh confirmation covers it; when the mesh had no changes there was
 * no confirmation, so ask here unless --auto-approve. Returns true when Terraform is done.
 */
export async function finishTerraformApply(
  section: TerraformSection,
  meshStatus: string,
  confirmation: { autoApprove: boolean; ask(question: string): Promise<string> },
  dataDir: string,
  terminal: Terminal,
): Promise<boolean> {
  if (meshStatus !== 'applied' && meshStatus !== 'no-changes') return false;
  if (meshStatus === 'no-changes' && hasTerraformChanges(section) && !confirmation.autoApprove) {
    const answer = await confirmation.ask(`\nDo you want to apply the Terraform changes of environment ${section.env}?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: `);
    if (answer.trim() !== 'yes') {
      terminal.out('\nTerraform apply cancelled; the infrastructure stays as it is.\n');
      return false;
    }
  }
  return applyTerraformSection(section, dataDir, terminal);
}
