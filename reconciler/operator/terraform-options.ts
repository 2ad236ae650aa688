// How the daemon runs Terraform, from the operator's `terraform` section only: the binary, the
// child's whole environment (PATH, a private HOME, the TF_* meshplane sets, terraform.env), the CLI
// configuration and the state backend. Nothing of it comes from the repository.
import * as path from 'node:path';
import { BackendSettings } from '../../provider/aws/stack-settings';
import { InfrastructureOptions } from '../terraform/infrastructure';
import { TerraformOperatorSettings } from './operator-config';

export type DaemonTerraformOptions = Omit<InfrastructureOptions, 'log' | 'workRoot'>;

/** `workRoot`: `<data-dir>/terraform`; the child's HOME is `<workRoot>/home`. */
export function daemonTerraformOptions(terraform: TerraformOperatorSettings, workRoot: string): DaemonTerraformOptions {
  const backend = terraform.backend;
  return {
    binary: terraform.binary,
    inherit: terraform.env.pass,
    env: {
      HOME: path.join(workRoot, 'home'),
      ...(terraform.cliConfigFile ? { TF_CLI_CONFIG_FILE: terraform.cliConfigFile } : {}),
      ...terraform.env.set,
    },
    backend: backend ? (env) => backendOf(backend, env) : undefined,
  };
}

function backendOf(backend: NonNullable<TerraformOperatorSettings['backend']>, env: string): BackendSettings {
  if ('local' in backend) return { local: { path: path.join(backend.local.dir, `${env}.tfstate`) } };
  return { s3: { ...backend.s3, key: backend.s3.key.split('{env}').join(env) } };
}
