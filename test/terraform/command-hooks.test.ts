// `meshplane plan` / `apply` with terraform.enabled run the real Terraform on the synthesized
// stack. The AWS provider cannot be downloaded here (a dead proxy makes sure of it), so init
// fails: the commands must say which step failed, in every output format, and change nothing.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileStateStore } from '../../reconciler/state';
import { runMeshplane } from '../helpers/run-meshplane';
import { makeEnvironmentRepo, TempRepo } from '../helpers/temp-repo';
import { isolateTerraformForSuite } from './real-terraform';

const ENABLED = 'account: "111122223333"\nregion: us-west-2\nterraform:\n  enabled: true\n  targets: [appmesh]\n';

describe('meshplane plan/apply with terraform.enabled (real terraform)', function () {
  this.timeout(120_000);
  let repo: TempRepo;
  // Isolate every Terraform the commands start: empty CLI config, no reachable network.
  isolateTerraformForSuite();

  beforeEach(() => {
    repo = makeEnvironmentRepo('apps');
  });
  afterEach(() => repo.remove());

  it('leaves plan output unchanged when Terraform is not enabled', async () => {
    const result = await runMeshplane('plan', '--repo', repo.dir, '--env', 'apps', '--format', 'json');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).terraform, undefined);
    assert.doesNotMatch(result.stderr, /terraform init/);
  });

  it('plan: runs terraform on the synthesized stack and names the failed step in text, markdown and JSON', async () => {
    repo.write('environments/apps/environment.yaml', ENABLED);
    const text = await runMeshplane('plan', '--repo', repo.dir, '--env', 'apps');
    assert.equal(text.code, 1);
    assert.match(text.stdout, /Terraform plan failed: terraform init failed \(exit 1\) running `terraform init -input=false -no-color` in .*terraform\/stacks\/apps/);
    assert.match(text.stdout, /hashicorp\/aws/);
    assert.match(text.stdout, /Nothing was planned or applied/);
    assert.match(text.stderr, /terraform init: .*Initializing/, 'Terraform output is streamed to stderr');
    assert.ok(fs.existsSync(path.join(repo.dir, '.meshplane/terraform/stacks/apps/cdk.tf.json')), 'the stack is synthesized into the state directory');

    const markdown = await runMeshplane('plan', '--repo', repo.dir, '--env', 'apps', '--format', 'markdown');
    assert.equal(markdown.code, 1);
    assert.match(markdown.stdout, /#### Terraform\n\n\*\*Terraform plan failed\.\*\*/);

    const json = await runMeshplane('plan', '--repo', repo.dir, '--env', 'apps', '--format', 'json');
    assert.equal(json.code, 1);
    const parsed = JSON.parse(json.stdout);
    assert.ok(Array.isArray(parsed.changes), 'the mesh plan is still there');
    assert.match(parsed.terraform.error, /^terraform init failed/);
  });

  it('apply: stops before the mesh revision when the Terraform plan fails, leaving the state store untouched', async () => {
    repo.write('environments/apps/environment.yaml', ENABLED);
    const result = await runMeshplane('apply', '--repo', repo.dir, '--env', 'apps', '--auto-approve');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /Terraform plan failed: terraform init failed/);
    assert.equal(await new FileStateStore(path.join(repo.dir, '.meshplane', 'state')).read('apps'), undefined);
  });

  it('apply: runs the mesh apply as before when Terraform is not enabled', async () => {
    const result = await runMeshplane('apply', '--repo', repo.dir, '--env', 'apps', '--auto-approve');
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stdout + result.stderr, /Terraform/);
  });
});
