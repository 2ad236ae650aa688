import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyEnvironment } from '../../reconciler/plan';
import { FileStateStore, StateConflictError, StateCorruptError, StateLockedError } from '../../reconciler/state';
import { markedResources, markerOf, SETTINGS } from './state-fixtures';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'meshplane-state-'));
}

async function applyMarker(store: FileStateStore, marker: number, count = 3, now = new Date()) {
  return applyEnvironment({ store, config: SETTINGS, desired: markedResources(marker, count), commit: `c${marker}`, now: () => now });
}

describe('embedded state store', () => {
  let dir: string;
  let store: FileStateStore;
  beforeEach(() => {
    dir = tempDir();
    store = new FileStateStore(dir);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads nothing before the first apply', async () => {
    assert.equal(await store.read('apps'), undefined);
    assert.deepEqual(await store.history('apps'), []);
  });

  it('records metadata as App Mesh returns it: ARN, stable uid, version bumped on update, owners, ACTIVE', async () => {
    const t1 = new Date('2024-01-01T00:00:00.000Z');
    const t2 = new Date('2024-01-02T00:00:00.000Z');
    const first = await applyMarker(store, 1, 2, t1);
    assert.equal(first.status, 'applied');
    const node0 = first.revision!.resources.find((r) => r.key === 'VirtualNode/apps/node-0')!;
    assert.deepEqual(node0.status, { status: 'ACTIVE' });
    assert.equal(node0.metadata.arn, 'arn:aws:appmesh:us-west-2:111122223333:mesh/apps/virtualNode/node-0');
    assert.equal(node0.metadata.version, 1);
    assert.equal(node0.metadata.meshOwner, '111122223333');
    assert.equal(node0.metadata.resourceOwner, '111122223333');
    assert.match(node0.metadata.uid, /^[0-9a-f]{8}-[0-9a-f]{4}-[45][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const second = await applyMarker(store, 2, 2, t2);
    const after = second.revision!.resources.find((r) => r.key === 'VirtualNode/apps/node-0')!;
    assert.equal(after.metadata.uid, node0.metadata.uid, 'uid is stable for the life of the resource');
    assert.equal(after.metadata.version, 2);
    assert.equal(after.metadata.createdAt, t1.toISOString());
    assert.equal(after.metadata.lastUpdatedAt, t2.toISOString());
    const mesh = second.revision!.resources.find((r) => r.key === 'Mesh/apps')!;
    assert.equal(mesh.metadata.version, 1, 'an unchanged resource keeps its version');
    assert.equal(mesh.metadata.lastUpdatedAt, t1.toISOString());

    const read = await store.read('apps');
    assert.deepEqual(read, second.revision);
    assert.deepEqual((await store.history('apps')).map((h) => [h.revision, h.commit, h.action]), [[1, 'c1', 'apply'], [2, 'c2', 'apply']]);
    assert.equal(markerOf((await store.readRevision('apps', 1))!.resources), 1);
  });

  it('does not write a revision when nothing changed', async () => {
    await applyMarker(store, 1);
    const again = await applyMarker(store, 1);
    assert.equal(again.status, 'no-changes');
    assert.equal((await store.read('apps'))!.revision, 1);
  });

  it('commits with compare-and-swap', async () => {
    const first = await applyMarker(store, 1);
    await assert.rejects(store.commit('apps', { ...first.revision!, revision: 2 }, 0), StateConflictError);
    await assert.rejects(store.commit('apps', { ...first.revision!, revision: 2 }, 0), /expected revision 0, found 1/);
  });

  it('keeps the state dir out of Git', async () => {
    await applyMarker(store, 1);
    assert.equal(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8').split('\n').includes('*'), true);
  });

  describe('damaged files are detected, never read as empty', () => {
    const stateFile = () => path.join(dir, 'apps', 'state.json');

    const CASES: Array<{ name: string; damage: (file: string) => void; problem: RegExp }> = [
      { name: 'truncated', damage: (f) => fs.truncateSync(f, Math.floor(fs.statSync(f).size / 2)), problem: /not complete JSON .* truncated/ },
      { name: 'empty', damage: (f) => fs.writeFileSync(f, ''), problem: /the file is empty/ },
      { name: 'a changed value', damage: (f) => fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('"version":2', '"version":7')), problem: /checksum does not match/ },
      { name: 'not a state file', damage: (f) => fs.writeFileSync(f, '{"hello": 1}'), problem: /not a meshplane state file .*reads meshplane-state\/2 and meshplane-state\/1/ },
    ];
    for (const c of CASES) {
      it(`state.json ${c.name}: the error names the file and how to restore it from history`, async () => {
        await applyMarker(store, 1);
        await applyMarker(store, 2);
        c.damage(stateFile());
        const error = await store.read('apps').then(
          () => assert.fail('a damaged state must not read'),
          (e: unknown) => e as StateCorruptError,
        );
        assert.ok(error instanceof StateCorruptError);
        assert.equal(error.file, stateFile());
        assert.match(error.message, c.problem);
        assert.match(error.message, new RegExp(`newest intact revision is 2 \\(${path.join(dir, 'apps', 'history', '2.json')}\\); run \`meshplane history --env apps --state-dir '${dir}' --restore\``));
        await assert.rejects(applyMarker(store, 3), StateCorruptError, 'an apply on a damaged state is refused');
        // The suggested recovery works (what `meshplane history --restore` calls).
        assert.equal((await store.restore('apps')).revision, 2);
        assert.equal(markerOf((await store.read('apps'))!.resources), 2);
        await assert.rejects(store.restore('apps'), /state\.json is intact \(revision 2\); there is nothing to restore/);
      });
    }

    it('a missing state.json with history is an error too', async () => {
      await applyMarker(store, 1);
      await applyMarker(store, 2);
      fs.rmSync(stateFile());
      await assert.rejects(store.read('apps'), /state\.json is damaged: it is missing while history holds revisions up to 2.*newest intact revision is 2 .*--restore/);
      assert.equal((await store.restore('apps')).revision, 2);
    });

    it('a damaged history file is named when history is read', async () => {
      await applyMarker(store, 1);
      await applyMarker(store, 2);
      const historyFile = path.join(dir, 'apps', 'history', '1.json');
      fs.truncateSync(historyFile, 10);
      await assert.rejects(store.history('apps'), (e: Error) => e instanceof StateCorruptError && e.message.includes(historyFile));
    });

    it('a history file left by an interrupted commit is not a revision', async () => {
      await applyMarker(store, 1);
      fs.copyFileSync(path.join(dir, 'apps', 'history', '1.json'), path.join(dir, 'apps', 'history', '2.json'));
      assert.deepEqual((await store.history('apps')).map((h) => h.revision), [1]);
      const next = await applyMarker(store, 2);
      assert.equal(next.revision!.revision, 2);
      assert.equal(markerOf((await store.readRevision('apps', 2))!.resources), 2);
    });
  });

  describe('lock', () => {
    it('a second writer fails with a message naming the holder', async () => {
      const lock = await store.lock('apps', 'meshplane apply --env apps');
      try {
        const error = await applyMarker(store, 1).then(
          () => assert.fail('must be locked'),
          (e: unknown) => e as StateLockedError,
        );
        assert.ok(error instanceof StateLockedError);
        assert.match(error.message, new RegExp(`environment apps is locked by process ${process.pid} on host ${os.hostname()} \\(meshplane apply --env apps, since `));
        assert.match(error.message, /--lock-timeout/);
      } finally {
        await lock.release();
      }
      assert.equal((await applyMarker(store, 1)).status, 'applied');
    });

    it('a second writer waits for the lock when asked to', async () => {
      const lock = await store.lock('apps', 'test');
      setTimeout(() => void lock.release(), 300);
      const started = Date.now();
      const result = await applyEnvironment({ store, config: SETTINGS, desired: markedResources(1, 1), commit: 'c1', lockTimeoutMs: 5000 });
      assert.equal(result.status, 'applied');
      assert.ok(Date.now() - started >= 250);
    });

    it('a stale lock of a dead process is recovered', async () => {
      const child = spawn(process.execPath, ['-e', '0']);
      const deadPid = child.pid!;
      await new Promise((resolve) => child.on('exit', resolve));
      fs.mkdirSync(path.join(dir, 'apps'), { recursive: true });
      const lockFile = path.join(dir, 'apps', 'lock.json');
      fs.writeFileSync(lockFile, JSON.stringify({ pid: deadPid, host: os.hostname(), operation: 'meshplane apply', since: '2024-01-01T00:00:00.000Z', token: 'dead' }));
      assert.equal((await applyMarker(store, 1)).status, 'applied');
      assert.equal(fs.existsSync(lockFile), false, 'released after the apply');
    });

    it('a lock held by another host is not broken', async () => {
      fs.mkdirSync(path.join(dir, 'apps'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'apps', 'lock.json'), JSON.stringify({ pid: 1, host: 'elsewhere.example', operation: 'meshplane apply', since: '2024-01-01T00:00:00.000Z', token: 'x' }));
      await assert.rejects(applyMarker(store, 1), /locked by process 1 on host elsewhere\.example .*remove .*lock\.json/);
    });
  });

  it('refuses environment names that would escape the state dir', async () => {
    await assert.rejects(store.read('../etc'), /cannot name an environment/);
  });
});
