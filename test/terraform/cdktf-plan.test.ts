// `cdktf plan <env>` through cdktf-cli 0.21 (the pinned dev dependency) in a mesh repository whose
// cdktf.json runs meshplane's app, with the operator's terraform.provider ($MESHPLANE_CONFIG) and
// hashicorp/aws from the filesystem mirror, offline: the saved plan holds the environment's creates
// per target. --skip-provider-lock: cdktf otherwise runs `terraform providers lock`, which asks the
// registry for checksums even when the provider comes from a mirror.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../helpers/paths';
import { GitRepo } from '../helpers/temp-repo';
import { countsOf, expectedCreates, offlineCommandVariables, offlineProviderYaml, REAL_PLAN_ENVIRONMENTS, realPlanRepo, showPlanJson } from './offline-plan';
import { requireAwsProvider, TerraformSandbox, terraformSandbox } from './real-terraform';

const CDKTF = path.join(REPO_ROOT, 'node_modules', '.bin', 'cdktf');

describe('cdktf plan <env> through cdktf-cli with hashicorp/aws from the mirror (offline)', function () {
  this.timeout(900_000);
  let sandbox: TerraformSandbox;
  let repo: GitRepo;
  let env: NodeJS.ProcessEnv;

  before(function () {
    const mirror = requireAwsProvider(this);
    sandbox = terraformSandbox(mirror);
    repo = realPlanRepo();
    const config = path.join(sandbox.dir, 'meshplane.yaml');
    fs.writeFileSync(config, `terraform:\n${offlineProviderYaml(mirror.version)}`);
    const cdktfJson = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'cdktf.json'), 'utf8'));
    repo.write('cdktf.json', JSON.stringify({ ...cdktfJson, app: `node ${path.join(REPO_ROOT, 'dist/reconciler/cli/cdktf-app.js')}` }));
    env = { ...process.env, ...offlineCommandVariables(sandbox), MESHPLANE_CONFIG: config, CI: '1', CHECKPOINT_DISABLE: '1', DISABLE_VERSION_CHECK: '1' };
  });
  after(() => {
    repo?.remove();
    sandbox?.remove();
  });

  for (const name of REAL_PLAN_ENVIRONMENTS) {
    it(`${name}: the plan cdktf saves holds the environment's creates, per target`, async () => {
      const { stdout } = await promisify(execFile)(CDKTF, ['plan', name, '--skip-provider-lock'], { cwd: repo.dir, env, maxBuffer: 64 * 1024 * 1024 });
      const shown = showPlanJson(sandbox, path.join(repo.dir, 'cdktf.out', 'stacks', name), 'plan');
      assert.deepEqual(countsOf(shown), expectedCreates(name));
      const total = shown.resource_changes.length;
      assert.equal(total, Object.values(expectedCreates(name)).reduce((a, b) => a + b, 0), 'nothing but creates');
      assert.match(stdout.replace(/\u001b\[[0-9;]*m/g, ''), new RegExp(`Plan: ${total} to add, 0 to change, 0 to destroy\\.`));
    });
  }
});
