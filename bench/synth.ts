// Issue 7 benchmark: synthesizing the Terraform stack of an environment of 1,000 resources, as a
// ratio to JSON.stringify of the same resource tree in the same run (the floor).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultStackSettings } from '../provider/aws/stack-settings';
import { synthesizeStacks } from '../provider/aws/synthesize';
import { identityKey, identityOf } from '../provider/model/identity';
import { isKind } from '../provider/model/kinds';
import { Resource, ResourceDocument, syntheticSource } from '../provider/model/resource';
import { defaultEnvironment } from '../provider/environment/environment-config';
import { below, medianMs, Report } from './report';
import { syntheticMeshDocuments } from './synthetic-mesh';

function toResource(doc: Record<string, unknown>): Resource {
  if (!isKind(doc.kind)) throw new Error(`synthetic document without kind: ${JSON.stringify(doc)}`);
  const identity = identityOf(doc.kind, doc)!;
  return { kind: doc.kind, identity, key: identityKey(identity), doc: doc as ResourceDocument, source: syntheticSource('bench.yaml') };
}

const SYNTH_TARGET_MS = 1000;

export async function run(report: Report): Promise<void> {
  const resources = 1_000;
  const services = Math.round((resources - 1) / 4);
  const docs = syntheticMeshDocuments({ services, backendsPerNode: 5 });
  const input = {
    name: 'bench',
    config: defaultEnvironment('bench'),
    resources: docs.map(toResource),
    settings: { ...defaultStackSettings(), privateZone: 'bench.local', vpcId: 'vpc-0123456789abcdef0' },
    settingsSource: { file: 'environments/bench/environment.yaml', locate: () => ({ line: 0, column: 0 }) },
  };
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshplane-bench-synth-'));
  try {
    let bytes = 0;
    const floor = await medianMs(5, () => {
      bytes = JSON.stringify(docs, null, 2).length;
    });
    let written = 0;
    const synth = await medianMs(5, () => {
      const result = synthesizeStacks([input], outdir);
      written = fs.statSync(path.join(result.stacks[0].workdir, 'cdk.tf.json')).size;
    });
    // No ratio target: cdktf's token resolution dominates and JSON.stringify is far below it. The
    // target is absolute: synthesizing a 1,000-resource environment stays under a second in CI.
    report({
      measurement: `synth ${docs.length} resources vs JSON.stringify of the tree`,
      value: synth,
      unit: 'ms',
      floor,
      target: below(SYNTH_TARGET_MS),
      details: { json_bytes: bytes, stack_bytes: written },
    });
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
