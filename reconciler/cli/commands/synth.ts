// `meshplane synth`: the environments' Terraform stacks, in-process (no cdktf-cli needed);
// byte-identical to what `cdktf synth` writes through cdktf.json.
import * as path from 'node:path';
import { Command } from 'commander';
import { DEFAULT_OUTDIR } from '../../../provider/aws/synthesize';
import { synthesizeEnvironments } from '../../terraform/synth-environments';
import { formatDiagnostic, plural, summarize } from '../format-diagnostics';
import { operatorTerraform } from '../operator-terraform';
import { openRepository, selectEnvironments } from '../repository';
import { Terminal } from '../terminal';
import { EXIT_FAILURE, EXIT_OK } from '../usage-error';

export interface SynthOptions {
  env?: string[];
  repo?: string;
  out?: string;
  /** The operator configuration: its terraform.backend goes into the stacks. */
  config?: string;
}

export function synthCommand(terminal: Terminal, done: (code: number) => void): Command {
  return new Command('synth')
    .description('Synthesize each environment into a Terraform JSON stack (cdktf.out/stacks/<env>/cdk.tf.json), as `cdktf synth` does.')
    .option('--env <name...>', 'environment(s) to synthesize (default: all under environments/)')
    .option('--repo <dir>', 'mesh repository holding environments/ (default: current directory)')
    .option('--out <dir>', `output directory (default: <repo>/${DEFAULT_OUTDIR})`)
    .option('--config <file>', 'operator configuration whose terraform.backend and terraform.provider the stacks use (default: $MESHPLANE_CONFIG)')
    .action(async (options: SynthOptions) => done(await runSynth(options, terminal)));
}

export async function runSynth(options: SynthOptions, terminal: Terminal): Promise<number> {
  const source = openRepository(options.repo);
  const environments = await selectEnvironments(source, options.env);
  const outdir = path.resolve(options.out ?? path.join(source.label, DEFAULT_OUTDIR));
  const { operatorStack } = await operatorTerraform(options.config);
  const result = await synthesizeEnvironments(source, environments, outdir, operatorStack);
  for (const d of result.diagnostics) terminal.out(formatDiagnostic(d, terminal) + '\n');
  const counts = summarize(result.diagnostics);
  if (!result.synthesized) {
    terminal.out(`${terminal.paint('red', 'not synthesized')}: ${plural(counts.errors, 'error')}, ${plural(counts.warnings, 'warning')}\n`);
    return EXIT_FAILURE;
  }
  for (const stack of result.stacks) terminal.out(`${terminal.paint('green', 'synthesized')} ${stack.name} → ${path.join(stack.workdir, 'cdk.tf.json')}\n`);
  if (counts.warnings > 0) terminal.out(`${plural(counts.warnings, 'warning')}\n`);
  return EXIT_OK;
}
