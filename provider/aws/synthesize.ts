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
  // Stack traces of every construct cost more than the rest of synthesis and appear in no output.
  const app = new App({ outdir, stackTraces: false });
  const { stacks, synthesized } = withoutStackCapture(() => {
    const built = inputs.map((input) => new EnvironmentStack(app, input));
    const ok = !hasErrors(built.flatMap((stack) => stack.diagnostics));
    if (ok) app.synth();
    return { stacks: built, synthesized: ok };
  });
  const diagnostics = stacks.flatMap((stack) => stack.diagnostics);
  return {
    synthesized,
    stacks: stacks.map((stack) => ({ name: stack.node.id, workdir: path.join(outdir, 'stacks', stack.node.id) })),
    diagnostics,
  };
}

/**
 * cdktf records a full creation stack trace (no depth limit) for every nested block object, used
 * only in messages about unresolvable tokens, which our stacks never contain; capturing them is
 * most of synthesis time. Synthesis is synchronous, so capturing is switched off for exactly
 * its duration (errors thrown meanwhile keep their message and V8's own trace).
 */
function withoutStackCapture<T>(fn: () => T): T {
  const capture = Error.captureStackTrace;
  Error.captureStackTrace = () => undefined;
  try {
    return fn();
  } finally {
    Error.captureStackTrace = capture;
  }
}
