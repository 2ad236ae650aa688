// Terraform settings of an environment's stack: what it holds (the `terraform` section of
// environment.yaml, EnvironmentConfig.terraform) and its state backend, which only the operator
// configuration sets (terraform.backend of meshplane.yaml; ENV-OPERATOR refuses it in the repository).
import { BackendSettings } from '../../provider/aws/stack-settings';
import { defaultTerraformEnvironment, TerraformEnvironmentSettings } from '../../provider/environment/environment-config';

export interface TerraformSettings extends TerraformEnvironmentSettings {
  backend?: BackendSettings;
}

export function defaultTerraformSettings(): TerraformSettings {
  return defaultTerraformEnvironment();
}
