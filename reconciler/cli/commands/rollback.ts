// `meshplane rollback`: apply an earlier revision again. It is an apply like any other (plan,
// confirm, new revision) and appears in history as a rollback.
import { Command } from 'commander';
import { syntheticSource } from '../../../provider/model/resource';
import { AppliedRevision, FileStateStore, HistoryEntry, resolveStateDir } from '../../state';
import { openRepository } from '../repository';
import { Terminal } from '../terminal';
import { UsageError } from '../usage-error';
import { addConfirmedApplyOptions, applyWithConfirmation, parseLockTimeout, processPrompt, Prompt, reportApply } from './apply';
import { withCommandErrors } from './plan';

export interface RollbackOptions {
  env: string;
  to: string;
  repo?: string;
  dataDir?: string;
  stateDir?: string;
  autoApprove?: boolean;
  lockTimeout?: string;
}

export function rollbackCommand(terminal: Terminal, done: (code: number) => void, prompt: Prompt = processPrompt()): Command {
  const command = new Command('rollback')
    .description('Apply an earlier revision of an environment again (by revision number or Git commit); recorded in history as a rollback.')
    .requiredOption('--env <name>', 'environment')
    .requiredOption('--to <revision|commit>', 'revision number (see meshplane history) or commit (full or abbreviated)')
    .option('--repo <dir>', 'mesh repository (default: current directory); locates the default data dir');
  return addConfirmedApplyOptions(command, 'roll back').action(async (options: RollbackOptions) => done(await runRollback(options, terminal, prompt)));
}

/** A revision number when one by that number exists, else the newest revision of that commit. */
export function findTarget(entries: readonly HistoryEntry[], to: string): HistoryEntry | undefined {
  if (/^[0-9]+$/.test(to)) {
    const byNumber = entries.find((e) => e.revision === Number(to));
    if (byNumber) return byNumber;
  }
  if (!/^[0-9a-f]{4,40}$/i.test(to)) return undefined;
  return [...entries].reverse().find((e) => e.commit !== null && e.commit.toLowerCase().startsWith(to.toLowerCase()));
}

export async function runRollback(options: RollbackOptions, terminal: Terminal, prompt: Prompt = processPrompt()): Promise<number> {
  return withCommandErrors(terminal, false, async () => {
    const repo = openRepository(options.repo);
    const store = new FileStateStore(resolveStateDir(options, repo.label));
    const current = await store.read(options.env);
    if (!current) throw new UsageError(`nothing has been applied to environment ${options.env} (state store ${store.location}), so there is nothing to roll back to.`);
    const target = findTarget(await store.history(options.env), options.to);
    if (!target) {
      throw new UsageError(`no revision of environment ${options.env} matches "${options.to}"; pass a revision number or commit listed by \`meshplane history --env ${options.env}\`.`);
    }
    const revision = (await store.readRevision(options.env, target.revision)) as AppliedRevision;
    const desired = revision.resources.map((r) => ({ ...r, source: syntheticSource(`state revision ${revision.revision}`) }));
    const result = await applyWithConfirmation(
      {
        store,
        config: { name: options.env, ...revision.settings },
        desired,
        commit: revision.commit,
        action: 'rollback',
        rollbackTo: revision.revision,
        lockTimeoutMs: parseLockTimeout(options.lockTimeout),
        autoApprove: Boolean(options.autoApprove),
        comparingTo: `revision ${revision.revision}${revision.commit ? ` (${revision.commit.slice(0, 7)})` : ''}`,
      },
      terminal,
      prompt,
    );
    return reportApply(result, terminal);
  });
}
