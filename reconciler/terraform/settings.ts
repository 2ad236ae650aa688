// The `terraform` section of environment.yaml: whether plan/apply/the daemon run Terraform, with
// which binary, and what the environment's stack holds. Every key is optional:
//
//   terraform:
//     enabled: true                 # run Terraform in plan/apply/daemon (default false)
//     binary: terraform             # or tofu, or a path
//     targets: [discovery, appmesh] # what the stack holds (default both)
//     privateZone: apps.local       # Route 53 private zone for virtual service names
//     vpcId: vpc-0123456789abcdef0  # VPC of that zone and of Cloud Map namespaces
//     serviceAddress: 10.10.10.10   # address of the virtual service records
//     recordTtl: 300
//     backend:
//       s3: { bucket: my-state, key: meshplane/apps.tfstate, region: us-west-2, useLockfile: true }
//       # or s3 with dynamodbTable: terraform-locks, or local: { path: /var/lib/meshplane/apps.tfstate }
import { Diagnostic, joinPointer } from '../../provider/model/diagnostic';
import { AwsStackSettings, defaultStackSettings, SettingsSource, SYNTH_TARGETS, SynthTarget } from '../../provider/aws/stack-settings';
import { closestMatch } from '../load/closest-match';

export interface TerraformSettings extends AwsStackSettings {
  enabled: boolean;
  /** Executable run for init/plan/apply: `terraform`, `tofu`, or a path. */
  binary: string;
}

export const TERRAFORM_SECTION = 'terraform';
const KEYS = ['enabled', 'binary', 'targets', 'privateZone', 'vpcId', 'serviceAddress', 'recordTtl', 'backend'];
const S3_KEYS = ['bucket', 'key', 'region', 'dynamodbTable', 'useLockfile', 'encrypt'];

export function defaultTerraformSettings(): TerraformSettings {
  return { ...defaultStackSettings(), enabled: false, binary: 'terraform' };
}

export function readTerraformSettings(value: unknown, source: SettingsSource): { settings: TerraformSettings; diagnostics: Diagnostic[] } {
  const settings = defaultTerraformSettings();
  const diagnostics: Diagnostic[] = [];
  const report = (pointer: string, message: string) =>
    diagnostics.push({ code: 'ENV-TF', severity: 'error', message, file: source.file, ...source.locate(pointer), pointer });
  if (value === undefined || value === null) return { settings, diagnostics };
  const root = `/${TERRAFORM_SECTION}`;
  if (!isRecord(value)) {
    report(root, 'terraform must be a mapping of settings (enabled, binary, targets, privateZone, vpcId, backend, …).');
    return { settings, diagnostics };
  }
  for (const [key, setting] of Object.entries(value)) {
    const at = joinPointer(root, key);
    const text = (pattern: RegExp, example: string) => {
      if (typeof setting === 'string' && pattern.test(setting)) return setting;
      report(at, `terraform.${key} must be ${example}; got ${JSON.stringify(setting)}.`);
      return undefined;
    };
    if (key === 'enabled') {
      if (typeof setting === 'boolean') settings.enabled = setting;
      else report(at, `terraform.enabled must be true or false; got ${JSON.stringify(setting)}.`);
    } else if (key === 'binary') {
      settings.binary = text(/^\S+$/, 'the name or path of the Terraform executable, e.g. terraform or tofu') ?? settings.binary;
    } else if (key === 'targets') {
      const targets = readTargets(setting, at, report);
      if (targets) settings.targets = targets;
    } else if (key === 'privateZone') {
      settings.privateZone = text(/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?\.?$/i, 'a DNS zone name such as apps.local');
    } else if (key === 'vpcId') {
      settings.vpcId = text(/^vpc-[0-9a-f]+$/, 'a VPC ID such as vpc-0123456789abcdef0');
    } else if (key === 'serviceAddress') {
      settings.serviceAddress = text(/^(\d{1,3}\.){3}\d{1,3}$/, 'an IPv4 address such as 10.10.10.10') ?? settings.serviceAddress;
    } else if (key === 'recordTtl') {
      if (typeof setting === 'number' && Number.isInteger(setting) && setting >= 0) settings.recordTtl = setting;
      else report(at, `terraform.recordTtl must be a whole number of seconds; got ${JSON.stringify(setting)}.`);
    } else if (key === 'backend') {
      readBackend(setting, at, settings, report);
    } else {
      const suggestion = closestMatch(key, KEYS);
      report(at, `unknown terraform setting "${key}"; known: ${KEYS.join(', ')}.${suggestion ? ` Did you mean "${suggestion}"?` : ''}`);
    }
  }
  return { settings, diagnostics };
}

function readTargets(value: unknown, at: string, report: (pointer: string, message: string) => void): SynthTarget[] | undefined {
  if (!Array.isArray(value)) {
    report(at, `terraform.targets must be a list drawn from ${SYNTH_TARGETS.join(', ')}; got ${JSON.stringify(value)}.`);
    return undefined;
  }
  const targets: SynthTarget[] = [];
  value.forEach((item, index) => {
    if ((SYNTH_TARGETS as readonly unknown[]).includes(item)) targets.push(item as SynthTarget);
    else report(joinPointer(at, index), `unknown target ${JSON.stringify(item)}; targets are ${SYNTH_TARGETS.join(', ')}.`);
  });
  return targets;
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
