// The app cdktf-cli runs (cdktf.json: `node dist/reconciler/cli/cdktf-app.js`): one stack per
// environment of the repository it runs in, so `cdktf synth` and `cdktf plan <env>` work.
// cdktf-cli passes the output directory in CDKTF_OUTDIR; MESHPLANE_REPO overrides the repository,
// and MESHPLANE_CONFIG names the operator configuration whose terraform.backend and terraform.provider the stacks use.
import * as path from 'node:path';
import { formatDiagnostic } from './format-diagnostics';
import { processTerminal } from './terminal';
import { WorkingTreeSource } from '../load/file-source';
import { listEnvironments } from '../load/load-environment';
import { commandTerraform } from '../operator/terraform-options';
import { synthesizeEnvironments } from '../terraform/synth-environments';
import { DEFAULT_OUTDIR } from '../../provider/aws/synthesize';

async function main(): Promise<number> {
  const terminal = processTerminal();
  const repo = path.resolve(process.env.MESHPLANE_REPO ?? process.cwd());
  const outdir = path.resolve(process.env.CDKTF_OUTDIR ?? DEFAULT_OUTDIR);
  const source = new WorkingTreeSource(repo);
  const environments = await listEnvironments(source);
  if (environments.length === 0) {
    terminal.err(`meshplane: ${repo} has no environments/<env>/ folders, so there is nothing to synthesize. Run cdktf in a mesh repository.\n`);
    return 1;
  }
  const { operatorStack } = await commandTerraform(undefined);
  const result = await synthesizeEnvironments(source, environments, outdir, operatorStack);
  for (const d of result.diagnostics) terminal.err(formatDiagnostic(d, terminal) + '\n');
  if (!result.synthesized) {
    terminal.err('meshplane: not synthesized: fix the errors above (meshplane validate shows them too).\n');
    return 1;
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`meshplane: synthesis failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
