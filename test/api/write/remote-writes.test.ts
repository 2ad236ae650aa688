// The App Mesh API's Git write path on a remote: the commit is pushed from the daemon's clone;
// when someone else pushed first the call is applied again on their head, and a conflict the
// API cannot resolve answers ConflictException. The concurrent pusher is real: a second clone
// pushes from the writer's clone's reference-transaction hook, right after the writer fetched.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiCaller, ApiMutation } from '../../../reconciler/api/write/api-mutation';
import { createGitApiWriter } from '../../../reconciler/api/write/git-api-writer';
import { openCheckout } from '../../../reconciler/source/git-source';
import { cleanupAfterEach } from '../../helpers/cleanups';
import { git, makeBareRemote } from '../../helpers/temp-repo';

const BOB: ApiCaller = { identity: 'bob', name: 'Bob', email: 'bob@example.com' };
const node = (name: string) => ({
  kind: 'VirtualNode' as const,
  meshName: 'apps',
  name,
});
const spec = (name: string) => ({ listeners: [{ portMapping: { port: 80, protocol: 'http' } }], serviceDiscovery: { dns: { hostname: `${name}.apps.local` } } });
const createNode = (name: string): ApiMutation => ({ op: 'create', target: node(name), spec: spec(name) });

describe('App Mesh API writes to a remote repository', () => {
  const cleanups = cleanupAfterEach();

  async function setup() {
    const seed = cleanups.gitRepo();
    const remote = makeBareRemote(seed);
    cleanups.push(remote.remove);
    const checkout = await openCheckout({ repo: remote.url, branch: 'main', dataDir: cleanups.tempDir('meshplane-data-') });
    await checkout.refresh(); // the daemon's clone
    const writer = createGitApiWriter({ checkout, branch: 'main' });
    const remoteHead = () => git(remote.dir, 'rev-parse', 'main');
    return { seed, remote, checkout, writer, remoteHead };
  }

  /** Another user's clone that pushes `files` once, the first time the writer's clone updates a ref of its own. */
  function pushOnWritersFetch(gitDir: string, remoteDir: string, files: Record<string, string>): void {
    const other = cleanups.tempDir('meshplane-other-');
    git(other, 'clone', '-q', remoteDir, 'work');
    const work = path.join(other, 'work');
    for (const [file, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
      fs.writeFileSync(path.join(work, file), content);
    }
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '-m', 'concurrent change');
    const marker = path.join(other, 'pushed');
    const hook = path.join(gitDir, 'hooks', 'reference-transaction');
    fs.mkdirSync(path.dirname(hook), { recursive: true });
    fs.writeFileSync(
      hook,
      `#!/bin/sh\n[ "$1" = committed ] || exit 0\ngrep -q refs/meshplane/api/ || exit 0\n[ -e '${marker}' ] && exit 0\ntouch '${marker}'\n` +
        `env -u GIT_DIR -u GIT_INDEX_FILE git -C '${work}' push -q origin HEAD:main >/dev/null 2>&1\n`,
      { mode: 0o755 },
    );
  }

  it('pushes the commit to the remote branch, authored by the caller, and the clone follows (read-your-writes)', async () => {
    const { writer, remote, remoteHead, checkout } = await setup();
    const result = await writer.write('apps', createNode('serviceC'), BOB, 'CreateVirtualNode');
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(remoteHead(), result.commit);
    assert.equal(git(checkout.gitDir, 'rev-parse', 'refs/remotes/origin/main'), result.commit);
    assert.equal(git(remote.dir, 'log', '-1', '--format=%an|%cn|%s', 'main'), 'Bob|meshplane|CreateVirtualNode apps/serviceC (via App Mesh API)');
    assert.match(git(remote.dir, 'show', 'main:environments/apps/apps/virtual-node/serviceC.yaml'), /virtualNodeName: serviceC/);
  });

  it('re-applies the call on top of a concurrent push and validates it again', async () => {
    const { writer, remote, checkout, remoteHead } = await setup();
    const theirs = 'environments/apps/theirs.yaml';
    pushOnWritersFetch(checkout.gitDir, remote.dir, { [theirs]: `kind: VirtualNode\nmeshName: apps\nvirtualNodeName: theirs\nspec:\n  listeners:\n    - portMapping: { port: 80, protocol: http }\n  serviceDiscovery: { dns: { hostname: theirs.apps.local } }\n` });
    const result = await writer.write('apps', createNode('serviceC'), BOB, 'CreateVirtualNode');
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(remoteHead(), result.commit);
    // Both changes are on the branch: ours on top of theirs.
    assert.equal(git(remote.dir, 'log', '-1', '--format=%s', 'main~1'), 'concurrent change');
    assert.match(git(remote.dir, 'show', `main:${theirs}`), /virtualNodeName: theirs/);
    assert.match(git(remote.dir, 'show', 'main:environments/apps/apps/virtual-node/serviceC.yaml'), /virtualNodeName: serviceC/);
  });

  it('answers ConflictException when the concurrent push made the call impossible, pushing nothing', async () => {
    const { writer, remote, checkout, remoteHead } = await setup();
    pushOnWritersFetch(checkout.gitDir, remote.dir, { 'environments/apps/serviceC.yaml': `kind: VirtualNode\nmeshName: apps\nvirtualNodeName: serviceC\nspec:\n  listeners:\n    - portMapping: { port: 81, protocol: http }\n  serviceDiscovery: { dns: { hostname: c.apps.local } }\n` });
    const result = await writer.write('apps', createNode('serviceC'), BOB, 'CreateVirtualNode');
    assert.equal(!result.ok && result.errorType, 'ConflictException', JSON.stringify(result));
    assert.match(!result.ok ? result.message : '', /already exists \(environments\/apps\/serviceC.yaml:1\)/);
    assert.equal(git(remote.dir, 'log', '-1', '--format=%s', 'main'), 'concurrent change');
    assert.equal(git(remote.dir, 'rev-list', '--count', 'main'), '2');
    assert.ok(remoteHead());
  });

  it('answers ConflictException when the remote refuses the push (a protected branch)', async () => {
    const { writer, remote, remoteHead } = await setup();
    const before = remoteHead();
    fs.writeFileSync(path.join(remote.dir, 'hooks', 'pre-receive'), '#!/bin/sh\necho "main is protected" >&2\nexit 1\n', { mode: 0o755 });
    const result = await writer.write('apps', createNode('serviceC'), BOB, 'CreateVirtualNode');
    assert.equal(!result.ok && result.errorType, 'ConflictException');
    assert.match(!result.ok ? result.message : '', /the remote refused the push/);
    assert.equal(remoteHead(), before);
  });
});
