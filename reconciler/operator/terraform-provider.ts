// `terraform.provider` of the operator configuration: the hashicorp/aws version Terraform installs
// and the provider block of every environment's stack (profile, role, endpoints, default tags, the
// skip_* checks, allowed_account_ids). Only here: endpoints and roles decide where credentials go,
// so the repository never sets them (environment.yaml's terraform section has no provider key).
import { AwsProviderSettings, awsProviderProblems, defaultAwsProviderSettings } from '../../provider/aws/aws-provider-settings';

/** As written in meshplane.yaml: every key optional. */
export type TerraformProviderInput = Partial<AwsProviderSettings>;

export function awsProviderSettings(input: TerraformProviderInput | undefined): AwsProviderSettings {
  return { ...defaultAwsProviderSettings(), ...input };
}

/** Refuses at load what would refuse every synth or plan later (a version outside the supported range, …). */
export function terraformProviderProblems(input: TerraformProviderInput | undefined, report: (pointer: string, message: string) => void): void {
  if (input === undefined) return;
  for (const { key, message } of awsProviderProblems(awsProviderSettings(input))) {
    report(key in input ? `/terraform/provider/${key}` : '/terraform/provider', `terraform.provider.${key}: ${message}`);
  }
}
