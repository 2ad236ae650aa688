// The daemon's Terraform stage: off unless enabled; with real Terraform and no way to download
// the AWS provider, the plan step fails and the status names the step, so nothing is applied.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import pino from 'pino';
import { WorkingTreeSource } from '../../reconciler/load/file-source';
import { operatorConfig } from '../../reconciler/operator/operator-config';
import { daemonTerraformOptions } from '../../reconciler/operator/terraform-options';
import { applyTerraformStage, DaemonTerraform, planTerraformStage } from '../../reconciler/terraform/pipeline-stage';
import { prepareEnvironment } from '../../reconciler/terraform/synth-environments';
import { makeEnvironmentRepo, TempRepo } from '../helpers/temp-repo';
import { isolateTerraformForSuite } from './real-terraform';

describe('daemon Terraform stage', function () {
  this.timeout(60_000);
  let repo: TempRepo;
  const log = pino({ level: 'silent' });
  beforeEach(() => {
    repo = makeEnvironmentRepo('apps');
  });
  afterEach(() => repo.remove());
  /** The operator's Terraform, passing the suite's sandbox (CLI config, no network) through the child's allowlist. */
  const terraform = (apply = true): DaemonTerraform => {
    const workRoot = path.join(repo.dir, 'tf');
    const pass = ['TF_CLI_CONFIG_FILE', 'TF_PLUGIN_CACHE_DIR', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY'];
    return { run: { workRoot, ...daemonTerraformOptions(operatorConfig({ terraform: { env: { pass, set: {} } } }).terraform, workRoot) }, apply };
  };

  it('does nothing when terraform.enabled is false', async () => {
    const stage = await planTerraformStage(await prepareEnvironment(new WorkingTreeSource(repo.dir), 'apps'), terraform(), log);
    assert.deepEqual(stage, {});
    assert.equal(await applyTerraformStage(stage, terraform(), log), undefined);
  });

  describe('with real terraform', () => {
    isolateTerraformForSuite();

    it('reports the failed step for the plan status and applies nothing', async () => {
      repo.write('environments/apps/environment.yaml', 'terraform:\n  enabled: true\n  targets: [appmesh]\n');
      const lines: string[] = [];
      const capture = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
      const stage = await planTerraformStage(await prepareEnvironment(new WorkingTreeSource(repo.dir), 'apps'), terraform(), capture);
      assert.equal(stage.plan, undefined);
      assert.equal(stage.failure?.state, 'failure');
      assert.match(stage.failure!.description, /^terraform init failed; previous infrastructure kept: Error: /);
      assert.ok(stage.failure!.description.length <= 140);
      assert.ok(lines.some((l) => /"area":"terraform","step":"init"/.test(l)), 'Terraform output is streamed to the daemon log');
      assert.equal(await applyTerraformStage(stage, terraform(), capture), undefined);
    });
  });
});
