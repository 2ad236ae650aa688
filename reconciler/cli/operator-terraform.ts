// `--config <file>` of the commands that synthesize or run Terraform (synth, plan, apply, review):
// the operator's terraform.binary, terraform.backend and terraform.provider, as the daemon uses them.
import { Command } from 'commander';
import { CommandTerraform, commandTerraform } from '../operator/terraform-options';
import { UsageError } from './usage-error';

export function addOperatorConfigOption(command: Command): Command {
  return command.option('--config <file>', 'operator configuration whose terraform.binary, terraform.backend and terraform.provider are used (default: $MESHPLANE_CONFIG)');
}

/** The configuration's Terraform; a configuration that cannot be used is a usage error. */
export async function operatorTerraform(config: string | undefined): Promise<CommandTerraform> {
  try {
    return await commandTerraform(config);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
