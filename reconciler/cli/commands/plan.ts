// `meshplane plan`: what an apply would change, as text, JSON or a pull-request comment.
//   --env <name>                 desired state (working tree, or --ref) against the applied state
//   --base <ref> --head <ref>    two Git refs against each other, without any state
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { compareDiagnostics, Diagnostic, hasErrors } from '../../../provider/model/diagnostic';
import { validateEnvironment } from '../../../provider/validate/validate';
import { FileSource } from '../../load/file-source';
import { GitRefError, GitTreeSource } from '../../load/git-tree-source';
import { ENVIRONMENTS_DIR, listEnvironments, LoadedEnvironment, loadEnvironment } from '../../load/load-environment';
import { computePlan, formatPlanJson, formatPlanMarkdown, formatPlanText, hasChanges, Plan, planChange, planEnvironment, PlanResource, planToJson } from '../../plan';
import { FileStateStore, resolveDataDir, resolveStateDir, StateError } from '../../state';
import { addOperatorConfigOption, operatorTerraform } from '../operator-terraform';
import { addStateLocationOptions } from '../state-location';
import { hasTerraformChanges, planTerraformSection, renderTerraformSection, TerraformSection, terraformSectionJson } from '../../terraform/command-hooks';
import { formatDiagnostic } from '../format-diagnostics';
import { openRepository, openSource } from '../repository';
import { Terminal } from '../terminal';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../usage-error';

export type PlanFormat = 'text' | 'json' | 'markdown';

export interface PlanOptions {
  env?: string[];
  repo?: string;
  ref?: string;
  base?: string;
  head?: string;
  dataDir?: string;
  stateDir?: string;
  format: PlanFormat;
  detailedExitcode?: boolean;
  /** The operator configuration (terraform.binary, terraform.backend). */
  config?: string;
}

/** --detailed-exitcode: 0 no changes, 1 error, 2 changes. */
export const EXIT_CHANGES = 2;

export function planCommand(terminal: Terminal, done: (code: number) => void): Command {
  const command = new Command('plan')
    .description('Show what applying the desired state would change: ordered creates, updates with field-level diffs, deletes, and the proxies affected.')
    .option('--env <name...>', 'environment(s) to plan (required with the applied state; default with --base/--head: all)')
    .option('--repo <dir>', 'mesh repository holding environments/ (default: current directory)')
    .option('--ref <ref>', 'take the desired state from this Git ref instead of the working tree')
    .option('--base <ref>', 'compare two Git refs without any state: the old side (use with --head)')
    .option('--head <ref>', 'the new side of a --base/--head comparison')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .option('--detailed-exitcode', 'exit 0 when there are no changes, 1 on error, 2 when there are changes');
  return addOperatorConfigOption(addStateLocationOptions(command)).action(async (options: PlanOptions) => done(await runPlan(options, terminal)));
}

export async function runPlan(options: PlanOptions, terminal: Terminal): Promise<number> {
  return withCommandErrors(terminal, Boolean(options.detailedExitcode), async () => {
    const plans = options.base !== undefined || options.head !== undefined ? await planRefs(options, terminal) : await planAgainstState(options, terminal);
    if (plans === undefined) return EXIT_FAILURE;
    terminal.out(renderPlans(plans, options.format, terminal));
    if (plans.some((p) => hasErrors(p.plan.diagnostics) || p.terraform?.error)) return EXIT_FAILURE;
    const changed = plans.some((p) => hasChanges(p.plan) || hasTerraformChanges(p.terraform));
    return options.detailedExitcode && changed ? EXIT_CHANGES : EXIT_OK;
  });
}

interface LabelledPlan {
  plan: Plan;
  comparing: string;
  /** Terraform plan of the environment's stack, when terraform.enabled (issue 7). */
  terraform?: TerraformSection;
}

async function planAgainstState(options: PlanOptions, terminal: Terminal): Promise<LabelledPlan[] | undefined> {
  if (!options.env || options.env.length === 0) throw new UsageError('plan needs --env <name> (the environment whose applied state to compare with), or --base <ref> --head <ref>.');
  const repo = openRepository(options.repo);
  const source = await openSource(repo, options.ref);
  await requireEnvironments(source, options.env);
  const store = new FileStateStore(resolveStateDir(options, repo.label));
  const plans: LabelledPlan[] = [];
  for (const name of options.env) {
    const applied = await store.read(name);
    const loaded = await loadValid(source, name, terminal, applied?.resources);
    if (!loaded) return undefined;
    const plan = planEnvironment({ config: loaded.config, desired: loaded.resources, applied });
    reportPlanDiagnostics(plan, terminal);
    const from = applied ? `applied revision ${applied.revision}${applied.commit ? ` (${applied.commit.slice(0, 7)})` : ''}` : 'nothing applied yet';
    const terraform = await planTerraformSection(source, name, resolveDataDir(options, repo.label), terminal, await operatorTerraform(options.config));
    plans.push({ plan, comparing: `${from} → ${options.ref !== undefined ? options.ref : 'working tree'}`, terraform });
  }
  return plans;
}

async function planRefs(options: PlanOptions, terminal: Terminal): Promise<LabelledPlan[] | undefined> {
  if (options.base === undefined || options.head === undefined) throw new UsageError('--base and --head go together: pass both refs (e.g. --base origin/main --head HEAD).');
  if (options.ref !== undefined) throw new UsageError('--ref cannot be combined with --base/--head; use --head for the new side.');
  const dir = path.resolve(options.repo ?? '.');
  const base = await GitTreeSource.open(dir, options.base);
  const head = await GitTreeSource.open(dir, options.head);
  const names = options.env && options.env.length > 0 ? options.env : [...new Set([...(await listEnvironments(base)), ...(await listEnvironments(head))])].sort();
  if (names.length === 0) throw new UsageError(`neither ${options.base} nor ${options.head} has folders under ${ENVIRONMENTS_DIR}/.`);
  const plans: LabelledPlan[] = [];
  for (const name of names) {
    const inHead = await head.exists(`${ENVIRONMENTS_DIR}/${name}`);
    const inBase = await base.exists(`${ENVIRONMENTS_DIR}/${name}`);
    if (!inHead && !inBase) throw new UsageError(`environment "${name}" exists in neither ${options.base} nor ${options.head}.`);
    const old = inBase ? await loadEnvironment(base, name) : undefined;
    const desired = inHead ? await loadValid(head, name, terminal, old?.resources) : undefined;
    if (inHead && !desired) return undefined;
    const config = desired?.config ?? old!.config;
    const plan = desired
      ? planChange(desired.config, desired.resources, old && { resources: old.resources, settings: old.config })
      : computePlan([], old!.resources, { environment: name, account: config.account });
    reportPlanDiagnostics(plan, terminal);
    plans.push({ plan, comparing: `${options.base} (${base.commit.slice(0, 7)}) → ${options.head} (${head.commit.slice(0, 7)})` });
  }
  return plans;
}

export async function requireEnvironments(source: FileSource, names: readonly string[]): Promise<void> {
  const existing = await listEnvironments(source);
  for (const name of names) {
    if (!existing.includes(name)) {
      throw new UsageError(`unknown environment "${name}" in ${source.label}; environments: ${existing.join(', ') || `none (no folders under ${ENVIRONMENTS_DIR}/)`}.`);
    }
  }
}

/**
 * Loads and validates an environment; prints diagnostics (to stderr) and returns undefined when
 * invalid. Given what is applied, an invalid state also gets the plan's own errors (deletions
 * still referenced), so the whole story is told at once.
 */
export async function loadValid(source: FileSource, name: string, terminal: Terminal, applied?: readonly PlanResource[]): Promise<LoadedEnvironment | undefined> {
  const loaded = await loadEnvironment(source, name);
  const result = validateEnvironment(loaded);
  printDiagnostics(result.diagnostics, terminal);
  if (!result.valid) {
    if (applied) {
      const plan = computePlan(loaded.resources, applied, { environment: name, account: loaded.config.account });
      printDiagnostics(plan.diagnostics.filter((d) => d.severity === 'error'), terminal);
    }
    terminal.err(`${terminal.paint('red', 'invalid')}: environment ${name} has errors; fix them before planning (meshplane validate --env ${name}).\n`);
    return undefined;
  }
  return loaded;
}

export function printDiagnostics(diagnostics: readonly Diagnostic[], terminal: Terminal): void {
  for (const d of [...diagnostics].sort(compareDiagnostics)) terminal.err(formatDiagnostic(d, terminal) + '\n');
}

export function reportPlanDiagnostics(plan: Plan, terminal: Terminal): void {
  printDiagnostics(plan.diagnostics, terminal);
  if (hasErrors(plan.diagnostics)) terminal.err(`${terminal.paint('red', 'plan failed')}: environment ${plan.environment} cannot be applied as it stands.\n`);
}

function renderPlans(plans: readonly LabelledPlan[], format: PlanFormat, terminal: Terminal): string {
  switch (format) {
    case 'json':
      return plans.length === 1 && !plans[0].terraform
        ? formatPlanJson(plans[0].plan)
        : JSON.stringify(plans.length === 1 ? withTerraform(plans[0]) : { environments: plans.map(withTerraform) }, null, 2) + '\n';
    case 'markdown':
      return plans.map((p) => formatPlanMarkdown(p.plan, { comparing: p.comparing }) + renderTerraformSection(p.terraform, 'markdown')).join('\n');
    case 'text':
      return plans.map((p) => formatPlanText(p.plan, { paint: terminal.paint, comparing: p.comparing }) + renderTerraformSection(p.terraform, 'text')).join('\n');
  }
}

function withTerraform(p: LabelledPlan): Record<string, unknown> {
  return { ...planToJson(p.plan), ...terraformSectionJson(p.terraform) };
}

/**
 * Errors about the state store or Git refs end the command with a message (exit 1); usage
 * errors too when --detailed-exitcode reserves 2 for "changes".
 */
export async function withCommandErrors(terminal: Terminal, usageIsFailure: boolean, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof StateError || error instanceof GitRefError || (usageIsFailure && error instanceof UsageError)) {
      terminal.err(`meshplane: ${error.message}\n`);
      return EXIT_FAILURE;
    }
    throw error;
  }
}
