// The daemon's Terraform stage with the operator's terraform.provider, planned by real Terraform
// with hashicorp/aws from the filesystem mirror, offline: the plan status carries the real plan's
// summary (the dashboard's commit page shows that status), and with terraform.apply off nothing is
// applied and the apply status says so.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import pino from 'pino';
import { WorkingTreeSource } from '../../reconciler/load/file-source';
import { parseOperatorConfig } from '../../reconciler/operator/load-operator-config';
import { daemonTerraformOptions } from '../../reconciler/operator/terraform-options';
import { applyTerraformStage, planTerraformStage, terraformPlanText } from '../../reconciler/terraform/pipeline-stage';
import { prepareEnvironment } from '../../reconciler/terraform/synth-environments';
import { GitRepo } from '../helpers/temp-repo';
import { countsOf, expectedCreates, FAKE_AWS_KEYS, offlineProviderYaml, realPlanRepo, showPlanJson } from './offline-plan';
import { requireAwsProvider, TerraformSandbox, terraformSandbox } from './real-terraform';

describe('daemon Terraform stage: real plan with the operator\'s provider settings (mirror, offline)', function () {
  this.timeout(600_000);
  let sandbox: TerraformSandbox;
  let repo: GitRepo;
  let mirrorVersion: string;

  before(function () {
    const mirror = requireAwsProvider(this);
    mirrorVersion = mirror.version;
    sandbox = terraformSandbox(mirror);
    repo = realPlanRepo();
  });
  after(() => {
    repo?.remove();
    sandbox?.remove();
  });

  it('plans the commit, puts the summary in the plan status, and applies nothing with terraform.apply off', async () => {
    const workRoot = path.join(sandbox.dir, 'daemon-terraform');
    fs.mkdirSync(path.join(workRoot, 'home'), { recursive: true });
    // The child's whole environment is the operator's: CLI config (the mirror), no network, fake keys.
    const set = { ...FAKE_AWS_KEYS, HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9' };
    const yaml =
      `terraform:\n  apply: false\n  cliConfigFile: ${JSON.stringify(path.join(sandbox.dir, 'terraformrc'))}\n` +
      `  env: { set: ${JSON.stringify(set)} }\n${offlineProviderYaml(mirrorVersion)}`;
    const operator = parseOperatorConfig(yaml, path.join(sandbox.dir, 'meshplane.yaml'));
    const terraform = { run: { workRoot, ...daemonTerraformOptions(operator.terraform, workRoot) }, apply: operator.terraform.apply };
    const log = pino({ level: 'silent' });

    const stage = await planTerraformStage(await prepareEnvironment(new WorkingTreeSource(repo.dir), 'apps'), terraform, log);
    assert.equal(stage.failure, undefined, stage.failure?.description);
    const shown = showPlanJson(sandbox, stage.plan!.workdir, stage.plan!.summary.planFile);
    assert.deepEqual(countsOf(shown), expectedCreates('apps'));
    assert.equal(terraformPlanText(stage), `terraform: ${shown.resource_changes.length} to add, 0 to change, 0 to destroy`);

    const applied = await applyTerraformStage(stage, terraform, log);
    assert.equal(applied?.description, `terraform planned (${shown.resource_changes.length} to add, 0 to change, 0 to destroy); not applied: terraform.apply is off in the operator configuration`);
    assert.equal(fs.existsSync(path.join(stage.plan!.workdir, 'terraform.apps.tfstate')), false, 'nothing applied');
  });
});
