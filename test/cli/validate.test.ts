import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { runMeshplane } from '../helpers/run-meshplane';
import { REPO_ROOT } from '../helpers/paths';
import { copyEnvironment, makeTempRepo } from '../helpers/temp-repo';

describe('meshplane validate', () => {
  it('accepts every bundled environment', async () => {
    const result = await runMeshplane('validate', '--repo', REPO_ROOT);
    assert.equal(result.code, 0, result.stdout);
    assert.match(result.stdout, /^valid: 0 errors, \d+ warnings? in \d+ resources in \d+ files \(apps, ingress\)\n$/m);
  });

  it('reports errors compiler-style, sorted, with exit code 1', async () => {
    const repo = makeTempRepo();
    try {
      copyEnvironment(repo, 'apps');
      repo.write(
        'environments/apps/routing/broken.yaml',
        [
          'kind: Route',
          'meshName: apps',
          'virtualRouterName: serviceB',
          'routeName: broken',
          'spec:',
          '  http2Route:',
          '    match:',
          '      prefix: /broken',
          '    action:',
          '      weightedTargets:',
          '        - virtualNode: serviceB',
          '          weight: 101',
          '',
        ].join('\n'),
      );
      const result = await runMeshplane('validate', '--env', 'apps', '--repo', repo.dir);
      assert.equal(result.code, 1);
      assert.match(result.stdout, /^environments\/apps\/routing\/broken\.yaml:12:19: error RT-T-1: /m);
      assert.match(result.stdout, /^invalid: 1 error/m);

      const json = await runMeshplane('validate', '--env', 'apps', '--repo', repo.dir, '--format', 'json');
      const parsed = JSON.parse(json.stdout);
      assert.equal(parsed.valid, false);
      assert.deepEqual(
        parsed.diagnostics.filter((d: { severity: string }) => d.severity === 'error').map((d: { code: string; line: number }) => [d.code, d.line]),
        [['RT-T-1', 12]],
      );
    } finally {
      repo.remove();
    }
  });

  it('exits 2 naming the environments that exist when the one asked for does not', async () => {
    const result = await runMeshplane('validate', '--env', 'nope', '--repo', REPO_ROOT);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown environment "nope".*environments: apps, ingress/);
  });

  it('exits 2 when the repository has no environments folder', async () => {
    const result = await runMeshplane('validate', '--repo', path.join(REPO_ROOT, 'schemas'));
    assert.equal(result.code, 2);
    assert.match(result.stderr, /has no environments\/ folder/);
  });

  it('works as ./bin/meshplane after the build', () => {
    const out = execFileSync(path.join(REPO_ROOT, 'bin', 'meshplane'), ['validate', '--env', 'apps', '--repo', REPO_ROOT], { encoding: 'utf8' });
    assert.match(out, /^valid: /m);
    const usage = spawnSync(path.join(REPO_ROOT, 'bin', 'meshplane'), ['validate', '--format', 'xml'], { encoding: 'utf8' });
    assert.equal(usage.status, 2);
  });
});
