// How the daemon runs Terraform, from the operator's `terraform` section only: the binary, the
// child's whole environment (PATH, a private HOME, the TF_* meshplane sets, terraform.env), the CLI
// configuration, the state backend and the AWS provider. Nothing of it comes from the repository.
// Commands a user runs take the binary, backend and provider from the same file when given one (--config).
import * as path from 'node:path';
import { BackendSettings, OperatorStackSettings } from '../../provider/aws/stack-settings';
import { InfrastructureOptions } from '../terraform/infrastructure';
import { loadOperatorConfig } from './load-operator-config';
import { TerraformOperatorSettings } from './operator-config';
import { awsProviderSettings } from './terraform-provider';

export type DaemonTerraformOptions = Omit<InfrastructureOptions, 'log' | 'workRoot'>;

/** `workRoot`: `<data-dir>/terraform`; the child's HOME is `<workRoot>/home`. */
export function daemonTerraformOptions(terraform: TerraformOperatorSettings, workRoot: string): DaemonTerraformOptions {
  return {
    binary: terraform.binary,
    inherit: terraform.env.pass,
    env: {
      HOME: path.join(workRoot, 'home'),
      ...(terraform.cliConfigFile ? { TF_CLI_CONFIG_FILE: terraform.cliConfigFile } : {}),
      ...terraform.env.set,
    },
    operatorStack: operatorStackFor(terraform),
  };
}

/** What the operator sets in each environment's stack: its state backend and the AWS provider. */
export function operatorStackFor(terraform: TerraformOperatorSettings): (env: string) => OperatorStackSettings {
  const backend = backendFor(terraform);
  const provider = awsProviderSettings(terraform.provider);
  return (env) => ({ ...(backend ? { backend: backend(env) } : {}), provider });
}

/** The state backend of each environment's stack, when the operator declared one. */
function backendFor(terraform: TerraformOperatorSettings): ((env: string) => BackendSettings) | undefined {
  const backend = terraform.backend;
  return backend ? (env) => backendOf(backend, env) : undefined;
}

/**
 * Terraform for a command a user runs (synth, plan, apply): with --config (or $MESHPLANE_CONFIG)
 * the operator's binary and backend; the user's own environment either way.
 */
export async function commandTerraform(configFile: string | undefined, variables: NodeJS.ProcessEnv = process.env): Promise<CommandTerraform> {
  const file = configFile ?? (variables.MESHPLANE_CONFIG || undefined);
  if (!file) return {};
  const { terraform } = await loadOperatorConfig(file);
  return { binary: terraform.binary, operatorStack: operatorStackFor(terraform) };
}

export interface CommandTerraform {
  binary?: string;
  operatorStack?: (env: string) => OperatorStackSettings;
}

function backendOf(backend: NonNullable<TerraformOperatorSettings['backend']>, env: string): BackendSettings {
  if ('local' in backend) return { local: { path: path.join(backend.local.dir, `${env}.tfstate`) } };
  return { s3: { ...backend.s3, key: backend.s3.key.split('{env}').join(env) } };
}
