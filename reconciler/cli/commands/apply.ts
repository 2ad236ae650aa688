// `meshplane apply`: plan the working tree against the applied state, ask, and commit the new
// revision to the state store (atomically, under the environment's lock).
import { execFile } from 'node:child_process';
import * as readline from 'node:readline/promises';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { GitRefError, resolveCommit } from '../../load/git-tree-source';
import { ApplyEnvironmentResult, applyEnvironment, EnvironmentSettings, formatPlanText, Plan, PlanResource } from '../../plan';
import { AppliedRevision, FileStateStore, resolveDataDir, resolveStateDir, RevisionAction } from '../../state';
import { addOperatorConfigOption, operatorTerraform } from '../operator-terraform';
import { addStateLocationOptions } from '../state-location';
import { finishTerraformApply, planTerraformSection, renderTerraformSection } from '../../terraform/command-hooks';
import { openRepository } from '../repository';
import { Terminal } from '../terminal';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../usage-error';
import { loadValid, printDiagnostics, requireEnvironments, withCommandErrors } from './plan';

export interface ApplyOptions {
  env: string;
  repo?: string;
  dataDir?: string;
  stateDir?: string;
  autoApprove?: boolean;
  lockTimeout?: string;
  /** The operator configuration (terraform.binary, terraform.backend). */
  config?: string;
}

/** Where the confirmation comes from; process stdin by default, replaced in tests. */
export interface Prompt {
  readonly isTTY: boolean;
  ask(question: string): Promise<string>;
}

export function processPrompt(): Prompt {
  return {
    isTTY: Boolean(process.stdin.isTTY),
    async ask(question) {
      const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
  };
}

export function applyCommand(terminal: Terminal, done: (code: number) => void, prompt: Prompt = processPrompt()): Command {
  const command = new Command('apply')
    .description('Apply the working tree of an environment: show the plan, ask, and record the new revision in the state store.')
    .requiredOption('--env <name>', 'environment to apply')
    .option('--repo <dir>', 'mesh repository holding environments/ (default: current directory)');
  return addOperatorConfigOption(addConfirmedApplyOptions(command, 'apply')).action(async (options: ApplyOptions) => done(await runApply(options, terminal, prompt)));
}

/** The options of the commands that record a revision through applyWithConfirmation (apply, rollback). */
export function addConfirmedApplyOptions(command: Command, verb: string): Command {
  return addStateLocationOptions(command)
    .option('--auto-approve', `${verb} without asking (required when stdin is not a terminal)`)
    .option('--lock-timeout <seconds>', 'wait this long for another apply of the environment to finish', '0');
}

export async function runApply(options: ApplyOptions, terminal: Terminal, prompt: Prompt = processPrompt()): Promise<number> {
  return withCommandErrors(terminal, false, async () => {
    const repo = openRepository(options.repo);
    await requireEnvironments(repo, [options.env]);
    const loaded = await loadValid(repo, options.env, terminal);
    if (!loaded) return EXIT_FAILURE;
    const commit = await headCommit(repo.label);
    if (commit && (await hasUncommittedChanges(repo.label, `environments/${options.env}`))) {
      terminal.err(`${terminal.paint('yellow', 'warning')}: environments/${options.env} has uncommitted changes; the revision records commit ${commit.slice(0, 12)} but applies the working tree as it is. Commit first to keep history reproducible.\n`);
    }
    const dataDir = resolveDataDir(options, repo.label);
    // Terraform (issue 7): plan the environment's stack first, so the confirmation covers it.
    const terraform = await planTerraformSection(repo, options.env, dataDir, terminal, await operatorTerraform(options.config));
    if (terraform?.error) {
      terminal.err(renderTerraformSection(terraform, 'text'));
      return EXIT_FAILURE;
    }
    if (terraform) terminal.out(renderTerraformSection(terraform, 'text'));
    const result = await applyWithConfirmation(
      {
        store: new FileStateStore(resolveStateDir(options, repo.label)),
        config: loaded.config,
        desired: loaded.resources,
        commit,
        action: 'apply',
        lockTimeoutMs: parseLockTimeout(options.lockTimeout),
        autoApprove: Boolean(options.autoApprove),
        comparingTo: 'working tree',
      },
      terminal,
      prompt,
    );
    const code = reportApply(result, terminal);
    if (!terraform || code !== EXIT_OK) return code;
    const confirmation = { autoApprove: Boolean(options.autoApprove), ask: (q: string) => prompt.ask(q) };
    return (await finishTerraformApply(terraform, result.status, confirmation, dataDir, terminal)) ? EXIT_OK : EXIT_FAILURE;
  });
}

export interface ConfirmedApplyInput {
  store: FileStateStore;
  config: EnvironmentSettings;
  desired: readonly PlanResource[];
  commit: string | null;
  action: RevisionAction;
  rollbackTo?: number;
  lockTimeoutMs: number;
  autoApprove: boolean;
  comparingTo: string;
}

/** Shared by apply and rollback: show the plan, ask unless auto-approved, commit. */
export async function applyWithConfirmation(input: ConfirmedApplyInput, terminal: Terminal, prompt: Prompt): Promise<ApplyEnvironmentResult> {
  if (!input.autoApprove && !prompt.isTTY) {
    throw new UsageError(`refusing to ${input.action} without confirmation: stdin is not a terminal. Review the change with \`meshplane plan --env ${input.config.name}\`, then pass --auto-approve.`);
  }
  const showPlan = (plan: Plan, applied: AppliedRevision | undefined) => {
    const from = applied ? `applied revision ${applied.revision}` : 'nothing applied yet';
    terminal.out(formatPlanText(plan, { paint: terminal.paint, comparing: `${from} → ${input.comparingTo}` }));
  };
  return applyEnvironment({
    store: input.store,
    config: input.config,
    desired: input.desired,
    commit: input.commit,
    action: input.action,
    rollbackTo: input.rollbackTo,
    lockTimeoutMs: input.lockTimeoutMs,
    operation: `meshplane ${input.action} --env ${input.config.name}`,
    confirm: async (plan, applied) => {
      showPlan(plan, applied);
      if (input.autoApprove) return true;
      const answer = await prompt.ask(`\nDo you want to perform these actions in environment ${input.config.name}?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: `);
      return answer.trim() === 'yes';
    },
  });
}

export function reportApply(result: ApplyEnvironmentResult, terminal: Terminal): number {
  const env = result.plan.environment;
  printDiagnostics(result.plan.diagnostics, terminal);
  switch (result.status) {
    case 'blocked':
      terminal.err(`${terminal.paint('red', 'apply refused')}: the plan for ${env} has errors; nothing was changed.\n`);
      return EXIT_FAILURE;
    case 'cancelled':
      terminal.out(`\nApply cancelled; environment ${env} stays at ${result.previous ? `revision ${result.previous.revision}` : 'its current state'}.\n`);
      return EXIT_FAILURE;
    case 'no-changes':
      terminal.out(formatPlanText(result.plan, { paint: terminal.paint }));
      return EXIT_OK;
    case 'applied': {
      const s = result.plan.summary;
      const revision = result.revision!;
      terminal.out(
        `\n${terminal.paint('green', 'Apply complete!')} Resources: ${s.create + s.replace} added, ${s.update} changed, ${s.delete + s.replace} destroyed.\n` +
          `Environment ${env} is at revision ${revision.revision}${revision.commit ? ` (commit ${revision.commit.slice(0, 12)})` : ''}.\n`,
      );
      return EXIT_OK;
    }
  }
}

/** The commit HEAD names, or null when the repository is not a Git repository (or has no commit). */
export async function headCommit(repoDir: string): Promise<string | null> {
  try {
    return await resolveCommit(repoDir, 'HEAD');
  } catch (error) {
    if (error instanceof GitRefError) return null;
    throw error;
  }
}

async function hasUncommittedChanges(repoDir: string, folder: string): Promise<boolean> {
  const { stdout } = await promisify(execFile)('git', ['status', '--porcelain', '--', folder], { cwd: repoDir });
  return stdout.trim() !== '';
}

export function parseLockTimeout(value: string | undefined): number {
  const seconds = Number(value ?? '0');
  if (!Number.isFinite(seconds) || seconds < 0) throw new UsageError(`--lock-timeout must be a number of seconds (e.g. 30); got "${value}".`);
  return seconds * 1000;
}
