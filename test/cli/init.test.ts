// `meshplane init`: a new repository that validates clean and plans at once, with the files a
// user's repository needs around the mesh, and never a file of theirs overwritten.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanupAfterEach } from '../helpers/cleanups';
import { REPO_ROOT } from '../helpers/paths';
import { runMeshplane } from '../helpers/run-meshplane';
import { git } from '../helpers/temp-repo';

function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).map((f) => f.split(path.sep).join('/')).sort();
}

describe('meshplane init', function () {
  this.timeout(60_000);
  const cleanups = cleanupAfterEach();

  it('scaffolds an environment that validates without findings and plans its resources, once committed', async () => {
    const dir = path.join(cleanups.tempDir('meshplane-init-'), 'mesh-config');
    const init = await runMeshplane('init', dir, '--env', 'staging', '--mesh', 'shop');
    assert.equal(init.code, 0, init.stderr);
    assert.deepEqual(filesUnder(dir), [
      '.github/workflows/meshplane-review.yml',
      '.gitignore',
      'environments/staging/environment.yaml',
      'environments/staging/mesh.yaml',
      'environments/staging/nodes/api.yaml',
      'environments/staging/nodes/web.yaml',
      'environments/staging/routing/api-route.yaml',
      'environments/staging/routing/api-router.yaml',
      'environments/staging/services/api.yaml',
    ]);
    const validate = await runMeshplane('validate', '--repo', dir);
    assert.equal(validate.code, 0, validate.stdout);
    assert.match(validate.stdout, /^valid: 0 errors, 0 warnings in 6 resources in 6 files \(staging\)$/m);
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '-A');
    git(dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'scaffold');
    const plan = await runMeshplane('plan', '--repo', dir, '--env', 'staging');
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /Plan: 6 to add, 0 to change, 0 to destroy\./);
    assert.match(plan.stdout, /mesh\/shop\/virtualNode\/web/);
  });

  it('ignores what meshplane writes beside the mesh, points every document at its schema, and copies the CI recipe', async () => {
    const dir = cleanups.tempDir('meshplane-init-');
    assert.equal((await runMeshplane('init', dir)).code, 0);
    assert.deepEqual(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#')), ['.meshplane/', 'cdktf.out/']);
    for (const file of filesUnder(path.join(dir, 'environments')).map((f) => path.join(dir, 'environments', f))) {
      const [, schema] = /^# yaml-language-server: \$schema=(\S+)$/m.exec(fs.readFileSync(file, 'utf8')) ?? [];
      assert.ok(schema, `${file} has a schema line`);
      assert.ok(fs.existsSync(path.resolve(path.dirname(file), schema)), `${file}: ${schema} exists`);
    }
    assert.equal(fs.readFileSync(path.join(dir, '.github/workflows/meshplane-review.yml'), 'utf8'), fs.readFileSync(path.join(REPO_ROOT, 'examples/ci/github-actions.yml'), 'utf8'));
    const gitlab = cleanups.tempDir('meshplane-init-');
    assert.equal((await runMeshplane('init', gitlab, '--ci', 'gitlab')).code, 0);
    assert.equal(fs.readFileSync(path.join(gitlab, '.gitlab-ci.yml'), 'utf8'), fs.readFileSync(path.join(REPO_ROOT, 'examples/ci/gitlab-ci.yml'), 'utf8'));
    const none = cleanups.tempDir('meshplane-init-');
    assert.equal((await runMeshplane('init', none, '--ci', 'none')).code, 0);
    assert.ok(!fs.existsSync(path.join(none, '.github')) && !fs.existsSync(path.join(none, '.gitlab-ci.yml')));
  });

  it('refuses to overwrite: one existing file and nothing is written, the file named', async () => {
    const dir = cleanups.tempDir('meshplane-init-');
    fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules/\n');
    const init = await runMeshplane('init', dir);
    assert.equal(init.code, 1);
    assert.match(init.stderr, /not writing anything: these files already exist in .*\n {2}\.gitignore\n/);
    assert.deepEqual(filesUnder(dir), ['.gitignore']);
    assert.equal(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8'), 'node_modules/\n');
  });

  it('refuses names App Mesh would not accept as a usage error', async () => {
    const dir = cleanups.tempDir('meshplane-init-');
    const init = await runMeshplane('init', dir, '--env', 'Prod_1');
    assert.equal(init.code, 2);
    assert.match(init.stderr, /--env "Prod_1" must be 1-63 lower-case letters/);
    assert.deepEqual(filesUnder(dir), []);
  });
});
