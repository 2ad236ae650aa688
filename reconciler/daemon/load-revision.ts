// The validate stage: an environment as a revision has it, checked like `meshplane validate`
// (schema, kind rules, mesh graph) plus the environment.yaml sections the daemon acts on
// (status reporters, static discovery instances, xds, terraform), every finding with file:line.
import { compareDiagnostics, Diagnostic, hasErrors } from '../../provider/model/diagnostic';
import { Position } from '../../provider/model/resource';
import { validateEnvironment } from '../../provider/validate/validate';
import { FileSource, FileTooLargeError } from '../load/file-source';
import { ENVIRONMENT_FILE, ENVIRONMENTS_DIR, LoadedEnvironment, loadEnvironment } from '../load/load-environment';
import { parseFile } from '../../provider/load/parsed-document';
import { DiscoverySettings, readDiscoverySettings, DISCOVERY_SECTION } from '../registry';
import { readStatusSettings, StatusSettings } from '../status/settings';
import { readTerraformSettings, TerraformSettings } from '../terraform';
import { readXdsSettings, XDS_SECTION, XdsSettings } from '../xds';
import { readStoreSettings, STORE_SECTION } from '../ha/store-settings';

export interface ValidatedRevision {
  environment: string;
  loaded: LoadedEnvironment;
  /** Every finding, sorted; errors mean the revision is not applied. */
  diagnostics: Diagnostic[];
  valid: boolean;
  status: StatusSettings;
  discovery: DiscoverySettings;
  terraform: TerraformSettings;
  xds: XdsSettings;
}

/** Loads and validates one environment of a revision; undefined when the revision does not have it. */
export async function validateRevision(files: FileSource, environment: string): Promise<ValidatedRevision | undefined> {
  const dir = `${ENVIRONMENTS_DIR}/${environment}`;
  if (!(await files.exists(dir))) return undefined;
  const loaded = await loadEnvironment(files, environment);
  const diagnostics = validateEnvironment(loaded).diagnostics;
  const file = `${dir}/${ENVIRONMENT_FILE}`;
  const source = { file, locate: await locator(files, file) };
  const sections = loaded.config.sections;
  const status = readStatusSettings(sections.status, source);
  const discovery = readDiscoverySettings(sections[DISCOVERY_SECTION], source);
  const terraform = readTerraformSettings(sections.terraform, source);
  const xds = readXdsSettings(sections[XDS_SECTION], source);
  const store = readStoreSettings(sections[STORE_SECTION], source);
  diagnostics.push(...status.diagnostics, ...discovery.diagnostics, ...terraform.diagnostics, ...xds.diagnostics, ...store.diagnostics);
  diagnostics.sort(compareDiagnostics);
  return {
    environment,
    loaded,
    diagnostics,
    valid: !hasErrors(diagnostics),
    status: status.settings,
    discovery: discovery.settings,
    terraform: terraform.settings,
    xds: xds.settings,
  };
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
