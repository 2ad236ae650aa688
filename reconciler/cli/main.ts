// The `meshplane` command line: one sub-command per file under commands/.
import { Command, CommanderError } from 'commander';
import { validateCommand } from './commands/validate';
import { initCommand } from './commands/init';
import { startCommand } from './commands/start';
import { importCommand } from './commands/import';
import { synthCommand } from './commands/synth';
import { planCommand } from './commands/plan';
import { applyCommand } from './commands/apply';
import { historyCommand } from './commands/history';
import { rollbackCommand } from './commands/rollback';
import { describeCommand } from './commands/describe';
import { bootstrapCommand } from './commands/bootstrap';
import { statusCommand } from './commands/status';
import { graphCommand } from './commands/graph';
import { routeCommand } from './commands/route';
import { serveCommand } from './commands/serve';
import { reviewCommand } from './commands/review';
import { apiCommand } from './commands/api';
import { packageVersion } from '../../provider/package-root';
import { processTerminal, Terminal } from './terminal';
import { EXIT_USAGE, UsageError } from './usage-error';

export async function main(argv: string[], terminal: Terminal = processTerminal()): Promise<number> {
  let exitCode = 0;
  const done = (code: number) => {
    exitCode = code;
  };
  const program = new Command('meshplane')
    .description('GitOps control plane for the AWS App Mesh resource model.')
    .version(packageVersion(), '-V, --version', 'print the version of meshplane')
    .exitOverride()
    .configureOutput({ writeOut: terminal.out, writeErr: terminal.err })
    .showHelpAfterError('(run meshplane <command> --help for usage)');
  for (const command of [initCommand(terminal, done), validateCommand(terminal, done), startCommand(terminal, done), synthCommand(terminal, done), importCommand(terminal, done), planCommand(terminal, done), applyCommand(terminal, done), historyCommand(terminal, done), rollbackCommand(terminal, done), describeCommand(terminal, done), statusCommand(terminal, done), serveCommand(terminal, done), bootstrapCommand(terminal, done), graphCommand(terminal, done), routeCommand(terminal, done), reviewCommand(terminal, done), apiCommand(terminal, done)]) {
    program.addCommand(command.exitOverride().configureOutput({ writeOut: terminal.out, writeErr: terminal.err }));
  }
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      terminal.err(`meshplane: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}
