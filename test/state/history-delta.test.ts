// History holds what each revision changed (whole revisions only every CHECKPOINT_EVERY-th), and
// reads back every revision exactly as it was committed; state written by meshplane-state/1
// (every file a whole revision) still reads, and the next commits build on it.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyEnvironment } from '../../reconciler/plan';
import { AppliedRevision, FileStateStore, StateCorruptError } from '../../reconciler/state';
import { CHECKPOINT_EVERY } from '../../reconciler/state/file-state-store';
import { PlanResource } from '../../reconciler/plan';
import { resource } from '../plan/plan-fixtures';
import { SETTINGS } from './state-fixtures';

/** A mesh and `count` nodes; node i's port is `ports(i)`. */
function nodes(count: number, port: (i: number) => number, skip: (i: number) => boolean = () => false): PlanResource[] {
  const docs: Array<Record<string, unknown>> = [{ kind: 'Mesh', meshName: 'apps', spec: {} }];
  for (let i = 0; i < count; i++) {
    if (skip(i)) continue;
    docs.push({ kind: 'VirtualNode', meshName: 'apps', virtualNodeName: `node-${i}`, spec: { listeners: [{ portMapping: { port: port(i), protocol: 'http' } }] } });
  }
  return docs.map((doc) => resource(doc));
}

/** The file meshplane-state/1 wrote (indented envelope; checksum of the revision's compact JSON). */
function encodeFormat1(revision: AppliedRevision): string {
  const checksum = 'sha256:' + createHash('sha256').update(JSON.stringify(revision)).digest('hex');
  return JSON.stringify({ format: 'meshplane-state/1', checksum, revision }, null, 1) + '\n';
}

describe('state history as deltas', () => {
  let dir: string;
  let store: FileStateStore;
  const historyFile = (n: number) => path.join(dir, 'apps', 'history', `${n}.json`);
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshplane-history-'));
    store = new FileStateStore(dir);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function apply(desired: PlanResource[], n: number): Promise<AppliedRevision> {
    const result = await applyEnvironment({ store, config: SETTINGS, desired, commit: `c${n}`, now: () => new Date(Date.UTC(2024, 0, 1, 0, 0, n)) });
    assert.equal(result.status, 'applied');
    return result.revision!;
  }

  it('a history entry holds only the resources a commit changed, and every revision reads back as committed', async () => {
    const committed: AppliedRevision[] = [];
    committed.push(await apply(nodes(50, () => 8080), 1));
    committed.push(await apply(nodes(50, (i) => (i === 7 ? 9090 : 8080)), 2)); // one update
    committed.push(await apply(nodes(52, (i) => (i === 7 ? 9090 : 8080), (i) => i === 3), 3)); // two creates, one delete
    const delta = JSON.parse(fs.readFileSync(historyFile(2), 'utf8'));
    assert.deepEqual(
      delta.delta.changed.map((r: { key: string }) => r.key),
      ['VirtualNode/apps/node-7'],
    );
    assert.deepEqual(delta.delta.removed, []);
    const third = JSON.parse(fs.readFileSync(historyFile(3), 'utf8')).delta;
    assert.deepEqual(third.changed.map((r: { key: string }) => r.key), ['VirtualNode/apps/node-50', 'VirtualNode/apps/node-51']);
    assert.deepEqual(third.removed, ['VirtualNode/apps/node-3']);
    assert.ok(fs.statSync(historyFile(2)).size * 10 < fs.statSync(path.join(dir, 'apps', 'state.json')).size, 'a one-resource delta is a fraction of the state');

    for (const revision of committed) assert.deepEqual(await store.readRevision('apps', revision.revision), revision);
    assert.deepEqual(
      (await store.history('apps')).map((h) => [h.revision, h.commit, h.resourceCount, h.summary]),
      committed.map((r) => [r.revision, r.commit, r.resources.length, r.summary]),
    );
  });

  it(`every ${CHECKPOINT_EVERY}th history entry is a whole revision, so a read takes at most that many files`, async function () {
    this.timeout(120_000);
    const committed: AppliedRevision[] = [];
    for (let n = 1; n <= CHECKPOINT_EVERY + 2; n++) committed.push(await apply(nodes(5, (i) => (i === n % 5 ? 8000 + n : 8080)), n));
    const format = (n: number) => Object.keys(JSON.parse(fs.readFileSync(historyFile(n), 'utf8'))).join(',');
    assert.equal(format(1), 'format,checksum,revision');
    assert.equal(format(2), 'format,checksum,delta');
    assert.equal(format(CHECKPOINT_EVERY), 'format,checksum,revision');
    assert.equal(format(CHECKPOINT_EVERY + 1), 'format,checksum,delta');
    // Without the files before the checkpoint, the revisions after it still read.
    for (let n = 1; n < CHECKPOINT_EVERY; n++) fs.rmSync(historyFile(n));
    for (const revision of committed.slice(CHECKPOINT_EVERY - 1)) assert.deepEqual(await store.readRevision('apps', revision.revision), revision);
    assert.equal(await store.readRevision('apps', CHECKPOINT_EVERY - 1), undefined, 'a revision whose file is gone is not in history');
  });

  it('a damaged delta is named when a revision after it is read', async () => {
    await apply(nodes(5, () => 8080), 1);
    await apply(nodes(5, (i) => (i === 1 ? 9000 : 8080)), 2);
    await apply(nodes(5, (i) => (i === 2 ? 9000 : 8080)), 3);
    await apply(nodes(5, (i) => (i === 3 ? 9000 : 8080)), 4);
    fs.writeFileSync(historyFile(2), fs.readFileSync(historyFile(2), 'utf8').replace('9000', '9001'));
    await assert.rejects(store.readRevision('apps', 3), (e: Error) => e instanceof StateCorruptError && e.message.includes(historyFile(2)) && /checksum does not match/.test(e.message));
    fs.rmSync(historyFile(2));
    await assert.rejects(store.readRevision('apps', 3), (e: Error) => e instanceof StateCorruptError && e.message.includes(historyFile(2)) && /missing, and revision 3 is stored as the changes since it/.test(e.message));
  });

  it('a whole revision put back from another history (other resources) is detected by the deltas after it', async () => {
    const other = new FileStateStore(path.join(dir, 'other'));
    await applyEnvironment({ store: other, config: SETTINGS, desired: nodes(7, () => 8080), commit: 'x1' });
    await apply(nodes(5, () => 8080), 1);
    await apply(nodes(5, (i) => (i === 1 ? 9000 : 8080)), 2);
    await apply(nodes(5, (i) => (i === 2 ? 9000 : 8080)), 3);
    fs.copyFileSync(path.join(dir, 'other', 'apps', 'history', '1.json'), historyFile(1));
    await assert.rejects(
      store.readRevision('apps', 2),
      (e: Error) => e instanceof StateCorruptError && e.message.includes(historyFile(2)) && /gives 8 resources where it recorded 6/.test(e.message),
    );
  });

  it('a revision committed with its resources out of key order is kept whole in history, and reads back', async () => {
    const first = await apply(nodes(3, () => 8080), 1);
    const second: AppliedRevision = { ...first, revision: 2, commit: 'c2', resources: [...first.resources].reverse() };
    await store.commit('apps', second, 1);
    assert.equal(Object.keys(JSON.parse(fs.readFileSync(historyFile(2), 'utf8')))[2], 'revision');
    await apply(nodes(3, (i) => (i === 0 ? 9000 : 8080)), 3);
    assert.deepEqual(await new FileStateStore(dir).readRevision('apps', 2), second);
  });

  it('reads state written as meshplane-state/1, and commits on top of it', async () => {
    const first = await apply(nodes(4, () => 8080), 1);
    const second = await apply(nodes(4, (i) => (i === 0 ? 9000 : 8080)), 2);
    // As meshplane-state/1 left them: every file a whole revision.
    fs.writeFileSync(historyFile(1), encodeFormat1(first));
    fs.writeFileSync(historyFile(2), encodeFormat1(second));
    fs.writeFileSync(path.join(dir, 'apps', 'state.json'), encodeFormat1(second));
    const upgraded = new FileStateStore(dir);
    assert.deepEqual(await upgraded.read('apps'), second);
    assert.deepEqual(await upgraded.readRevision('apps', 1), first);
    store = upgraded;
    const third = await apply(nodes(4, (i) => (i === 1 ? 9000 : 8080)), 3);
    assert.match(fs.readFileSync(path.join(dir, 'apps', 'state.json'), 'utf8'), /^\{"format":"meshplane-state\/2","checksum":"sha256:[0-9a-f]{64}",\n/);
    const fresh = new FileStateStore(dir);
    assert.deepEqual(await fresh.read('apps'), third);
    assert.deepEqual(await fresh.readRevision('apps', 2), second);
    assert.deepEqual(await fresh.readRevision('apps', 1), first);
    assert.deepEqual((await fresh.history('apps')).map((h) => h.revision), [1, 2, 3]);
    // A damaged meshplane-state/1 file is still detected.
    fs.writeFileSync(historyFile(1), fs.readFileSync(historyFile(1), 'utf8').replace('"version": 1', '"version": 5'));
    await assert.rejects(fresh.readRevision('apps', 1), /checksum does not match/);
  });
});
