// Crash safety: a child process applies revision after revision; it is killed with SIGKILL at
// random moments. Every time, the store must read as one whole revision (never a mix), and the
// next apply must succeed (recovering the dead process's lock).
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyEnvironment } from '../../reconciler/plan';
import { FileStateStore } from '../../reconciler/state';
import { markedResources, markerOf, SETTINGS } from './state-fixtures';

const KILLS = 40;
const NODES = 300;
const CHILD = path.join(__dirname, 'apply-loop-child.js');

/**
 * Starts the child and kills it: `anywhere` after a random delay from its start (before,
 * between or inside applies), `in-commit` a few random milliseconds after it announced a
 * commit (a commit takes ~10 ms here), so many kills land inside the write window.
 */
function killAtRandom(stateDir: string, aim: 'anywhere' | 'in-commit'): Promise<{ committed: number[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, stateDir, String(NODES)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const killIn = (ms: number) => (timer = setTimeout(() => child.kill('SIGKILL'), ms));
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (aim === 'in-commit' && timer === undefined && stdout.split('committing').length > 2) killIn(Math.random() * 15);
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    if (aim === 'anywhere') killIn(80 + Math.random() * 400);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') return reject(new Error(`child ended by itself (code ${code}): ${stderr}`));
      resolve({ committed: stdout.split('\n').filter((line) => /^\d+$/.test(line)).map(Number), stderr });
    });
  });
}

/** A kill inside a commit leaves a temp file or a history file newer than state.json. */
function interruptedCommit(dir: string, revision: number): boolean {
  const envDir = path.join(dir, 'apps');
  const names = [...fs.readdirSync(envDir), ...fs.readdirSync(path.join(envDir, 'history'))];
  return names.some((n) => n.endsWith('.tmp')) || fs.existsSync(path.join(envDir, 'history', `${revision + 1}.json`));
}

describe('state store under SIGKILL', function () {
  this.timeout(180_000);
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshplane-sigkill-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it(`reads as the old or the new revision after ${KILLS} kills at random moments, and the next apply succeeds`, async () => {
    const store = new FileStateStore(dir);
    let killedHoldingLock = 0;
    let interrupted = 0;
    let lastRevision = 0;
    for (let i = 0; i < KILLS; i++) {
      const { committed, stderr } = await killAtRandom(dir, i % 2 === 0 ? 'anywhere' : 'in-commit');
      assert.equal(stderr, '', 'the child applied without errors until it was killed');
      if (fs.existsSync(path.join(dir, 'apps', 'lock.json'))) killedHoldingLock++;

      const state = await store.read('apps');
      const revision = state?.revision ?? 0;
      const lastReported = committed.length > 0 ? committed[committed.length - 1] : lastRevision;
      // Old or new: the last commit the child reported, or the one it was finishing when killed.
      assert.ok(revision === lastReported || revision === lastReported + 1, `revision ${revision} after reported ${lastReported}`);
      if (state) {
        if (interruptedCommit(dir, revision)) interrupted++;
        assert.equal(markerOf(state.resources), revision, 'every resource of the revision comes from the same apply');
        assert.equal(state.resources.length, NODES + 1);
        assert.equal(state.commit, `c${revision}`);
        if (revision > 1) assert.equal(markerOf((await store.readRevision('apps', revision - 1))!.resources), revision - 1);
      }

      // The next apply recovers the dead child's lock and commits.
      const next = await applyEnvironment({ store, config: SETTINGS, desired: markedResources(revision + 1, NODES), commit: `c${revision + 1}` });
      assert.equal(next.status, 'applied');
      assert.equal(next.revision!.revision, revision + 1);
      assert.equal(markerOf((await store.read('apps'))!.resources), revision + 1);
      lastRevision = revision + 1;
    }
    assert.ok(killedHoldingLock > 0, 'some kills hit a process holding the lock (the test exercised recovery)');
    assert.ok(interrupted > 0, 'some kills landed inside a commit (the test exercised the write window)');
    const history = await store.history('apps');
    assert.deepEqual(history.map((h) => h.revision), Array.from({ length: lastRevision }, (_, n) => n + 1), 'history is complete and in order');
    const leftovers = fs.readdirSync(path.join(dir, 'apps')).filter((n) => n.endsWith('.tmp'));
    assert.deepEqual(leftovers, [], 'temp files of killed writers are cleaned by the next commit');
  });
});
