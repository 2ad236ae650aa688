// `meshplane history`: every revision applied to an environment, newest last.
import { Command, Option } from 'commander';
import { FileStateStore, HistoryEntry, resolveStateDir } from '../../state';
import { openRepository } from '../repository';
import { addStateLocationOptions } from '../state-location';
import { Terminal } from '../terminal';
import { EXIT_OK } from '../usage-error';
import { requireEnvironments, withCommandErrors } from './plan';

export interface HistoryOptions {
  env: string;
  repo?: string;
  dataDir?: string;
  stateDir?: string;
  format: 'text' | 'json';
  restore?: boolean;
}

export function historyCommand(terminal: Terminal, done: (code: number) => void): Command {
  const command = new Command('history')
    .description('List the revisions applied to an environment (applies and rollbacks), oldest first.')
    .requiredOption('--env <name>', 'environment')
    .option('--repo <dir>', 'mesh repository (default: current directory); locates the default data dir')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--restore', 'rewrite a damaged or missing state.json from the newest revision history holds');
  return addStateLocationOptions(command).action(async (options: HistoryOptions) => done(await runHistory(options, terminal)));
}

export function describeAction(entry: HistoryEntry): string {
  return entry.action === 'rollback' ? `rollback to revision ${entry.rollbackTo}` : 'apply';
}

export async function runHistory(options: HistoryOptions, terminal: Terminal): Promise<number> {
  return withCommandErrors(terminal, false, async () => {
    const repo = openRepository(options.repo);
    const store = new FileStateStore(resolveStateDir(options, repo.label));
    if (options.restore) {
      const restored = await store.restore(options.env);
      terminal.out(`Restored revision ${restored.revision} (commit ${restored.commit ?? '-'}) into ${store.stateFile(options.env)}.\n`);
    }
    const entries = await store.history(options.env);
    // An environment never applied is fine; one that does not exist (a typo) is a mistake.
    if (entries.length === 0) await requireEnvironments(repo, [options.env]);
    if (options.format === 'json') {
      terminal.out(JSON.stringify({ environment: options.env, revisions: entries }, null, 2) + '\n');
      return EXIT_OK;
    }
    if (entries.length === 0) {
      terminal.out(`Nothing has been applied to environment ${options.env} yet (state store ${store.location}).\n`);
      return EXIT_OK;
    }
    const rows = entries.map((e, i) => [
      `${i === entries.length - 1 ? '*' : ' '} ${e.revision}`,
      e.appliedAt,
      e.commit ? e.commit.slice(0, 12) : '-',
      describeAction(e),
      `+${e.summary.create + e.summary.replace} ~${e.summary.update} -${e.summary.delete + e.summary.replace}`,
      String(e.resourceCount),
      e.appliedBy,
    ]);
    const header = ['  REVISION', 'APPLIED AT', 'COMMIT', 'ACTION', 'CHANGES', 'RESOURCES', 'BY'];
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
    const line = (cells: string[]) => cells.map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ') + '\n';
    terminal.out(terminal.paint('bold', line(header)));
    for (const row of rows) terminal.out(line(row));
    terminal.out(`\n* = applied now. Roll back with: meshplane rollback --env ${options.env} --to <revision|commit>\n`);
    return EXIT_OK;
  });
}
