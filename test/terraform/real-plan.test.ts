// `meshplane plan --config` with Terraform enabled, planned by real Terraform with the real
// hashicorp/aws provider from the filesystem mirror and no network: for the bundled environments
// and a generated one, the Terraform section lists exactly the creates that `terraform show -json`
// of the saved plan holds, per target; after that plan is "applied" (its state written), changing
// a route's weights shows as one in-place update.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PLAN_FILE } from '../../reconciler/terraform/runner';
import { runMeshplane } from '../helpers/run-meshplane';
import { GitRepo } from '../helpers/temp-repo';
import {
  countsOf,
  expectedCreates,
  offlineCommandVariables,
  offlineProviderYaml,
  processVariablesForSuite,
  REAL_PLAN_ENVIRONMENTS,
  realPlanRepo,
  resourceSchemas,
  showPlanJson,
  writeAppliedState,
} from './offline-plan';
import { requireAwsProvider, TerraformSandbox, terraformSandbox } from './real-terraform';

describe('meshplane plan: real Terraform plan with hashicorp/aws from the mirror (offline)', function () {
  this.timeout(600_000);
  let sandbox: TerraformSandbox;
  let repo: GitRepo;
  let config: string;
  let dataDir: string;
  let stateDir: string;

  before(function () {
    const mirror = requireAwsProvider(this);
    sandbox = terraformSandbox(mirror);
    repo = realPlanRepo();
    dataDir = path.join(sandbox.dir, 'data');
    stateDir = path.join(sandbox.dir, 'state');
    config = path.join(sandbox.dir, 'meshplane.yaml');
    fs.writeFileSync(config, `terraform:\n  backend: { local: { dir: ${JSON.stringify(stateDir)} } }\n${offlineProviderYaml(mirror.version)}`);
  });
  processVariablesForSuite(() => offlineCommandVariables(sandbox));
  after(() => {
    repo?.remove();
    sandbox?.remove();
  });

  const plan = (env: string) => runMeshplane('plan', '--repo', repo.dir, '--env', env, '--data-dir', dataDir, '--config', config);
  const workdir = (env: string) => path.join(dataDir, 'terraform', 'stacks', env);

  for (const env of REAL_PLAN_ENVIRONMENTS) {
    it(`${env}: the Terraform section is the real plan's creates, per target`, async () => {
      const run = await plan(env);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const shown = showPlanJson(sandbox, workdir(env), PLAN_FILE);
      assert.deepEqual(countsOf(shown), expectedCreates(env));
      assert.equal(shown.resource_changes.length, Object.values(expectedCreates(env)).reduce((a, b) => a + b, 0), 'nothing but creates');
      const total = shown.resource_changes.length;
      const section = run.stdout.slice(run.stdout.indexOf('Terraform: '));
      assert.equal(section.split('\n')[0], `Terraform: ${total} to add, 0 to change, 0 to destroy.`);
      const listed = section.split('\n').slice(1).filter((l) => l.startsWith('  +')).map((l) => l.slice(6));
      assert.deepEqual(listed.sort(), shown.resource_changes.map((c) => c.address).sort());
    });
  }

  it('apps: after that plan is applied, a change to a route is one in-place update', async () => {
    const shown = showPlanJson(sandbox, workdir('apps'), PLAN_FILE);
    writeAppliedState(shown, resourceSchemas(sandbox, workdir('apps')), path.join(stateDir, 'apps.tfstate'));
    const route = path.join(repo.dir, 'environments/apps/routing/service-b.yaml');
    fs.writeFileSync(route, fs.readFileSync(route, 'utf8').replace('weight: 75', 'weight: 50').replace('weight: 25', 'weight: 50'));
    // The applied objects exist only in the state: plan from it without reading them back from AWS.
    process.env.TF_CLI_ARGS_plan = '-refresh=false';
    try {
      const run = await plan('apps');
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /Terraform: 0 to add, 1 to change, 0 to destroy\.\n {2}~ {3}aws_appmesh_route\.apps_serviceB_serviceB\n/);
    } finally {
      delete process.env.TF_CLI_ARGS_plan;
    }
    const changes = showPlanJson(sandbox, workdir('apps'), PLAN_FILE).resource_changes.filter((c) => c.change.actions.join() !== 'no-op');
    assert.deepEqual(
      changes.map((c) => [c.address, c.change.actions]),
      [['aws_appmesh_route.apps_serviceB_serviceB', ['update']]],
    );
  });
});
