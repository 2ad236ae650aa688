// `meshplane import`: converts App Mesh definitions from describe output, CloudFormation,
// Kubernetes manifests or Terraform into canonical documents of one environment, then
// validates that environment.
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { compareDiagnostics, Diagnostic } from '../../../provider/model/diagnostic';
import { IMPORT_DIALECTS, ImportDialect, runImport, writeResources } from '../../../provider/import/import';
import { missingInputs } from '../../../provider/import/input-files';
import { validateEnvironment } from '../../../provider/validate/validate';
import { WorkingTreeSource } from '../../load/file-source';
import { ENVIRONMENTS_DIR, loadEnvironment } from '../../load/load-environment';
import { formatDiagnostic, plural, summarize } from '../format-diagnostics';
import { startProgress } from '../progress';
import { Terminal } from '../terminal';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../usage-error';

export interface ImportCommandOptions {
  from: ImportDialect;
  out: string;
  mesh?: string;
  param?: string[];
  varFile?: string[];
  format: 'text' | 'json';
}

export function importCommand(terminal: Terminal, done: (code: number) => void): Command {
  return new Command('import')
    .description('Import App Mesh definitions (describe output, CloudFormation, Kubernetes manifests, Terraform) into canonical documents of an environment, then validate it.')
    .argument('<inputs...>', 'files or directories to import')
    .addOption(new Option('--from <dialect>', 'format of the inputs').choices([...IMPORT_DIALECTS]).makeOptionMandatory())
    .requiredOption('--out <dir>', 'environment folder to write, environments/<env>/ inside the mesh repository')
    .option('--mesh <name>', 'mesh of resources whose input does not name one (Kubernetes objects in namespaces not in the manifests)')
    .option('--param <KEY=VALUE...>', 'CloudFormation parameter, pseudo parameter (AWS::Region) or export name; Terraform variable (name=…), local (local.name=…) or reference (data.type.name.attr=…, type.name.id=…)')
    .option('--var-file <file...>', 'Terraform variables file (.tfvars or .tfvars.json), as terraform -var-file; later files and --param win')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (inputs: string[], options: ImportCommandOptions) => done(await runImportCommand(inputs, options, terminal)));
}

export async function runImportCommand(inputs: string[], options: ImportCommandOptions, terminal: Terminal, cwd = process.cwd()): Promise<number> {
  const params = parseParams(options.param ?? []);
  const outDir = path.resolve(cwd, options.out);
  const environment = path.basename(outDir);
  if (path.basename(path.dirname(outDir)) !== ENVIRONMENTS_DIR) {
    throw new UsageError(`--out ${options.out} is not an environment folder; pass --out ${ENVIRONMENTS_DIR}/<env>/ inside the mesh repository.`);
  }
  const missing = missingInputs([...inputs, ...(options.varFile ?? [])], cwd);
  if (missing.length > 0) throw new UsageError(`no such file or directory: ${missing.join(', ')}.`);

  const progress = startProgress(terminal, { label: 'importing', total: 3, unit: 'steps' });
  progress.update(0, `reading and converting ${options.from} input`);
  const imported = await runImport({ dialect: options.from, inputs, cwd, mesh: options.mesh, params, varFiles: options.varFile });
  const counts = summarize(imported.findings);
  let diagnostics: Diagnostic[] = [];
  let written: string[] = [];
  let unchanged: string[] = [];
  if (!imported.malformed) {
    progress.update(1, `writing ${plural(imported.resources.length, 'resource')}`);
    ({ written, unchanged } = writeResources(outDir, imported.resources));
    progress.update(2, `validating ${environment}`);
    const repository = new WorkingTreeSource(path.dirname(path.dirname(outDir)));
    const loaded = await loadEnvironment(repository, environment);
    // Paths relative to the working directory, like the import findings.
    const prefix = path.relative(cwd, repository.label).split(path.sep).join('/');
    diagnostics = validateEnvironment(loaded).diagnostics.map((d) => ({ ...d, file: prefix ? `${prefix}/${d.file}` : d.file }));
  }
  progress.finish(plural(imported.resources.length, 'resource'));
  const validation = summarize(diagnostics);
  const complete = imported.complete && !imported.malformed;
  const valid = !imported.malformed && validation.errors === 0;

  if (options.format === 'json') {
    terminal.out(JSON.stringify({ complete, valid, written, unchanged, report: imported.findings, diagnostics }, null, 2) + '\n');
  } else {
    for (const finding of imported.findings) terminal.out(formatDiagnostic(finding, terminal) + '\n');
    const scope = `${plural(imported.resources.length, 'resource')} from ${plural(imported.files, 'file')}`;
    if (imported.malformed) {
      terminal.out(`${terminal.paint('red', 'import failed')}: malformed input (${plural(counts.errors, 'error')}); nothing was written.\n`);
    } else {
      const verdict = complete ? terminal.paint('green', 'import complete') : terminal.paint('red', 'import incomplete');
      terminal.out(`${verdict}: ${scope}, ${plural(counts.errors, 'error')}, ${plural(counts.warnings, 'warning')}; wrote ${plural(written.length, 'file')} (${unchanged.length} unchanged) to ${options.out}\n`);
      for (const d of [...diagnostics].sort(compareDiagnostics)) terminal.out(formatDiagnostic(d, terminal) + '\n');
      const verdict2 = valid ? terminal.paint('green', 'valid') : terminal.paint('red', 'invalid');
      terminal.out(`${verdict2}: ${plural(validation.errors, 'error')}, ${plural(validation.warnings, 'warning')} in environment ${environment}\n`);
    }
  }
  return complete && valid ? EXIT_OK : EXIT_FAILURE;
}

function parseParams(values: string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param ${value} is not KEY=VALUE; for example --param MeshName=apps.`);
    params[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return params;
}
