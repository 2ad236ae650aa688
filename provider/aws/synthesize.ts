// In-process synthesis of environment stacks (`new App({ outdir }).synth()`): the same code runs
// for `meshplane synth`, for cdktf-cli through cdktf.json, and in the daemon.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdktf';
import { Diagnostic, hasErrors } from '../model/diagnostic';
import { EnvironmentStack, StackInput } from './environment-stack';

export const DEFAULT_OUTDIR = 'cdktf.out';

export interface SynthesizedStack {
  name: string;
  /** Directory holding `cdk.tf.json`: the Terraform working directory of the stack. */
  workdir: string;
}

export interface SynthResult {
  /** False when a stack has errors: then nothing was written. */
  synthesized: boolean;
  stacks: SynthesizedStack[];
  diagnostics: Diagnostic[];
}

/** Builds every stack, and writes them under `outdir` only when none has errors. */
export function synthesizeStacks(inputs: readonly StackInput[], outdir: string): SynthResult {
  fs.mkdirSync(path.dirname(path.resolve(outdir)), { recursive: true }); // App creates only the last level
  const app = new App({ outdir });
  const stacks = inputs.map((input) => new EnvironmentStack(app, input));
  const diagnostics = stacks.flatMap((stack) => stack.diagnostics);
  const synthesized = !hasErrors(diagnostics);
  if (synthesized) app.synth();
  return {
    synthesized,
    stacks: stacks.map((stack) => ({ name: stack.node.id, workdir: path.join(outdir, 'stacks', stack.node.id) })),
    diagnostics,
  };
}
