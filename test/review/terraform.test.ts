// The Terraform part of a review, with the real Terraform binary: an environment that enables
// Terraform gets a Terraform section; here the AWS provider cannot be downloaded, so the section
// reports the failed plan while the rest of the review is still shown.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { buildReview, formatReviewMarkdown } from '../../reconciler/review';
import { requireTerraform, terraformSandbox, TerraformSandbox } from '../terraform/real-terraform';
import { FILES, git, makeReviewRepo, ReviewRepo } from './review-repo';

describe('meshplane review: Terraform section (real Terraform)', function () {
  this.timeout(120_000);
  let fixture: ReviewRepo;
  let sandbox: TerraformSandbox;

  before(function () {
    requireTerraform(this);
    fixture = makeReviewRepo();
    sandbox = terraformSandbox();
    git(fixture.dir, 'checkout', '-q', '-b', 'terraform-on', 'weight-change');
    fixture.repo.write(FILES.environment, 'account: "111122223333"\nregion: us-west-2\nterraform:\n  enabled: true\n');
    git(fixture.dir, 'commit', '-q', '-a', '-m', 'enable terraform');
    git(fixture.dir, 'checkout', '-q', 'main');
  });
  after(() => {
    fixture?.repo.remove();
    sandbox?.remove();
  });

  it('plans only environments that enable Terraform, and shows a failed plan next to the mesh plan and Envoy diff', async () => {
    const workRoot = path.join(sandbox.dir, 'work');
    const { binary: _binary, ...run } = sandbox.options(path.join(workRoot, 'stacks', 'apps'));
    const off = await buildReview({ repoDir: fixture.dir, base: 'main', head: 'weight-change', terraform: { ...run, workRoot } });
    assert.equal(off.environments[0].terraform, undefined);

    const on = await buildReview({ repoDir: fixture.dir, base: 'main', head: 'terraform-on', terraform: { ...run, workRoot } });
    const env = on.environments[0];
    assert.match(env.terraform?.error ?? '', /init/i, 'the AWS provider cannot be downloaded here, so init fails');
    assert.deepEqual(
      env.proxies.map((p) => p.id),
      ['mesh/apps/virtualNode/serviceA'],
    );
    const markdown = formatReviewMarkdown(on);
    assert.match(markdown, /\| ❌ `apps` \| valid \| Plan: 0 to add, 1 to change, 0 to destroy\. \| 1 \| plan failed \|/);
    assert.match(markdown, /#### Terraform\n\n\*\*Terraform plan failed\.\*\*/);
  });
});
