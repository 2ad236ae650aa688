// A reconcile loads and parses its revision once: validation, the plan, the apply, Terraform
// synthesis and the Envoy translation all take the same loaded model. Counted as reads of the
// commit's files (every stage that loaded on its own read them again): a file the commit changed
// is read once, a file it did not change not at all (the previous load's parse is reused).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Daemon } from '../../reconciler/daemon/daemon';
import { GitTreeSource } from '../../reconciler/load/git-tree-source';
import { cleanupAfterEach } from '../helpers/cleanups';
import { eventually } from '../helpers/eventually';
import { git, GitRepo } from '../helpers/temp-repo';
import { isolateTerraformForSuite } from '../terraform/real-terraform';

describe('one load per reconcile', function () {
  this.timeout(60_000);
  const cleanups = cleanupAfterEach();
  isolateTerraformForSuite();

  /** How often each file of `commit` is read, from now until the test ends. */
  function readsOf(commit: () => string | undefined): Map<string, number> {
    const reads = new Map<string, number>();
    const original = GitTreeSource.prototype.read;
    GitTreeSource.prototype.read = function (this: GitTreeSource, file: string) {
      if (this.commit === commit()) reads.set(file, (reads.get(file) ?? 0) + 1);
      return original.call(this, file);
    };
    cleanups.push(() => {
      GitTreeSource.prototype.read = original;
    });
    return reads;
  }

  async function reconcileCounted(changes: (environmentYaml: string) => Record<string, string>): Promise<{ reads: Map<string, number>; files: string[]; changed: string[]; result: string; description: string }> {
    const r: GitRepo = cleanups.gitRepo();
    const daemon = await Daemon.start({ repo: r.dir, dataDir: cleanups.tempDir('meshplane-one-load-'), xdsListen: '127.0.0.1:0', httpListen: '127.0.0.1:0', ackTimeoutMs: 2000, driftIntervalMs: 600_000 });
    cleanups.push(() => daemon.stop());
    const apps = () => daemon.reconcilers.get('apps');
    await eventually('the first commit served', () => (apps()?.live?.commit === r.head() ? true : undefined), 20_000);
    let commit: string | undefined;
    const reads = readsOf(() => commit);
    commit = r.commit('a change', changes(fs.readFileSync(path.join(r.dir, 'environments/apps/environment.yaml'), 'utf8')));
    const last = await eventually('the commit reconciled', () => (apps()?.last?.commit === commit ? apps()!.last : undefined), 30_000);
    const files = git(r.dir, 'ls-tree', '-r', '--name-only', commit, 'environments/apps/').split('\n').filter(Boolean);
    const changed = git(r.dir, 'diff-tree', '-r', '--name-only', `${commit}~1`, commit, '--', 'environments/apps/').split('\n').filter(Boolean);
    return { reads, files, changed, result: last.result, description: last.description };
  }

  const cases = [
    {
      name: 'validate, plan, apply and translation',
      changes: () => ({ 'environments/apps/extra.yaml': 'kind: VirtualNode\nmeshName: apps\nvirtualNodeName: serviceC\nspec: {}\n' }),
      expected: 'applied',
      description: /is served to proxies as they connect/,
    },
    {
      // Offline, `terraform init` fails after synthesis: the plan stage ran on the loaded model.
      name: 'validate, Terraform synthesis and plan (terraform.enabled)',
      changes: (environmentYaml: string) => ({ 'environments/apps/environment.yaml': `${environmentYaml}terraform:\n  enabled: true\n  targets: [appmesh]\n` }),
      expected: 'failed',
      description: /^terraform (init|plan) failed/,
    },
  ];
  for (const { name, changes, expected, description: describes } of cases) {
    it(`reads every file the commit changed once, and no other: ${name}`, async () => {
      const { reads, files, changed, result, description } = await reconcileCounted(changes);
      assert.equal(result, expected, description);
      assert.match(description, describes);
      assert.ok(files.includes('environments/apps/environment.yaml') && files.length > 3, 'the environment has its files');
      assert.equal(changed.length, 1, 'the commit changes one file');
      assert.deepEqual(
        files.map((file) => [file, reads.get(file) ?? 0]),
        files.map((file) => [file, changed.includes(file) ? 1 : 0]),
      );
    });
  }
});
