// `meshplane synth --config`: the stacks take their state backend from the operator configuration
// ({env} in an S3 key becomes the environment's name; a local dir holds <env>.tfstate), over
// whatever environment.yaml says; a configuration that cannot be used is a usage error.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanupAfterEach } from '../helpers/cleanups';
import { runMeshplane } from '../helpers/run-meshplane';

describe('operator config: synth --config', function () {
  this.timeout(60_000);
  const cleanups = cleanupAfterEach();
  const synth = async (config: string) => {
    const repo = cleanups.gitRepo();
    const file = path.join(cleanups.tempDir(), 'meshplane.yaml');
    fs.writeFileSync(file, config);
    const out = path.join(cleanups.tempDir(), 'out');
    const result = await runMeshplane('synth', '--repo', repo.dir, '--env', 'apps', '--out', out, '--config', file);
    return { result, stack: () => JSON.parse(fs.readFileSync(path.join(out, 'stacks/apps/cdk.tf.json'), 'utf8')) as { terraform: { backend: unknown } } };
  };

  it('writes the operator\'s S3 backend with {env} replaced', async () => {
    const { result, stack } = await synth('terraform:\n  backend: { s3: { bucket: tf-state, key: "meshplane/{env}.tfstate", region: us-east-1, useLockfile: true } }\n');
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.deepEqual(stack().terraform.backend, { s3: { bucket: 'tf-state', key: 'meshplane/apps.tfstate', region: 'us-east-1', use_lockfile: true } });
  });

  it('writes the operator\'s local state directory as <dir>/<env>.tfstate', async () => {
    const { result, stack } = await synth('terraform:\n  backend: { local: { dir: /var/lib/meshplane/tfstate } }\n');
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.deepEqual(stack().terraform.backend, { local: { path: '/var/lib/meshplane/tfstate/apps.tfstate' } });
  });

  it('refuses a configuration with a problem, at file:line', async () => {
    const { result } = await synth('terraform:\n  backend: { s4: {} }\n');
    assert.equal(result.code, 2);
    assert.match(result.stderr, /meshplane\.yaml:2:\d+: CONFIG-SCHEMA unknown key "s4" in terraform\.backend; allowed keys: s3, local\. Remove it\./);
  });
});
