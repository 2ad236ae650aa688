// The validate stage: an environment as a revision has it, checked like `meshplane validate`
// (schema, kind rules, mesh graph) plus the environment.yaml sections the daemon acts on
// (status reporters, static discovery instances, xds, terraform), every finding with file:line.
import { compareDiagnostics, Diagnostic, hasErrors } from '../../provider/model/diagnostic';
import { Position } from '../../provider/model/resource';
import { validateEnvironment } from '../../provider/validate/validate';
import { FileSource, FileTooLargeError } from '../load/file-source';
import { ENVIRONMENT_FILE, ENVIRONMENTS_DIR, LoadedEnvironment, loadEnvironment, LoadLimits } from '../load/load-environment';
import { parseFile } from '../../provider/load/parsed-document';
import { DiscoverySettings, readDiscoverySettings, DISCOVERY_SECTION } from '../registry';
import { readStatusSettings, StatusSettings } from '../status/settings';
import { readTerraformSettings, TerraformSettings } from '../terraform';
import { readXdsSettings, XDS_SECTION, XdsSettings } from '../xds';
import { readStoreSettings, STORE_SECTION } from '../ha/store-settings';
import { closestMatch } from '../load/closest-match';
import { GIT_NOTES_REPORTER } from '../operator/operator-config';

/** What the operator declared that an environment.yaml may select (the daemon's validate stage). */
export interface OperatorSelections {
  /** Reporter names: `git-notes` and those under `reporters` in the operator configuration. */
  reporters: readonly string[];
  /** Reporters of an environment that selects none. */
  defaultReporters: readonly string[];
  /** The operator's bounds on what a commit makes the daemon read (limits). */
  limits?: LoadLimits;
}

export interface ValidatedRevision {
  environment: string;
  loaded: LoadedEnvironment;
  /** Every finding, sorted; errors mean the revision is not applied. */
  diagnostics: Diagnostic[];
  valid: boolean;
  status: StatusSettings;
  /** The reporter names the environment selected (status.reporters), else the operator's defaults. */
  reporters: string[];
  discovery: DiscoverySettings;
  terraform: TerraformSettings;
  xds: XdsSettings;
}

/** Loads and validates one environment of a revision; undefined when the revision does not have it. */
export async function validateRevision(files: FileSource, environment: string, operator?: OperatorSelections): Promise<ValidatedRevision | undefined> {
  const dir = `${ENVIRONMENTS_DIR}/${environment}`;
  if (!(await files.exists(dir))) return undefined;
  const loaded = await loadEnvironment(files, environment, operator?.limits);
  const diagnostics = validateEnvironment(loaded).diagnostics;
  const file = `${dir}/${ENVIRONMENT_FILE}`;
  const source = { file, locate: await locator(files, file) };
  const sections = loaded.config.sections;
  const status = readStatusSettings(sections.status, source);
  const reporters = selectReporters(sections.status, source, operator);
  const discovery = readDiscoverySettings(sections[DISCOVERY_SECTION], source);
  const terraform = readTerraformSettings(sections.terraform, source);
  const xds = readXdsSettings(sections[XDS_SECTION], source);
  const store = readStoreSettings(sections[STORE_SECTION], source);
  diagnostics.push(...status.diagnostics, ...reporters.diagnostics, ...discovery.diagnostics, ...terraform.diagnostics, ...xds.diagnostics, ...store.diagnostics);
  diagnostics.sort(compareDiagnostics);
  return {
    environment,
    loaded,
    diagnostics,
    valid: !hasErrors(diagnostics),
    status: status.settings,
    reporters: reporters.names,
    discovery: discovery.settings,
    terraform: terraform.settings,
    xds: xds.settings,
  };
}

/**
 * `status.reporters` of environment.yaml: names the operator declared. A name it did not declare is
 * an error at its line (ENV-REPORTER): the repository selects, it never defines a reporter.
 */
function selectReporters(section: unknown, source: { file: string; locate(pointer: string): Position }, operator: OperatorSelections | undefined): { names: string[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const selected = typeof section === 'object' && section !== null ? (section as Record<string, unknown>).reporters : undefined;
  const defaults = [...(operator?.defaultReporters ?? [GIT_NOTES_REPORTER])];
  if (selected === undefined) return { names: defaults, diagnostics };
  const report = (pointer: string, message: string) => diagnostics.push({ code: 'ENV-REPORTER', severity: 'error', message, file: source.file, ...source.locate(pointer), pointer });
  if (!Array.isArray(selected) || selected.length === 0 || selected.some((name) => typeof name !== 'string')) {
    report('/status/reporters', 'status.reporters must be a non-empty list of reporter names the operator declared, e.g. [git-notes, github-main].');
    return { names: defaults, diagnostics };
  }
  const names = selected as string[];
  names.forEach((name, index) => {
    if (!operator || operator.reporters.includes(name)) return;
    const hint = closestMatch(name, operator.reporters);
    report(
      `/status/reporters/${index}`,
      `status.reporters names "${name}", which the operator configuration does not declare; declared: ${operator.reporters.join(', ')}.${hint ? ` Did you mean "${hint}"?` : ''} ` +
        'Select a declared name, or ask the operator to declare it under reporters in meshplane.yaml (docs/configuration.md#reporters).',
    );
  });
  return { names, diagnostics };
}

/** Positions in environment.yaml by JSON pointer (the loader keeps only the values of sections). */
async function locator(files: FileSource, file: string): Promise<(pointer: string) => Position> {
  const unknown = () => ({ line: 0, column: 0 });
  if (!(await files.exists(file))) return unknown;
  // Too large to read: the loader has reported it (LOAD-SIZE).
  const text = await files.read(file).catch((error) => (error instanceof FileTooLargeError ? undefined : Promise.reject(error)));
  if (text === undefined) return unknown;
  const document = parseFile(text.toString('utf8'), 'yaml').documents[0];
  return document ? document.locate : () => ({ line: 1, column: 1 });
}

/** `2 errors: environments/apps/routing/service-b.yaml:28: RT-W-2 …` for a status description. */
export function describeFindings(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const first = errors[0];
  if (!first) return 'no errors';
  const where = first.line > 0 ? `${first.file}:${first.line}` : first.file;
  const count = errors.length === 1 ? '' : `${errors.length} errors, first: `;
  return `${count}${where}: ${first.code} ${first.message}`;
}
