// The validate stage: an environment as a revision has it, checked like `meshplane validate`
// (schema, kind rules, mesh graph) plus the environment.yaml sections the daemon acts on
// (status reporters, static discovery instances, xds, terraform), every finding with file:line.
import { compareDiagnostics, Diagnostic, hasErrors } from '../../provider/model/diagnostic';
import { MeshModel } from '../../provider/model/mesh-model';
import { Position } from '../../provider/model/resource';
import { validateEnvironment } from '../../provider/validate/validate';
import { FileSource } from '../load/file-source';
import { ENVIRONMENTS_DIR, LoadedEnvironment, loadEnvironment, LoadLimits } from '../load/load-environment';
import { MeshXdsSettings } from '../../provider/environment/environment-config';
import { DiscoverySettings, readDiscoverySettings } from '../registry';
import { AddressPolicy } from '../registry/address-policy';
import { PreparedEnvironment, preparedEnvironment, TerraformSettings } from '../terraform';
import { closestMatch } from '../load/closest-match';
import { GIT_NOTES_REPORTER } from '../operator/operator-config';
import { RevisionCaches } from './revision-caches';

/** What the operator declared that an environment.yaml may select (the daemon's validate stage). */
export interface OperatorSelections {
  /** Reporter names: `git-notes` and those under `reporters` in the operator configuration. */
  reporters: readonly string[];
  /** Reporters of an environment that selects none. */
  defaultReporters: readonly string[];
  /** The operator's bounds on what a commit makes the daemon read (limits). */
  limits?: LoadLimits;
  /** The operator's registry address policy: static instances at refused addresses are errors. */
  addressPolicy?: AddressPolicy;
}

export interface ValidatedRevision {
  environment: string;
  loaded: LoadedEnvironment;
  /** The model of `loaded.resources`, validated; xDS translation takes it as it is. */
  model: MeshModel;
  /** Every finding, sorted; errors mean the revision is not applied. */
  diagnostics: Diagnostic[];
  valid: boolean;
  /** The reporter names the environment selected (status.reporters), else the operator's defaults. */
  reporters: string[];
  discovery: DiscoverySettings;
  terraform: TerraformSettings;
  /** The environment's mesh-level xDS settings (the server's are the operator's). */
  xds: MeshXdsSettings;
}

/** Loads and validates one environment of a revision; undefined when the revision does not have it. */
/** With `caches`, unchanged files are neither read nor parsed nor checked again; without, everything is (the full recompute). */
export async function validateRevision(files: FileSource, environment: string, operator?: OperatorSelections, caches?: RevisionCaches): Promise<ValidatedRevision | undefined> {
  const dir = `${ENVIRONMENTS_DIR}/${environment}`;
  if (!(await files.exists(dir))) return undefined;
  const loaded = await loadEnvironment(files, environment, operator?.limits, caches?.parse);
  const { diagnostics, model } = validateEnvironment(loaded, caches);
  const source = loaded.environmentFile;
  const { config } = loaded;
  const reporters = selectReporters(config.status.reporters, source, operator);
  const discovery = readDiscoverySettings(config, source, operator?.addressPolicy);
  diagnostics.push(...reporters.diagnostics, ...discovery.diagnostics);
  diagnostics.sort(compareDiagnostics);
  return {
    environment,
    loaded,
    model,
    diagnostics,
    valid: !hasErrors(diagnostics),
    reporters: reporters.names,
    discovery: discovery.settings,
    terraform: { ...config.terraform, targets: [...config.terraform.targets] },
    xds: config.xds,
  };
}

/**
 * `status.reporters` of environment.yaml: names the operator declared. A name it did not declare is
 * an error at its line (ENV-REPORTER): the repository selects, it never defines a reporter.
 */
function selectReporters(selected: readonly string[], source: { file: string; locate(pointer: string): Position }, operator: OperatorSelections | undefined): { names: string[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  // None selected (the schema refuses an empty list): the operator's defaults.
  if (selected.length === 0) return { names: [...(operator?.defaultReporters ?? [GIT_NOTES_REPORTER])], diagnostics };
  const report = (pointer: string, message: string) => diagnostics.push({ code: 'ENV-REPORTER', severity: 'error', message, file: source.file, ...source.locate(pointer), pointer });
  const names = [...selected];
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

/** The revision as Terraform synthesis takes it: the same load and settings, nothing read again. */
export function terraformInput(validated: ValidatedRevision): PreparedEnvironment {
  return preparedEnvironment(validated.loaded, validated.terraform, validated.diagnostics);
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
