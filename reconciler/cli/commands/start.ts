// `meshplane start` (what `npm start` runs): works on the environments bundled with the package.
import { Command } from 'commander';
import { PACKAGE_ROOT } from '../../package-root';
import { Terminal } from '../terminal';
import { runValidate } from './validate';

export function startCommand(terminal: Terminal, done: (code: number) => void): Command {
  return new Command('start')
    .description("Run meshplane on the bundled example environments (this package's environments/).")
    .action(async () => {
      terminal.out(`meshplane: validating the bundled environments in ${PACKAGE_ROOT}/environments\n`);
      done(await runValidate({ repo: PACKAGE_ROOT, format: 'text' }, terminal));
    });
}
