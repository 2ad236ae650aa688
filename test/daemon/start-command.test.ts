import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { quickstartRepository } from '../../reconciler/cli/commands/start';
import { REPO_ROOT } from '../helpers/paths';
import { git, makeGitRepo, tempDir } from '../helpers/temp-repo';

describe('meshplane start (what npm start serves)', () => {
  it('serves a checkout in place, on its current branch', async () => {
    const repo = makeGitRepo({ branch: 'trunk' });
    try {
      assert.deepEqual(await quickstartRepository(repo.dir, '/nowhere'), { repo: repo.dir, branch: 'trunk', dataDir: path.join(repo.dir, '.meshplane') });
    } finally {
      repo.remove();
    }
  });

  it('commits an installed package\'s environments to a quickstart repository in the working directory once, and serves that', async () => {
    const installed = tempDir('meshplane-installed-');
    const workDir = tempDir('meshplane-cwd-');
    try {
      fs.cpSync(path.join(REPO_ROOT, 'environments'), path.join(installed, 'environments'), { recursive: true });
      fs.chmodSync(installed, 0o555); // a global install may be read-only
      const first = await quickstartRepository(installed, workDir);
      assert.deepEqual(first, { repo: path.join(workDir, '.meshplane', 'quickstart'), branch: 'main', dataDir: path.join(workDir, '.meshplane') });
      assert.match(git(first.repo, 'log', '--format=%s'), /^meshplane quickstart: the bundled environments$/);
      assert.ok(git(first.repo, 'ls-files').split('\n').includes('environments/apps/mesh.yaml'));
      const head = git(first.repo, 'rev-parse', 'HEAD');
      await quickstartRepository(installed, workDir);
      assert.equal(git(first.repo, 'rev-parse', 'HEAD'), head, 'seeded once; later edits there are kept');
    } finally {
      fs.chmodSync(installed, 0o755);
      fs.rmSync(installed, { recursive: true, force: true });
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  });
});
