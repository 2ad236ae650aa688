// The daemon runs the operator's Terraform binary with the operator's allowlisted environment:
// a secret of the daemon's environment never reaches the child. The "binary" here is a script in a
// temp dir outside any repository that writes its environment to a file and fails like a broken init.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Daemon } from '../../reconciler/daemon/daemon';
import { operatorConfig } from '../../reconciler/operator/operator-config';
import { cleanupAfterEach } from '../helpers/cleanups';
import { eventually } from '../helpers/eventually';

describe('operator config: the Terraform child environment', function () {
  this.timeout(60_000);
  const cleanups = cleanupAfterEach();

  it('gets PATH, a private HOME, the TF_* meshplane sets and terraform.env, and none of the daemon\'s secrets', async () => {
    const bin = cleanups.tempDir('meshplane-tf-bin-');
    const dump = path.join(bin, 'env.dump');
    const script = path.join(bin, 'fake-terraform');
    fs.writeFileSync(script, `#!/bin/sh\nenv > "${dump}"\necho "Error: fake terraform refuses $1" >&2\nexit 1\n`, { mode: 0o755 });
    const secrets = { MESHPLANE_WEBHOOK_SECRET: 'whsec-daemon', AWS_SECRET_ACCESS_KEY: 'aws-daemon-secret', GITHUB_TOKEN: 'ghp-daemon' };
    const saved = { ...process.env };
    Object.assign(process.env, secrets, { AWS_PROFILE: 'mesh-operator' });
    cleanups.push(() => {
      for (const name of [...Object.keys(secrets), 'AWS_PROFILE']) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    });
    const r = cleanups.gitRepo();
    const settings = fs.readFileSync(path.join(r.dir, 'environments/apps/environment.yaml'), 'utf8');
    const commit = r.commit('terraform on', { 'environments/apps/environment.yaml': `${settings}terraform:\n  enabled: true\n  targets: [appmesh]\n` });
    const dataDir = cleanups.tempDir('meshplane-daemon-');
    const operator = operatorConfig({
      terraform: { binary: script, cliConfigFile: '/etc/meshplane/terraformrc', env: { pass: ['AWS_PROFILE', 'MESHPLANE_TEST_UNSET'], set: { TF_LOG: 'WARN' } } },
    });
    const daemon = await Daemon.start({ repo: r.dir, dataDir, operator, xdsListen: '127.0.0.1:0', httpListen: '127.0.0.1:0', ackTimeoutMs: 5000 });
    cleanups.push(() => daemon.stop());
    const plan = await eventually('the plan status', () => {
      const status = daemon.book.get(commit)?.statuses.find((s) => s.context === 'meshplane/apps/plan');
      return status && status.state !== 'pending' ? status : undefined;
    }, 40_000);
    assert.equal(plan.state, 'failure');
    assert.match(plan.description, /terraform init failed; previous infrastructure kept: Error: fake terraform refuses init/);
    const env = Object.fromEntries(fs.readFileSync(dump, 'utf8').trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
    for (const name of Object.keys(secrets)) assert.equal(env[name], undefined, `${name} reached the Terraform child`);
    assert.equal(env.AWS_PROFILE, 'mesh-operator', 'terraform.env.pass');
    assert.equal(env.TF_LOG, 'WARN', 'terraform.env.set');
    assert.equal(env.TF_CLI_CONFIG_FILE, '/etc/meshplane/terraformrc');
    assert.equal(env.HOME, path.join(dataDir, 'terraform', 'home'));
    assert.equal(env.PATH, process.env.PATH);
    assert.equal(env.TF_IN_AUTOMATION, '1');
    const unexpected = Object.keys(env).filter((name) => !['PATH', 'HOME', 'AWS_PROFILE', 'TF_LOG', 'TF_CLI_CONFIG_FILE', 'TF_IN_AUTOMATION', 'TF_INPUT', 'CHECKPOINT_DISABLE', 'PWD', 'SHLVL', '_'].includes(name));
    assert.deepEqual(unexpected, [], 'nothing else of the daemon\'s environment');
  });
});
