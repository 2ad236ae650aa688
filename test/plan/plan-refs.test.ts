import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GitTreeSource } from '../../reconciler/load/git-tree-source';
import { loadEnvironment } from '../../reconciler/load/load-environment';
import { runMeshplane } from '../helpers/run-meshplane';
import { copyEnvironment, GitRepo, makeGitRepo } from '../helpers/temp-repo';

const ROUTE_FILE = 'environments/apps/routing/service-b.yaml';

describe('plan --base/--head over a real Git repository', () => {
  let repo: GitRepo;
  const commits: Record<string, string> = {};

  before(() => {
    repo = makeGitRepo();
    commits.initial = repo.head();
    const routeText = fs.readFileSync(path.join(repo.dir, ROUTE_FILE), 'utf8');
    repo.write(ROUTE_FILE, routeText.replace('weight: 75', 'weight: 50').replace('weight: 25', 'weight: 50'));
    commits.shift = repo.commit('shift traffic 50/50');
    repo.write(
      'environments/apps/nodes/service-c.yaml',
      'kind: VirtualNode\nmeshName: apps\nvirtualNodeName: serviceC\nspec:\n  listeners:\n    - portMapping: {port: 80, protocol: http2}\n  serviceDiscovery:\n    dns: {hostname: servicec.apps.local}\n',
    );
    commits.addNode = repo.commit('add serviceC');
    // The working tree moves on; plans of refs must not see this.
    repo.write(ROUTE_FILE, routeText.replace('weight: 75', 'weight: 0').replace('weight: 25', 'weight: 100'));
  });

  after(() => repo.remove());

  it('shows a field-level diff between two commits', async () => {
    const result = await runMeshplane('plan', '--repo', repo.dir, '--base', commits.initial, '--head', commits.shift, '--env', 'apps', '--format', 'json');
    assert.equal(result.code, 0, result.stderr);
    const plan = JSON.parse(result.stdout);
    assert.deepEqual(plan.summary, { create: 0, update: 1, delete: 0, replace: 0 });
    assert.deepEqual(plan.changes[0].diff, [
      { op: 'change', path: 'spec.http2Route.action.weightedTargets[0].weight', before: 75, after: 50 },
      { op: 'change', path: 'spec.http2Route.action.weightedTargets[1].weight', before: 25, after: 50 },
    ]);
    assert.deepEqual(plan.affectedProxies.map((p: { id: string }) => p.id), ['mesh/apps/virtualNode/serviceA']);
  });

  it('spans several commits, with branch names as refs, for every environment by default', async () => {
    repo.git('branch', '-f', 'base', commits.initial);
    const result = await runMeshplane('plan', '--repo', repo.dir, '--base', 'base', '--head', 'main', '--format', 'markdown');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^### meshplane plan for `apps`\n\nComparing base \([0-9a-f]{7}\) → main \([0-9a-f]{7}\)\.\n\n\*\*Plan: 1 to add, 1 to change, 0 to destroy\.\*\*/);
    assert.match(result.stdout, /<summary><code>\+<\/code> create <b>VirtualNode<\/b> <code>apps\/serviceC<\/code><\/summary>/);
  });

  it('--detailed-exitcode: 0 without changes, 2 with changes', async () => {
    const same = await runMeshplane('plan', '--repo', repo.dir, '--base', commits.shift, '--head', commits.shift, '--detailed-exitcode');
    assert.equal(same.code, 0);
    assert.match(same.stdout, /^No changes\./);
    const changed = await runMeshplane('plan', '--repo', repo.dir, '--base', commits.shift, '--head', commits.addNode, '--detailed-exitcode');
    assert.equal(changed.code, 2);
    assert.match(changed.stdout, /Plan: 1 to add, 0 to change, 0 to destroy\.\n$/);
  });

  it('an unknown ref is an error naming the ref (exit 1 with --detailed-exitcode)', async () => {
    const result = await runMeshplane('plan', '--repo', repo.dir, '--base', 'no-such-branch', '--head', 'main', '--detailed-exitcode');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /"no-such-branch" does not name a commit in /);
  });

  it('--ref plans a commit against the applied state (nothing applied: everything is created)', async () => {
    const stateDir = path.join(repo.dir, '.state');
    const result = await runMeshplane('plan', '--repo', repo.dir, '--env', 'apps', '--ref', commits.shift, '--state-dir', stateDir);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\(nothing applied yet → [0-9a-f]{40}\)/);
    assert.match(result.stdout, /\+ spec\.http2Route\.action\.weightedTargets\[1\]\.weight: 50\n/);
    assert.match(result.stdout, /Plan: 8 to add, 0 to change, 0 to destroy\.\n$/);
  });

  it('shows a settings-only commit (defaultRetryPolicy) as a change with the proxies it reaches, not as "No changes"', async () => {
    const other = makeGitRepo();
    try {
      const base = other.head();
      const settings = fs.readFileSync(path.join(other.dir, 'environments/apps/environment.yaml'), 'utf8');
      const head = other.commit('no default retries', { 'environments/apps/environment.yaml': `${settings}defaultRetryPolicy: false\n` });
      const result = await runMeshplane('plan', '--repo', other.dir, '--base', base, '--head', head, '--env', 'apps', '--detailed-exitcode');
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stdout, /# environment\.yaml settings will change\n\s+~ defaultRetryPolicy: true → false/);
      assert.match(result.stdout, /Proxies that receive new configuration \(1\):\n  mesh\/apps\/virtualNode\/serviceA\n/);
      assert.match(result.stdout, /Plan: 0 to add, 0 to change, 0 to destroy, 1 setting to change\.\n$/);
    } finally {
      other.remove();
    }
  });

  it('refuses an invalid head with compiler-style diagnostics (exit 1)', async () => {
    const routeText = fs.readFileSync(path.join(repo.dir, ROUTE_FILE), 'utf8');
    repo.write(ROUTE_FILE, routeText.replace('weight: 0', 'weight: 101'));
    const broken = repo.commit('weight out of range');
    const result = await runMeshplane('plan', '--repo', repo.dir, '--base', commits.shift, '--head', broken);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /environments\/apps\/routing\/service-b\.yaml:\d+:\d+: error /);
    assert.equal(result.stdout, '');
  });
});

describe('GitTreeSource', () => {
  let repo: GitRepo;
  let commit: string;

  before(() => {
    repo = makeGitRepo({ withApps: false });
    copyEnvironment(repo, 'apps');
    repo.write('shared/extra-node.yaml', 'kind: VirtualNode\nmeshName: apps\nvirtualNodeName: shared\nspec: {}\n');
    fs.symlinkSync('../../shared/extra-node.yaml', path.join(repo.dir, 'environments/apps/linked.yaml'));
    fs.symlinkSync('../../../outside.yaml', path.join(repo.dir, 'environments/apps/escape.yaml'));
    fs.symlinkSync('/etc/hostname', path.join(repo.dir, 'environments/apps/absolute.yaml'));
    commit = repo.commit('with symlinks');
  });

  after(() => repo.remove());

  it('loads the same resources as the working tree, following symlinks inside the tree and refusing others', async () => {
    const source = await GitTreeSource.open(repo.dir, 'main');
    assert.equal(source.commit, commit);
    const loaded = await loadEnvironment(source, 'apps');
    const keys = loaded.resources.map((r) => r.key).sort();
    assert.ok(keys.includes('VirtualNode/apps/shared'), 'a symlink inside the tree is followed');
    assert.ok(keys.includes('Route/apps/serviceB/serviceB'));
    const refused = loaded.diagnostics.filter((d) => d.code === 'LOAD-SYMLINK').map((d) => d.file).sort();
    assert.deepEqual(refused, ['environments/apps/absolute.yaml', 'environments/apps/escape.yaml']);
    const route = loaded.resources.find((r) => r.kind === 'Route')!;
    assert.equal(route.source.file, ROUTE_FILE);
    assert.ok(route.source.locate('/spec/http2Route/action/weightedTargets/1/weight').line > 1, 'positions are kept');
  });

  it('lists environments and answers exists() for folders and files', async () => {
    const source = await GitTreeSource.open(repo.dir, commit.slice(0, 10));
    assert.deepEqual(await source.listDirectories('environments'), ['apps']);
    assert.equal(await source.exists('environments/apps'), true);
    assert.equal(await source.exists(ROUTE_FILE), true);
    assert.equal(await source.exists('environments/other'), false);
  });
});
