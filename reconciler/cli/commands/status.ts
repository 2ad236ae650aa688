// `meshplane status`: the commit statuses meshplane set on a commit (validate, plan, apply,
// sync, drift per environment), read from git notes or asked of a running daemon.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { printable } from '../../../provider/text/printable';
import { gitAt, resolveCommit } from '../../source/git';
import { readNote, NOTES_REF } from '../../status/git-notes';
import { CommitStatuses, RecordedStatus, StatusState } from '../../status/status';
import { Style, Terminal } from '../terminal';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../usage-error';

export interface StatusOptions {
  repo?: string;
  commit: string;
  server?: string;
  format: 'text' | 'json';
}

const STATE_STYLE: Record<StatusState, Style> = { success: 'green', pending: 'yellow', failure: 'red', error: 'red' };

export function statusCommand(terminal: Terminal, done: (code: number) => void): Command {
  return new Command('status')
    .description("Show the statuses meshplane set on a commit (validate, plan, apply, sync, drift per environment), from git notes or a running daemon. Exit code 1 when none are recorded.")
    .option('--repo <dir>', 'repository holding the commit and its notes (default: current directory)')
    .option('--commit <rev>', 'commit, branch or tag', 'HEAD')
    .option('--server <url>', 'ask a running daemon instead of reading git notes (e.g. http://127.0.0.1:9080)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (options: StatusOptions) => done(await runStatus(options, terminal)));
}

export async function runStatus(options: StatusOptions, terminal: Terminal): Promise<number> {
  const repo = path.resolve(options.repo ?? '.');
  const commit = await resolveCommitOption(repo, options);
  const found = options.server ? await askDaemon(options.server, commit) : await readNote(gitAt(repo), commit);
  const statuses: CommitStatuses = found ?? { commit, statuses: [] };
  if (options.format === 'json') {
    terminal.out(JSON.stringify(statuses, null, 2) + '\n');
  } else if (statuses.statuses.length === 0) {
    const where = options.server ? `the daemon at ${options.server}` : `${NOTES_REF} in ${repo}`;
    terminal.out(
      `no meshplane statuses for commit ${statuses.commit} in ${where}. The daemon sets them as it reconciles the commit` +
        (options.server ? '.\n' : `; if it runs elsewhere, fetch its notes first: git fetch origin ${NOTES_REF}:${NOTES_REF}\n`),
    );
  } else {
    printText(statuses, terminal, options.server ? `daemon ${options.server}` : NOTES_REF);
  }
  return statuses.statuses.length > 0 ? EXIT_OK : EXIT_FAILURE;
}

async function resolveCommitOption(repo: string, options: StatusOptions): Promise<string> {
  const isRepository = fs.existsSync(repo) && (await gitAt(repo).checkIsRepo().catch(() => false));
  if (isRepository) {
    const commit = await resolveCommit(gitAt(repo), options.commit);
    if (commit) return commit;
    throw new UsageError(`"${options.commit}" does not name a commit in ${repo}. Pass --commit a commit SHA, branch or tag that exists there (see git log --oneline).`);
  }
  // A daemon can be asked about a full or abbreviated SHA without a local clone.
  if (options.server && /^[0-9a-f]{7,64}$/i.test(options.commit)) return options.commit.toLowerCase();
  throw new UsageError(`${repo} is not a git repository. Pass --repo <dir> with the commit's repository${options.server ? ', or --commit a commit SHA' : ', or --server <url> to ask a running daemon'}.`);
}

async function askDaemon(server: string, commit: string): Promise<CommitStatuses | undefined> {
  const url = `${server.replace(/\/+$/, '')}/api/commits/${encodeURIComponent(commit)}`;
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' } });
  } catch (error) {
    throw new UsageError(`cannot reach the daemon at ${server} (${(error as Error).message}). Check that \`meshplane serve\` runs and that --server matches its --http-listen address.`);
  }
  if (response.status === 404) return undefined;
  if (!response.ok) throw new UsageError(`the daemon at ${server} answered ${response.status} for ${url}: ${(await response.text()).slice(0, 200)}`);
  const body = (await response.json()) as { commit?: string; statuses?: RecordedStatus[] };
  return { commit: body.commit ?? commit, statuses: body.statuses ?? [] };
}

function printText(statuses: CommitStatuses, terminal: Terminal, from: string): void {
  terminal.out(`${terminal.paint('bold', `commit ${statuses.commit}`)} ${terminal.paint('dim', `(${from})`)}\n`);
  const contextWidth = Math.max(...statuses.statuses.map((s) => s.context.length));
  for (const status of statuses.statuses) {
    const state = terminal.paint(STATE_STYLE[status.state] ?? 'bold', status.state.padEnd(7));
    // Notes can be written by anyone with push access: show them escaped.
    terminal.out(`  ${printable(status.context).padEnd(contextWidth)}  ${state}  ${printable(status.description)}\n`);
  }
  const links = [...new Set(statuses.statuses.map((s) => s.targetUrl).filter((u): u is string => Boolean(u)))];
  for (const link of links) terminal.out(`  ${terminal.paint('dim', 'details:')} ${link}\n`);
}
