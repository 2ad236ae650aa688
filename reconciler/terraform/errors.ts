// Errors the Terraform runner raises. Each names the step that failed, keeps the tail of
// Terraform's own output, and says what was (not) changed and how to go on.

export type TerraformStep = 'init' | 'plan' | 'show' | 'apply' | 'drift';

const STEP_HINTS: Record<TerraformStep, string> = {
  init:
    'Nothing was planned or applied. Check the backend settings (terraform.backend of the operator configuration), the credentials for it, ' +
    'and that the providers can be downloaded or are in TF_PLUGIN_CACHE_DIR.',
  plan: 'Nothing was applied; the state is as it was. Fix the configuration or credentials problem Terraform reports above, then plan again.',
  show: 'Nothing was applied. The saved plan file could not be read back; make sure the same Terraform version wrote it, then plan again.',
  apply:
    'The state keeps whatever Terraform applied before the error (Terraform applies resource by resource); nothing else was touched. ' +
    'Fix the error Terraform reports above and run a new plan: a saved plan is applied at most once.',
  drift: 'Drift was not checked this time; the previous drift status stands. Fix the problem Terraform reports above.',
};

export class TerraformStepError extends Error {
  override readonly name = 'TerraformStepError';

  constructor(
    readonly step: TerraformStep,
    readonly command: string,
    readonly workdir: string,
    readonly exitCode: number | null,
    /** Last lines Terraform wrote (stderr and stdout), for the log and the commit status. */
    readonly outputTail: string,
  ) {
    super(
      `terraform ${step} failed (${exitCode === null ? 'killed' : `exit ${exitCode}`}) running \`${command}\` in ${workdir}` +
        (outputTail ? `:\n${outputTail}\n` : '. ') +
        STEP_HINTS[step],
    );
  }
}

export class TerraformNotFoundError extends Error {
  override readonly name = 'TerraformNotFoundError';

  constructor(readonly binary: string) {
    super(
      `could not run "${binary}": no such executable on PATH. Install Terraform (https://developer.hashicorp.com/terraform/install) ` +
        'or OpenTofu, or set terraform.binary in the operator configuration (meshplane.yaml) to the executable\'s name or absolute path (e.g. binary: tofu).',
    );
  }
}

export class TerraformOutputError extends Error {
  override readonly name = 'TerraformOutputError';

  constructor(command: string, detail: string) {
    super(
      `\`${command}\` printed something that is not a Terraform JSON plan (${detail}). meshplane reads the plan format of Terraform ≥ 1.0 / OpenTofu; ` +
        'check that terraform.binary points at one of those.',
    );
  }
}
