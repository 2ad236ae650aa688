// The runner against the real Terraform binary, on a cdktf stack of Terraform's built-in
// `terraform_data` resources (works offline: the builtin provider needs no download).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, DataResource, LocalBackend, TerraformStack } from 'cdktf';
import { TerraformNotFoundError, TerraformStepError } from '../../reconciler/terraform/errors';
import { driftStatus } from '../../reconciler/terraform/infrastructure';
import { formatTerraformSummary } from '../../reconciler/terraform/plan-summary';
import { TerraformStep } from '../../reconciler/terraform/errors';
import { applyTerraformPlan, checkTerraformDrift, runTerraformPlan } from '../../reconciler/terraform/runner';
import { requireTerraform, TERRAFORM, TerraformSandbox, terraformSandbox } from './real-terraform';

/** Synthesizes a stack of terraform_data resources whose state lives in `statePath`. */
function builtinStack(outdir: string, name: string, statePath: string, inputs: Record<string, string>): string {
  const app = new App({ outdir });
  const stack = new TerraformStack(app, name);
  new LocalBackend(stack, { path: statePath });
  for (const [id, input] of Object.entries(inputs)) new DataResource(stack, id, { input: { value: input } });
  app.synth();
  return path.join(outdir, 'stacks', name);
}

describe('Terraform runner (real terraform, built-in terraform_data)', function () {
  this.timeout(120_000);
  let sandbox: TerraformSandbox;
  let statePath: string;
  let workdir: string;
  const logged: Array<{ line: string; step: TerraformStep }> = [];
  const log = (line: string, _stream: string, step: TerraformStep) => void logged.push({ line, step });

  before(function () {
    requireTerraform(this);
    sandbox = terraformSandbox();
    statePath = path.join(sandbox.dir, 'state', 'builtin.tfstate');
    workdir = builtinStack(path.join(sandbox.dir, 'ours'), 'builtin', statePath, { alpha: 'v1', beta: 'v1' });
  });

  after(() => sandbox?.remove());

  it('plans two creations, saves the plan, and streams output with step names', async () => {
    const plan = await runTerraformPlan(workdir, sandbox.options(workdir, log));
    assert.deepEqual(
      { add: plan.add, change: plan.change, destroy: plan.destroy, hasChanges: plan.hasChanges },
      { add: 2, change: 0, destroy: 0, hasChanges: true },
    );
    assert.deepEqual(
      plan.resources.map((r) => [r.address, r.action]),
      [
        ['terraform_data.alpha', 'create'],
        ['terraform_data.beta', 'create'],
      ],
    );
    assert.ok(fs.existsSync(plan.planFile), 'the saved plan file exists');
    assert.ok(logged.some((l) => l.step === 'init' && /Terraform has been successfully initialized/.test(l.line)), 'init output streamed');
    assert.ok(logged.some((l) => l.step === 'plan' && /Plan: 2 to add, 0 to change, 0 to destroy/.test(l.line)), 'plan output streamed');
    assert.ok(!logged.some((l) => /\u001b\[/.test(l.line)), 'no colour codes in the log (-no-color)');
    assert.equal(fs.existsSync(statePath), false, 'planning writes no state');
    assert.match(formatTerraformSummary(plan, 'text'), /^Terraform: 2 to add, 0 to change, 0 to destroy\.\n {2}\+ {3}terraform_data\.alpha\n/);
    assert.match(formatTerraformSummary(plan, 'markdown'), /\| create \| `terraform_data\.beta` \|/);
    assert.equal(JSON.parse(formatTerraformSummary(plan, 'json')).add, 2);
  });

  it('applies the saved plan; a re-plan is a no-op and there is no drift', async () => {
    const plan = await runTerraformPlan(workdir, sandbox.options(workdir));
    await applyTerraformPlan(workdir, plan.planFile, sandbox.options(workdir, log));
    assert.ok(logged.some((l) => l.step === 'apply' && /Apply complete! Resources: 2 added/.test(l.line)));
    const state = JSON.parse(fs.readFileSync(statePath, 'utf8'));
    assert.deepEqual(state.resources.map((r: { name: string }) => r.name).sort(), ['alpha', 'beta']);

    const again = await runTerraformPlan(workdir, sandbox.options(workdir));
    assert.deepEqual({ add: again.add, change: again.change, destroy: again.destroy, hasChanges: again.hasChanges, resources: again.resources }, {
      add: 0,
      change: 0,
      destroy: 0,
      hasChanges: false,
      resources: [],
    });
    assert.match(formatTerraformSummary(again, 'text'), /no changes/);
    const drift = await checkTerraformDrift(workdir, sandbox.options(workdir));
    assert.deepEqual(drift, { drifted: false, refreshed: [], pending: [] });
    assert.deepEqual(driftStatus({ report: drift }), { state: 'success', description: 'terraform: no drift' });
  });

  it('reports drift after the state is changed out of band, and refuses the stale saved plan', async () => {
    const ours = await runTerraformPlan(workdir, sandbox.options(workdir));
    assert.equal(ours.hasChanges, false);
    // Someone applies another configuration against the same state from their own checkout.
    const theirs = builtinStack(path.join(sandbox.dir, 'theirs'), 'builtin', statePath, { alpha: 'v2-out-of-band', beta: 'v1' });
    execFileSync(TERRAFORM, ['init', '-input=false', '-no-color'], { cwd: theirs, env: sandbox.env(theirs), stdio: 'pipe' });
    execFileSync(TERRAFORM, ['apply', '-auto-approve', '-input=false', '-no-color'], { cwd: theirs, env: sandbox.env(theirs), stdio: 'pipe' });

    const drift = await checkTerraformDrift(workdir, sandbox.options(workdir));
    assert.equal(drift.drifted, true);
    assert.deepEqual(
      drift.pending.map((r) => [r.address, r.action]),
      [['terraform_data.alpha', 'update']],
    );
    const status = driftStatus({ report: drift });
    assert.equal(status.state, 'failure');
    assert.match(status.description, /terraform drift: 1 resource\(s\) differ from the live commit: terraform_data\.alpha/);
    assert.ok(status.description.length <= 140);

    // A fresh plan puts our configuration back: one in-place update.
    const fix = await runTerraformPlan(workdir, sandbox.options(workdir));
    assert.deepEqual([fix.add, fix.change, fix.destroy], [0, 1, 0]);
    // The state moves again before we apply: Terraform refuses the saved plan, the state is kept.
    execFileSync(TERRAFORM, ['apply', '-auto-approve', '-input=false', '-no-color', '-replace=terraform_data.beta'], {
      cwd: theirs,
      env: sandbox.env(theirs),
      stdio: 'pipe',
    });
    const stateBefore = fs.readFileSync(statePath, 'utf8');
    await assert.rejects(applyTerraformPlan(workdir, fix.planFile, sandbox.options(workdir)), (error: unknown) => {
      assert.ok(error instanceof TerraformStepError);
      assert.equal(error.step, 'apply');
      assert.match(error.message, /terraform apply failed \(exit 1\)/);
      assert.match(error.message, /Saved plan is stale/);
      assert.match(error.message, /run a new plan/);
      return true;
    });
    assert.equal(fs.readFileSync(statePath, 'utf8'), stateBefore, 'a refused apply leaves the state untouched');

    const repaired = await runTerraformPlan(workdir, sandbox.options(workdir));
    await applyTerraformPlan(workdir, repaired.planFile, sandbox.options(workdir));
    assert.equal((await checkTerraformDrift(workdir, sandbox.options(workdir))).drifted, false);
  });

  it('names the failing step: plan of an invalid configuration keeps the state', async () => {
    const broken = path.join(sandbox.dir, 'broken');
    fs.mkdirSync(broken);
    fs.writeFileSync(
      path.join(broken, 'main.tf.json'),
      JSON.stringify({
        terraform: { backend: { local: { path: statePath } } },
        resource: { terraform_data: { alpha: { input: '${terraform_data.missing.output}' } } },
      }),
    );
    const stateBefore = fs.readFileSync(statePath, 'utf8');
    await assert.rejects(runTerraformPlan(broken, sandbox.options(broken)), (error: unknown) => {
      assert.ok(error instanceof TerraformStepError);
      assert.equal(error.step, 'plan');
      assert.match(error.outputTail, /Reference to undeclared resource/);
      assert.match(error.message, /Nothing was applied; the state is as it was/);
      return true;
    });
    assert.equal(fs.readFileSync(statePath, 'utf8'), stateBefore);
  });

  it('names the failing step: init with an unusable backend', async () => {
    const broken = path.join(sandbox.dir, 'broken-backend');
    fs.mkdirSync(broken);
    fs.writeFileSync(path.join(broken, 'main.tf.json'), JSON.stringify({ terraform: { backend: { local: { no_such_setting: true } } } }));
    await assert.rejects(runTerraformPlan(broken, sandbox.options(broken)), (error: unknown) => {
      assert.ok(error instanceof TerraformStepError);
      assert.equal(error.step, 'init');
      assert.match(error.message, /Check the backend settings/);
      return true;
    });
  });

  it('runs the configured binary, and says so when it does not exist', async () => {
    const shimDir = path.join(sandbox.dir, 'shim');
    fs.mkdirSync(shimDir);
    const marker = path.join(shimDir, 'calls');
    const shim = path.join(shimDir, 'tofu-like');
    fs.writeFileSync(shim, `#!/bin/sh\necho "$1" >> '${marker}'\nexec ${JSON.stringify(TERRAFORM)} "$@"\n`, { mode: 0o755 });
    await runTerraformPlan(workdir, { ...sandbox.options(workdir), binary: shim });
    assert.deepEqual(fs.readFileSync(marker, 'utf8').trim().split('\n'), ['init', 'plan', 'show']);

    await assert.rejects(runTerraformPlan(workdir, { ...sandbox.options(workdir), binary: 'meshplane-no-such-terraform' }), (error: unknown) => {
      assert.ok(error instanceof TerraformNotFoundError);
      assert.match(error.message, /could not run "meshplane-no-such-terraform": no such executable on PATH.*terraform\.binary/s);
      return true;
    });
  });
});
