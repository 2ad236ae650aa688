// Loads, validates and synthesizes environments of a repository into Terraform JSON stacks.
// Shared by `meshplane synth`, the cdktf.json app (reconciler/cli/cdktf-app.ts) and the daemon,
// so all three write byte-identical output for the same commit.
import { compareDiagnostics, Diagnostic, hasErrors } from '../../provider/model/diagnostic';
import { StackInput } from '../../provider/aws/environment-stack';
import { OperatorStackSettings } from '../../provider/aws/stack-settings';
import type * as Synthesize from '../../provider/aws/synthesize';
import { validateEnvironment } from '../../provider/validate/validate';
import { FileSource } from '../load/file-source';
import { loadEnvironment, LoadedEnvironment } from '../load/load-environment';
import { TerraformSettings } from './settings';

/**
 * provider/aws's synthesis, loaded on first use: cdktf and the AWS provider classes are ~14 MB of
 * heap (their code and sources) that a daemon without Terraform-enabled environments never needs.
 */
export const synthesizeStacks: typeof Synthesize.synthesizeStacks = (...args) =>
  (require('../../provider/aws/synthesize') as typeof Synthesize).synthesizeStacks(...args);

export interface SynthEnvironmentsResult {
  /** False when any environment has errors: then nothing was written. */
  synthesized: boolean;
  stacks: Synthesize.SynthesizedStack[];
  /** Validation, settings and synthesis findings, in compiler order. */
  diagnostics: Diagnostic[];
}

export interface PreparedEnvironment {
  loaded: LoadedEnvironment;
  settings: TerraformSettings;
  input: StackInput;
  diagnostics: Diagnostic[];
}

/** Loads and validates one environment and reads its terraform settings. */
export async function prepareEnvironment(source: FileSource, name: string): Promise<PreparedEnvironment> {
  const loaded = await loadEnvironment(source, name);
  const settings: TerraformSettings = { ...loaded.config.terraform, targets: [...loaded.config.terraform.targets] };
  return preparedEnvironment(loaded, settings, validateEnvironment(loaded).diagnostics);
}

/** An environment already loaded and validated (the daemon's one load of a revision), ready to synthesize. */
export function preparedEnvironment(loaded: LoadedEnvironment, settings: TerraformSettings, diagnostics: Diagnostic[]): PreparedEnvironment {
  return {
    loaded,
    settings,
    input: { name: loaded.name, config: loaded.config, resources: loaded.resources, settings, settingsSource: loaded.environmentFile },
    diagnostics,
  };
}

/** The stack input with what the operator sets in it (state backend, AWS provider); the repository's settings otherwise. */
export function withOperatorStack(input: StackInput, operatorStack: ((env: string) => OperatorStackSettings) | undefined): StackInput {
  return operatorStack ? { ...input, settings: { ...input.settings, ...operatorStack(input.name) } } : input;
}

/** `operatorStack`: each stack's state backend and AWS provider from the operator configuration (local state and defaults without one). */
export async function synthesizeEnvironments(
  source: FileSource,
  names: readonly string[],
  outdir: string,
  operatorStack?: (env: string) => OperatorStackSettings,
): Promise<SynthEnvironmentsResult> {
  const prepared = await Promise.all(names.map((name) => prepareEnvironment(source, name)));
  const diagnostics = prepared.flatMap((p) => p.diagnostics);
  if (hasErrors(diagnostics)) return { synthesized: false, stacks: [], diagnostics: diagnostics.sort(compareDiagnostics) };
  const result = synthesizeStacks(
    prepared.map((p) => withOperatorStack(p.input, operatorStack)),
    outdir,
  );
  return { ...result, diagnostics: [...diagnostics, ...result.diagnostics].sort(compareDiagnostics) };
}
