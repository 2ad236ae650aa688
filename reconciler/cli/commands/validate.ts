// `meshplane validate`: is this environment valid, and if not, where exactly?
import { Command, Option } from 'commander';
import { compareDiagnostics, Diagnostic } from '../../../provider/model/diagnostic';
import { validateEnvironment } from '../../../provider/validate/validate';
import { loadEnvironment } from '../../load/load-environment';
import { formatDiagnostic, plural, summarize } from '../format-diagnostics';
import { startProgress } from '../progress';
import { openRepository, selectEnvironments } from '../repository';
import { Terminal } from '../terminal';
import { EXIT_FAILURE, EXIT_OK } from '../usage-error';

export interface ValidateOptions {
  env?: string[];
  repo?: string;
  format: 'text' | 'json';
}

export function validateCommand(terminal: Terminal, done: (code: number) => void): Command {
  return new Command('validate')
    .description('Validate environments like a compiler: schema, kind rules and the mesh graph, with file:line:column for every finding.')
    .option('--env <name...>', 'environment(s) to validate (default: all under environments/)')
    .option('--repo <dir>', 'mesh repository holding environments/ (default: current directory)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (options: ValidateOptions) => done(await runValidate(options, terminal)));
}

export async function runValidate(options: ValidateOptions, terminal: Terminal): Promise<number> {
  const source = openRepository(options.repo);
  const environments = await selectEnvironments(source, options.env);
  const diagnostics: Diagnostic[] = [];
  let resources = 0;
  let files = 0;
  const progress = startProgress(terminal, { label: 'validating', total: environments.length, unit: 'environments' });
  for (const [index, name] of environments.entries()) {
    progress.update(index, `loading ${name}`);
    const loaded = await loadEnvironment(source, name);
    resources += loaded.resources.length;
    files += loaded.files.length;
    progress.update(index, `validating ${name}: ${loaded.resources.length} resources`);
    diagnostics.push(...validateEnvironment(loaded).diagnostics);
  }
  progress.finish(plural(environments.length, 'environment'));
  diagnostics.sort(compareDiagnostics);
  const counts = summarize(diagnostics);
  if (options.format === 'json') {
    terminal.out(JSON.stringify({ valid: counts.errors === 0, diagnostics }, null, 2) + '\n');
  } else {
    for (const d of diagnostics) terminal.out(formatDiagnostic(d, terminal) + '\n');
    const scope = `${plural(resources, 'resource')} in ${plural(files, 'file')} (${environments.join(', ')})`;
    const verdict = counts.errors === 0 ? terminal.paint('green', 'valid') : terminal.paint('red', 'invalid');
    terminal.out(`${verdict}: ${plural(counts.errors, 'error')}, ${plural(counts.warnings, 'warning')} in ${scope}\n`);
  }
  return counts.errors === 0 ? EXIT_OK : EXIT_FAILURE;
}
