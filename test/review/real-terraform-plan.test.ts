// `meshplane review --config` with the real hashicorp/aws provider from the filesystem mirror,
// offline: the pull-request comment's Terraform column and section are the real plan of each
// environment's head (bundled environments and a generated one), as `terraform show -json` of the
// saved plan reads.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TERRAFORM_REVIEW_DIR } from '../../reconciler/review';
import { PLAN_FILE } from '../../reconciler/terraform/runner';
import { runMeshplane } from '../helpers/run-meshplane';
import { GitRepo } from '../helpers/temp-repo';
import { countsOf, expectedCreates, offlineCommandVariables, offlineProviderYaml, processVariablesForSuite, REAL_PLAN_ENVIRONMENTS, realPlanRepo, showPlanJson } from '../terraform/offline-plan';
import { requireAwsProvider, TerraformSandbox, terraformSandbox } from '../terraform/real-terraform';

describe('meshplane review: Terraform summary from the real plan (hashicorp/aws from the mirror, offline)', function () {
  this.timeout(900_000);
  let sandbox: TerraformSandbox;
  let repo: GitRepo;
  let config: string;

  before(function () {
    const mirror = requireAwsProvider(this);
    sandbox = terraformSandbox(mirror);
    repo = realPlanRepo();
    config = path.join(sandbox.dir, 'meshplane.yaml');
    fs.writeFileSync(config, `terraform:\n  backend: { local: { dir: ${JSON.stringify(path.join(sandbox.dir, 'state'))} } }\n${offlineProviderYaml(mirror.version)}`);
    repo.git('checkout', '-q', '-b', 'split-evenly');
    const route = 'environments/apps/routing/service-b.yaml';
    repo.commit('split serviceb 50/50', { [route]: fs.readFileSync(path.join(repo.dir, route), 'utf8').replace('weight: 75', 'weight: 50').replace('weight: 25', 'weight: 50') });
  });
  processVariablesForSuite(() => offlineCommandVariables(sandbox));
  after(() => {
    repo?.remove();
    sandbox?.remove();
  });

  it('the comment shows, per environment, the creates the real plan holds', async () => {
    const dataDir = path.join(sandbox.dir, 'data');
    const run = await runMeshplane('review', '--base', 'main', '--head', 'split-evenly', '--repo', repo.dir, '--data-dir', dataDir, '--config', config);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    for (const env of REAL_PLAN_ENVIRONMENTS) {
      const shown = showPlanJson(sandbox, path.join(dataDir, TERRAFORM_REVIEW_DIR, 'stacks', env), PLAN_FILE);
      assert.deepEqual(countsOf(shown), expectedCreates(env), env);
      const total = shown.resource_changes.length;
      assert.match(run.stdout, new RegExp(`\\| ✅ \`${env}\` \\|[^\\n]*\\| ${total} to add, 0 to change, 0 to destroy \\|`), env);
      for (const change of shown.resource_changes) assert.ok(run.stdout.includes(`| create | \`${change.address}\` |`), `${env}: ${change.address} in the comment`);
    }
    assert.equal((run.stdout.match(/#### Terraform\n\n\*\*\d+ to add, 0 to change, 0 to destroy\.\*\*/g) ?? []).length, REAL_PLAN_ENVIRONMENTS.length);
  });
});
