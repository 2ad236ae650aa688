// One TerraformStack per environment, named after it: the AWS provider for the environment's
// account and region (version and block settings from the operator), the state backend, and the
// enabled targets (discovery, appmesh).
import { Construct } from 'constructs';
import { LocalBackend, S3Backend, S3BackendConfig, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { compareDiagnostics, Diagnostic } from '../model/diagnostic';
import { Resource } from '../model/resource';
import { EnvironmentConfig } from '../environment/environment-config';
import { addAppMeshTarget } from './appmesh-target';
import { AwsProviderSettings, awsProviderProblems, defaultAwsProviderSettings } from './aws-provider-settings';
import { addDiscoveryTarget } from './discovery-target';
import { LogicalNames } from './logical-names';
import { AwsStackSettings, BackendSettings, SettingsSource } from './stack-settings';

export interface StackInput {
  /** Environment name; also the stack name (`cdktf plan <env>`). */
  name: string;
  config: EnvironmentConfig;
  resources: readonly Resource[];
  settings: AwsStackSettings;
  settingsSource: SettingsSource;
}

export class EnvironmentStack extends TerraformStack {
  /** What synthesis could not express or found missing, sorted like compiler output. */
  readonly diagnostics: Diagnostic[] = [];

  constructor(scope: Construct, input: StackInput) {
    super(scope, input.name);
    const { config, settings } = input;
    const provider = settings.provider ?? defaultAwsProviderSettings();
    for (const { key, message } of awsProviderProblems(provider)) {
      // The operator's file is not at hand here; the message names the setting in it.
      this.diagnostics.push({ code: 'TF-PROVIDER', severity: 'error', message: `terraform.provider.${key} of the operator configuration: ${message}`, file: input.settingsSource.file, line: 1, column: 1, pointer: '' });
    }
    addProvider(this, config, provider);
    addBackend(this, input.name, settings.backend);
    const names = new LogicalNames();
    const discovery = settings.targets.includes('discovery')
      ? addDiscoveryTarget(this, input.resources, settings, input.settingsSource, names)
      : undefined;
    if (discovery) this.diagnostics.push(...discovery.diagnostics);
    if (settings.targets.includes('appmesh')) {
      const cloudMapService = (resource: Resource) => {
        const service = discovery?.cloudMapServiceOf.get(resource.key);
        return service ? [service] : [];
      };
      this.diagnostics.push(...addAppMeshTarget(this, input.resources, names, cloudMapService).diagnostics);
    }
    this.diagnostics.sort(compareDiagnostics);
  }
}

function addProvider(stack: TerraformStack, config: EnvironmentConfig, settings: AwsProviderSettings): void {
  const { assumeRole, endpoints, defaultTags } = settings;
  const provider = new AwsProvider(stack, 'aws', {
    region: config.region,
    // allowed_account_ids stops a plan from ever touching another account by mistake.
    ...(settings.allowedAccountIds ? { allowedAccountIds: [config.account] } : {}),
    profile: settings.profile,
    assumeRole: assumeRole && [
      { roleArn: assumeRole.roleArn.split('{account}').join(config.account), sessionName: assumeRole.sessionName, externalId: assumeRole.externalId, duration: assumeRole.duration },
    ],
    defaultTags: defaultTags && [{ tags: defaultTags }],
    skipCredentialsValidation: settings.skipCredentialsValidation,
    skipRequestingAccountId: settings.skipRequestingAccountId,
    // A string in the provider's schema (it also takes "false" to force the check).
    skipMetadataApiCheck: settings.skipMetadataApiCheck === undefined ? undefined : String(settings.skipMetadataApiCheck),
    skipRegionValidation: settings.skipRegionValidation,
  });
  // Verbatim: cdktf's typed endpoints block would drop a service name it does not know without a word,
  // while Terraform names an unknown one in its error.
  if (endpoints) provider.addOverride('endpoints', [endpoints]);
  // cdktf pins the version the bindings were generated from; the operator chooses the version installed.
  stack.addOverride('terraform.required_providers.aws.version', settings.version);
}

function addBackend(stack: TerraformStack, env: string, backend: BackendSettings | undefined): void {
  if (backend?.s3) {
    const { useLockfile, ...s3 } = backend.s3;
    // cdktf 0.21's S3BackendConfig predates Terraform 1.10's `use_lockfile`; S3Backend
    // snake-cases every property it is given, so the extra key reaches the JSON as `use_lockfile`.
    const config: S3BackendConfig & { useLockfile?: boolean } = { ...s3, ...(useLockfile !== undefined ? { useLockfile } : {}) };
    new S3Backend(stack, config);
  } else {
    // cdktf's default local backend bakes in the absolute path of the current directory; a
    // relative path keeps the output the same wherever it is synthesized and the state next to the stack.
    new LocalBackend(stack, { path: backend?.local?.path ?? `terraform.${env}.tfstate` });
  }
}
