import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runApply, Prompt } from '../../reconciler/cli/commands/apply';
import { FileStateStore, resolveStateDir } from '../../reconciler/state';
import { captureTerminal } from '../helpers/capture-terminal';
import { runMeshplane } from '../helpers/run-meshplane';
import { GitRepo, makeGitRepo } from '../helpers/temp-repo';

const ROUTE_FILE = 'environments/apps/routing/service-b.yaml';

function describeJson(output: string) {
  return JSON.parse(output) as Record<string, Record<string, any>>;
}

describe('apply, history, rollback, describe', () => {
  let repo: GitRepo;
  let first: string;
  let second: string;
  let routeText: string;

  before(() => {
    repo = makeGitRepo();
    first = repo.head();
    routeText = fs.readFileSync(path.join(repo.dir, ROUTE_FILE), 'utf8');
  });
  after(() => repo.remove());

  it('refuses to apply without confirmation when stdin is not a terminal', async () => {
    const result = await runMeshplane('apply', '--env', 'apps', '--repo', repo.dir);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /refusing to apply without confirmation: stdin is not a terminal.*--auto-approve/);
    assert.equal(fs.existsSync(path.join(repo.dir, '.meshplane', 'state', 'apps', 'state.json')), false);
  });

  it('asks on a terminal and applies only on "yes"', async () => {
    const answers = ['no', 'yes'];
    const asked: string[] = [];
    const prompt: Prompt = { isTTY: true, ask: async (question) => (asked.push(question), answers.shift()!) };
    const declined = captureTerminal();
    assert.equal(await runApply({ env: 'apps', repo: repo.dir }, declined, prompt), 1);
    assert.match(declined.stdout, /Plan: 8 to add, 0 to change, 0 to destroy\.\n[^]*Apply cancelled/);
    assert.match(asked[0], /Only 'yes' will be accepted/);
    const accepted = captureTerminal();
    assert.equal(await runApply({ env: 'apps', repo: repo.dir }, accepted, prompt), 0, accepted.stderr);
    assert.match(accepted.stdout, /Apply complete! Resources: 8 added, 0 changed, 0 destroyed\.\nEnvironment apps is at revision 1 \(commit [0-9a-f]{12}\)\./);
  });

  it('keeps the default state dir inside the repository and out of Git', () => {
    assert.ok(fs.existsSync(path.join(repo.dir, '.meshplane', 'state', 'apps', 'state.json')));
    assert.equal(repo.git('status', '--porcelain'), '');
  });

  it('applies a change and describes resources in the shape of aws appmesh describe-*', async () => {
    const noChange = await runMeshplane('apply', '--env', 'apps', '--repo', repo.dir, '--auto-approve');
    assert.equal(noChange.code, 0);
    assert.match(noChange.stdout, /^No changes\./);

    repo.write(ROUTE_FILE, routeText.replace('weight: 75', 'weight: 50').replace('weight: 25', 'weight: 50'));
    second = repo.commit('shift 50/50');
    const plan = await runMeshplane('plan', '--env', 'apps', '--repo', repo.dir, '--detailed-exitcode');
    assert.equal(plan.code, 2);
    assert.match(plan.stdout, /~ spec\.http2Route\.action\.weightedTargets\[1\]\.weight: 25 → 50/);
    const applied = await runMeshplane('apply', '--env', 'apps', '--repo', repo.dir, '--auto-approve');
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /Resources: 0 added, 1 changed, 0 destroyed\.\nEnvironment apps is at revision 2/);

    const route = await runMeshplane('describe', '--env', 'apps', '--repo', repo.dir, 'route', 'serviceB/serviceB');
    assert.equal(route.code, 0, route.stderr);
    const out = describeJson(route.stdout);
    assert.deepEqual(Object.keys(out), ['route']);
    assert.deepEqual(Object.keys(out.route), ['meshName', 'metadata', 'routeName', 'spec', 'status', 'virtualRouterName']);
    assert.deepEqual(Object.keys(out.route.metadata), ['arn', 'createdAt', 'lastUpdatedAt', 'meshOwner', 'resourceOwner', 'uid', 'version']);
    assert.equal(out.route.metadata.arn, 'arn:aws:appmesh:us-west-2:111122223333:mesh/apps/virtualRouter/serviceB/route/serviceB');
    assert.equal(out.route.metadata.version, 2);
    assert.match(out.route.metadata.lastUpdatedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
    assert.deepEqual(out.route.status, { status: 'ACTIVE' });
    assert.equal(out.route.spec.http2Route.action.weightedTargets[1].weight, 50);

    const node = describeJson((await runMeshplane('describe', '--env', 'apps', '--repo', repo.dir, 'virtual-node', 'serviceB')).stdout);
    assert.deepEqual(Object.keys(node.virtualNode), ['meshName', 'metadata', 'spec', 'status', 'virtualNodeName']);
    assert.equal(node.virtualNode.metadata.version, 1);
    const mesh = describeJson((await runMeshplane('describe', '--env', 'apps', '--repo', repo.dir, 'Mesh', 'apps')).stdout);
    assert.deepEqual(Object.keys(mesh.mesh), ['meshName', 'metadata', 'spec', 'status']);
  });

  it('describe names what exists when a resource is not found', async () => {
    const missing = await runMeshplane('describe', '--env', 'apps', '--repo', repo.dir, 'virtualNode', 'serviceZ');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /NotFoundException: no VirtualNode named serviceZ in the applied revision 2 of environment apps\. Applied VirtualNode resources: VirtualNode\/apps\/serviceA/);
    const noParent = await runMeshplane('describe', '--env', 'apps', '--repo', repo.dir, 'route', 'serviceB');
    assert.equal(noParent.code, 2);
    assert.match(noParent.stderr, /pass <router>\/serviceB or --virtual-router-name <name>/);
  });

  it('rolls back to a revision number and to a commit; history shows both', async () => {
    const back = await runMeshplane('rollback', '--env', 'apps', '--repo', repo.dir, '--to', '1', '--auto-approve');
    assert.equal(back.code, 0, back.stderr);
    assert.match(back.stdout, /~ spec\.http2Route\.action\.weightedTargets\[1\]\.weight: 50 → 25/);
    assert.match(back.stdout, /Environment apps is at revision 3 \(commit [0-9a-f]{12}\)/);
    const route = describeJson((await runMeshplane('describe', '--env', 'apps', '--repo', repo.dir, 'route', 'serviceB', '--virtual-router-name', 'serviceB')).stdout);
    assert.equal(route.route.spec.http2Route.action.weightedTargets[1].weight, 25);
    assert.equal(route.route.metadata.version, 3, 'a rollback is an update like any other');

    const forward = await runMeshplane('rollback', '--env', 'apps', '--repo', repo.dir, '--to', second.slice(0, 8), '--auto-approve');
    assert.equal(forward.code, 0, forward.stderr);
    assert.match(forward.stdout, /revision 4/);

    const history = await runMeshplane('history', '--env', 'apps', '--repo', repo.dir);
    assert.equal(history.code, 0);
    const lines = history.stdout.split('\n');
    assert.match(lines[0], /REVISION\s+APPLIED AT\s+COMMIT\s+ACTION\s+CHANGES\s+RESOURCES\s+BY/);
    assert.match(lines[1], new RegExp(`^  1 .* ${first.slice(0, 12)}  apply .*\\+8 ~0 -0`));
    assert.match(lines[3], new RegExp(`^  3 .* ${first.slice(0, 12)}  rollback to revision 1 .*\\+0 ~1 -0`));
    assert.match(lines[4], new RegExp(`^\\* 4 .* ${second.slice(0, 12)}  rollback to revision 2`));
    const json = JSON.parse((await runMeshplane('history', '--env', 'apps', '--repo', repo.dir, '--format', 'json')).stdout);
    assert.deepEqual(json.revisions.map((r: { revision: number; action: string; rollbackTo?: number }) => [r.revision, r.action, r.rollbackTo]), [
      [1, 'apply', undefined],
      [2, 'apply', undefined],
      [3, 'rollback', 1],
      [4, 'rollback', 2],
    ].map(([n, a, t]) => [n, a, t]));
  });

  it('rollback to an unknown revision says how to find one', async () => {
    const result = await runMeshplane('rollback', '--env', 'apps', '--repo', repo.dir, '--to', '99', '--auto-approve');
    assert.equal(result.code, 2);
    assert.match(result.stderr, /no revision of environment apps matches "99".*meshplane history --env apps/);
  });

  it('a deletion still referenced is refused by plan and apply (NEG-23), with nothing changed', async () => {
    const nodes = path.join(repo.dir, 'environments/apps/nodes/service-b.yaml');
    const original = fs.readFileSync(nodes, 'utf8');
    fs.writeFileSync(nodes, original.split('---')[1]);
    try {
      const plan = await runMeshplane('plan', '--env', 'apps', '--repo', repo.dir);
      assert.equal(plan.code, 1);
      assert.match(plan.stderr, /environments\/apps\/routing\/service-b\.yaml:\d+:\d+: error PLAN-IN-USE: VirtualNode serviceB \(mesh apps\) would be deleted, but it is still in use: Route serviceB/);
      const apply = await runMeshplane('apply', '--env', 'apps', '--repo', repo.dir, '--auto-approve');
      assert.equal(apply.code, 1);
      assert.equal((await new FileStateStore(path.join(repo.dir, '.meshplane', 'state')).read('apps'))!.revision, 4);
    } finally {
      fs.writeFileSync(nodes, original);
    }
  });

  it('a second apply while the environment is locked fails naming the holder', async () => {
    const store = new FileStateStore(path.join(repo.dir, '.meshplane', 'state'));
    const lock = await store.lock('apps', 'meshplane apply --env apps');
    try {
      repo.write(ROUTE_FILE, routeText);
      const result = await runMeshplane('apply', '--env', 'apps', '--repo', repo.dir, '--auto-approve');
      assert.equal(result.code, 1);
      assert.match(result.stderr, /warning: environments\/apps has uncommitted changes; the revision records commit [0-9a-f]{12}/);
      assert.match(result.stderr, new RegExp(`environment apps is locked by process ${process.pid} on host .* \\(meshplane apply --env apps, since`));
    } finally {
      await lock.release();
    }
  });

  it('a damaged state file stops plan with the file named and the recovery', async () => {
    const stateDir = path.join(repo.dir, 'damaged');
    fs.cpSync(path.join(repo.dir, '.meshplane', 'state'), stateDir, { recursive: true });
    fs.truncateSync(path.join(stateDir, 'apps', 'state.json'), 100);
    const result = await runMeshplane('plan', '--env', 'apps', '--repo', repo.dir, '--state-dir', stateDir);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`state file ${path.join(stateDir, 'apps', 'state.json')} is damaged: .*truncated.*newest intact revision is 4 .*run \`meshplane history --env apps --state-dir '${stateDir}' --restore\``));
    // The recovery it names works.
    const restored = await runMeshplane('history', '--env', 'apps', '--repo', repo.dir, '--state-dir', stateDir, '--restore');
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(restored.stdout, new RegExp(`^Restored revision 4 \\(commit [0-9a-f]{40}\\) into ${path.join(stateDir, 'apps', 'state.json')}\\.`));
    const replanned = await runMeshplane('plan', '--env', 'apps', '--repo', repo.dir, '--state-dir', stateDir);
    assert.notEqual(replanned.code, 1, replanned.stderr);
  });

  it('the state dir comes from --state-dir, else MESHPLANE_STATE_DIR, else state/ of the data dir the daemon uses (<repo>/.meshplane)', () => {
    assert.equal(resolveStateDir({ stateDir: '/a' }, '/repo', { MESHPLANE_STATE_DIR: '/b' }), '/a');
    assert.equal(resolveStateDir({}, '/repo', { MESHPLANE_STATE_DIR: '/b' }), '/b');
    assert.equal(resolveStateDir({ dataDir: '/d' }, '/repo', {}), '/d/state');
    assert.equal(resolveStateDir({}, '/repo', { MESHPLANE_DATA_DIR: '/e' }), '/e/state');
    assert.equal(resolveStateDir({}, '/repo', {}), '/repo/.meshplane/state');
  });
});
