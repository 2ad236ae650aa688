// One TerraformStack per environment, named after it: the AWS provider for the environment's
// account and region, the state backend, and the enabled targets (discovery, appmesh).
import { Construct } from 'constructs';
import { LocalBackend, S3Backend, S3BackendConfig, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { compareDiagnostics, Diagnostic } from '../model/diagnostic';
import { Resource } from '../model/resource';
import { EnvironmentConfig } from '../environment/environment-config';
import { addAppMeshTarget } from './appmesh-target';
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
    // allowed_account_ids stops a plan from ever touching another account by mistake.
    new AwsProvider(this, 'aws', { region: config.region, allowedAccountIds: [config.account] });
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
