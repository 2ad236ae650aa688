// The offline AWS provider set-up every real-provider test builds on: Terraform installs
// `hashicorp/aws` from the machine image's filesystem mirror and plans App Mesh resources without
// reaching any network.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { offlineAwsProviderHcl, requireAwsProvider, TERRAFORM, TerraformSandbox, terraformSandbox } from './real-terraform';

describe('hashicorp/aws from the filesystem mirror (real terraform, offline)', function () {
  this.timeout(180_000);
  let sandbox: TerraformSandbox;

  before(function () {
    sandbox = terraformSandbox(requireAwsProvider(this));
  });
  after(() => sandbox?.remove());

  it('initialises from the mirror and plans a mesh with fake credentials', () => {
    const { version } = requireAwsProvider(this.ctx);
    const workdir = path.join(sandbox.dir, 'mesh');
    fs.mkdirSync(workdir);
    fs.writeFileSync(
      path.join(workdir, 'main.tf'),
      `terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws", version = "${version}" }\n  }\n}\n` +
        offlineAwsProviderHcl({ appmeshEndpoint: 'http://127.0.0.1:9' }) +
        'resource "aws_appmesh_mesh" "apps" {\n  name = "apps"\n}\n',
    );
    const run = (...args: string[]) => execFileSync(TERRAFORM, args, { cwd: workdir, env: sandbox.env(workdir), encoding: 'utf8' });
    run('init', '-input=false', '-no-color');
    run('plan', '-input=false', '-no-color', '-out=tfplan');
    const plan = JSON.parse(run('show', '-json', 'tfplan')) as { resource_changes: Array<{ address: string; change: { actions: string[] } }> };
    assert.deepEqual(
      plan.resource_changes.map((c) => [c.address, c.change.actions]),
      [['aws_appmesh_mesh.apps', ['create']]],
    );
  });
});
