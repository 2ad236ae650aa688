// Terraform settings of an environment: what its stack holds (the `terraform` section of its
// settings) and the state backend the CLI still takes from environment.yaml until it reads the
// operator configuration (the daemon takes terraform.backend from the operator only):
//
//   terraform:
//     backend:
//       s3: { bucket: my-state, key: meshplane/apps.tfstate, region: us-west-2, useLockfile: true }
//       # or s3 with dynamodbTable: terraform-locks, or local: { path: /var/lib/meshplane/apps.tfstate }
import { Diagnostic, joinPointer } from '../../provider/model/diagnostic';
import { AwsStackSettings, SettingsSource } from '../../provider/aws/stack-settings';
import { defaultTerraformEnvironment, EnvironmentConfig, TerraformEnvironmentSettings } from '../../provider/environment/environment-config';

export interface TerraformSettings extends TerraformEnvironmentSettings {
  backend?: AwsStackSettings['backend'];
}

const S3_KEYS = ['bucket', 'key', 'region', 'dynamodbTable', 'useLockfile', 'encrypt'];

export function defaultTerraformSettings(): TerraformSettings {
  return defaultTerraformEnvironment();
}

/**
 * The environment's Terraform settings: the `terraform` section of its settings, plus the state
 * backend the CLI still takes from environment.yaml (ENV-OPERATOR warns), checked here.
 */
export function readTerraformSettings(config: EnvironmentConfig, source: SettingsSource): { settings: TerraformSettings; diagnostics: Diagnostic[] } {
  const settings: TerraformSettings = { ...config.terraform, targets: [...config.terraform.targets] };
  const diagnostics: Diagnostic[] = [];
  const report = (pointer: string, message: string) =>
    diagnostics.push({ code: 'ENV-TF', severity: 'error', message, file: source.file, ...source.locate(pointer), pointer });
  const backend = config.operatorKeys['terraform.backend'];
  if (backend !== undefined) readBackend(backend, '/terraform/backend', settings, report);
  return { settings, diagnostics };
}

function readBackend(value: unknown, at: string, settings: TerraformSettings, report: (pointer: string, message: string) => void): void {
  const isS3 = isRecord(value) && 's3' in value;
  const isLocal = isRecord(value) && 'local' in value;
  if (!isRecord(value) || Object.keys(value).length !== 1 || !(isS3 || isLocal)) {
    report(at, 'terraform.backend must hold exactly one of s3: { bucket, key, region, dynamodbTable | useLockfile } or local: { path }.');
    return;
  }
  if (isLocal) {
    const local = value.local;
    if (isRecord(local) && typeof local.path === 'string' && local.path !== '' && Object.keys(local).length === 1) settings.backend = { local: { path: local.path } };
    else report(joinPointer(at, 'local'), 'terraform.backend.local must be { path: <state file> }, e.g. path: /var/lib/meshplane/apps.tfstate.');
    return;
  }
  const s3 = value.s3;
  const s3At = joinPointer(at, 's3');
  if (!isRecord(s3)) return report(s3At, 'terraform.backend.s3 must be a mapping with bucket and key.');
  let ok = true;
  const fail = (pointer: string, message: string) => {
    ok = false;
    report(pointer, message);
  };
  for (const [key, v] of Object.entries(s3)) {
    const keyAt = joinPointer(s3At, key);
    if (!S3_KEYS.includes(key)) fail(keyAt, `unknown S3 backend setting "${key}"; known: ${S3_KEYS.join(', ')}.`);
    else if ((key === 'useLockfile' || key === 'encrypt') && typeof v !== 'boolean') fail(keyAt, `terraform.backend.s3.${key} must be true or false.`);
    else if (key !== 'useLockfile' && key !== 'encrypt' && (typeof v !== 'string' || v === '')) fail(keyAt, `terraform.backend.s3.${key} must be a non-empty string.`);
  }
  for (const required of ['bucket', 'key']) {
    if (s3[required] === undefined) fail(s3At, `terraform.backend.s3 needs ${required} (e.g. bucket: my-terraform-state, key: meshplane/apps.tfstate).`);
  }
  if (s3.dynamodbTable !== undefined && s3.useLockfile === true) {
    fail(s3At, 'terraform.backend.s3 sets both dynamodbTable and useLockfile: choose one way of locking state (useLockfile needs Terraform 1.10 or later).');
  }
  if (ok) settings.backend = { s3: s3 as unknown as NonNullable<AwsStackSettings['backend']>['s3'] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
