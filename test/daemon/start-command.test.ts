import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { quickstartRepository } from '../../reconciler/cli/commands/start';
import { REPO_ROOT } from '../helpers/paths';
import { git, makeGitRepo, tempDir } from '../source/git-fixture';

describe('meshplane start (what npm start serves)', () => {
  it('serves a checkout in place, on its current branch', async () => {
    const repo = makeGitRepo({ branch: 'trunk' });
    try {
      assert.deepEqual(await quickstartRepository(repo.dir), { repo: repo.dir, branch: 'trunk' });
    } finally {
      repo.remove();
    }
  });

  it('commits an installed package\'s environments to a quickstart repository once, and serves that', async () => {
    const installed = tempDir('meshplane-installed-');
    try {
      fs.cpSync(path.join(REPO_ROOT, 'environments'), path.join(installed, 'environments'), { recursive: true });
      const first = await quickstartRepository(installed);
      assert.deepEqual(first, { repo: path.join(installed, '.meshplane', 'quickstart'), branch: 'main' });
      assert.match(git(first.repo, 'log', '--format=%s'), /^meshplane quickstart: the bundled environments$/);
      assert.ok(git(first.repo, 'ls-files').split('\n').includes('environments/apps/mesh.yaml'));
      const head = git(first.repo, 'rev-parse', 'HEAD');
      await quickstartRepository(installed);
      assert.equal(git(first.repo, 'rev-parse', 'HEAD'), head, 'seeded once; later edits there are kept');
    } finally {
      fs.rmSync(installed, { recursive: true, force: true });
    }
  });
});
