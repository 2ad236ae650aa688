// Building environment stacks in tests from documents or repositories, synthesized with cdktf's Testing.
import { Testing } from 'cdktf';
import { EnvironmentStack } from '../../provider/aws/environment-stack';
import { AwsStackSettings, defaultStackSettings } from '../../provider/aws/stack-settings';
import { Diagnostic } from '../../provider/model/diagnostic';
import { identityKey, identityOf } from '../../provider/model/identity';
import { inferKind, isKind } from '../../provider/model/kinds';
import { Resource, ResourceDocument, syntheticSource } from '../../provider/model/resource';
import { defaultEnvironment } from '../../provider/environment/environment-config';
import { WorkingTreeSource } from '../../reconciler/load/file-source';
import { OperatorConfig } from '../../reconciler/operator/operator-config';
import { operatorStackFor } from '../../reconciler/operator/terraform-options';
import { prepareEnvironment, withOperatorStack } from '../../reconciler/terraform/synth-environments';

export function resourceOf(doc: Record<string, unknown>, file = 'environments/test/doc.yaml'): Resource {
  const kind = isKind(doc.kind) ? doc.kind : inferKind(doc);
  if (!kind) throw new Error(`test document without a kind: ${JSON.stringify(doc).slice(0, 80)}`);
  const identity = identityOf(kind, doc);
  if (!identity) throw new Error(`test document without identity: ${JSON.stringify(doc).slice(0, 80)}`);
  return { kind, identity, key: identityKey(identity), doc: { ...doc, kind } as ResourceDocument, source: syntheticSource(file) };
}

export interface SynthesizedTestStack {
  /** Testing.synth output: the stack's JSON as a string, for the matchers. */
  synth: string;
  json: { resource?: Record<string, Record<string, any>>; provider?: any; terraform?: any };
  diagnostics: Diagnostic[];
}

function synthesize(stack: EnvironmentStack): SynthesizedTestStack {
  const synth = Testing.synth(stack);
  return { synth, json: JSON.parse(synth), diagnostics: stack.diagnostics };
}

export function stackOfResources(resources: Resource[], settings: Partial<AwsStackSettings> = {}, name = 'test'): SynthesizedTestStack {
  const stack = new EnvironmentStack(Testing.app(), {
    name,
    config: defaultEnvironment(name),
    resources,
    settings: { ...defaultStackSettings(), ...settings },
    settingsSource: { file: `environments/${name}/environment.yaml`, locate: () => ({ line: 1, column: 1 }) },
  });
  return synthesize(stack);
}

/** `operator`: the operator configuration whose terraform.backend and terraform.provider the stack uses (as synth --config does). */
export async function stackOfEnvironment(repoDir: string, env: string, operator?: OperatorConfig): Promise<SynthesizedTestStack & { validation: Diagnostic[] }> {
  const prepared = await prepareEnvironment(new WorkingTreeSource(repoDir), env);
  const input = withOperatorStack(prepared.input, operator && operatorStackFor(operator.terraform));
  return { ...synthesize(new EnvironmentStack(Testing.app(), input)), validation: prepared.diagnostics };
}
