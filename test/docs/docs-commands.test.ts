// Every command block of README.md and docs/*.md runs, in the order of its page, against this
// checkout's built CLI (`meshplane` on PATH), so the docs cannot drift from the code. How a block
// is run, and how a page marks a block that cannot run here, is in doc-blocks.ts and
// docs/development.md. A page starts in a temporary mesh repository (this package's environments/,
// committed on main) or, with `<!-- docs-test: empty-dir -->`, in an empty directory.
import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../helpers/paths';
import { git } from '../helpers/temp-repo';
import { CommandBlock, docPages, parsePage } from './doc-blocks';

const BLOCK_MS = 120_000;
const BACKGROUND_READY_MS = 60_000;
const OUTPUT_LIMIT = 4_000;

interface Sandbox {
  root: string;
  workDir: string;
  /** Where the last block ended (`cd` carries over to the next block, as in one terminal). */
  cwdFile: string;
  env: NodeJS.ProcessEnv;
}

/** A home with a git identity, `meshplane` on PATH, and the page's working directory. */
function sandbox(emptyDir: boolean): Sandbox {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'meshplane-docs-'));
  const home = path.join(root, 'home');
  const bin = path.join(root, 'bin');
  const workDir = path.join(root, 'work');
  fs.mkdirSync(home);
  fs.mkdirSync(bin);
  fs.mkdirSync(workDir);
  fs.writeFileSync(path.join(home, '.gitconfig'), '[user]\n\tname = Docs Reader\n\temail = reader@example.com\n[init]\n\tdefaultBranch = main\n');
  fs.writeFileSync(path.join(bin, 'meshplane'), `#!/bin/sh\nexec '${process.execPath}' '${path.join(REPO_ROOT, 'bin', 'meshplane')}' "$@"\n`, { mode: 0o755 });
  // The reader's environment, without the meshplane settings of whoever runs the tests.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('MESHPLANE_') && !name.startsWith('GIT_')));
  // npm keeps its download cache where the tester's is (a page may `npm install` a client library).
  const npmCache = process.env.npm_config_cache ?? path.join(os.homedir(), '.npm');
  const env = { ...inherited, HOME: home, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`, LOG_LEVEL: 'info', npm_config_cache: npmCache };
  if (!emptyDir) {
    fs.cpSync(path.join(REPO_ROOT, 'environments'), path.join(workDir, 'environments'), { recursive: true });
    fs.writeFileSync(path.join(workDir, '.gitignore'), '.meshplane/\ncdktf.out/\n');
    const inRepo = (...args: string[]) => git(workDir, ...args);
    inRepo('init', '-q', '-b', 'main');
    inRepo('add', '-A');
    inRepo('-c', 'user.name=Docs Reader', '-c', 'user.email=reader@example.com', 'commit', '-q', '-m', 'the example environments');
  }
  const cwdFile = path.join(root, 'cwd');
  fs.writeFileSync(cwdFile, workDir);
  return { root, workDir, cwdFile, env };
}

function tail(text: string): string {
  return text.length > OUTPUT_LIMIT ? '…' + text.slice(-OUTPUT_LIMIT) : text;
}

/** bash running the block where the previous block ended (the sandbox paths hold no quotes). */
function shell(block: CommandBlock, box: Sandbox, background: boolean): ChildProcess {
  // A background block is a session of its own: its `cd` does not carry over.
  const record = background ? '' : `trap 'pwd > "${box.cwdFile}"' EXIT\n`;
  const script = `set -eo pipefail\ncd "$(cat "${box.cwdFile}")"\n${record}${block.script}`;
  // Its own process group, so that stopping it stops what it started.
  return spawn('bash', ['-c', script], { env: box.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
}

async function runBlock(block: CommandBlock, box: Sandbox): Promise<{ code: number | null; output: string }> {
  const child = shell(block, box, false);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), BLOCK_MS);
  const code = await new Promise<number | null>((resolve) => child.once('close', (exit) => resolve(exit)));
  clearTimeout(timer);
  return { code, output };
}

/** Starts a long-running block; resolves once its output shows `until`, fails if it exits first. */
async function startBackground(block: CommandBlock, box: Sandbox, until: string): Promise<{ child: ChildProcess; output: () => string }> {
  const child = shell(block, box, true);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const deadline = Date.now() + BACKGROUND_READY_MS;
  while (!output.includes(until)) {
    if (child.exitCode !== null || child.signalCode !== null) assert.fail(`${block.file}:${block.line} exited (${child.exitCode ?? child.signalCode}) before printing "${until}":\n${tail(output)}`);
    if (Date.now() > deadline) {
      await stopGroup(child);
      assert.fail(`${block.file}:${block.line} did not print "${until}" within ${BACKGROUND_READY_MS / 1000}s:\n${tail(output)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, output: () => output };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const closed = new Promise((resolve) => child.once('close', resolve));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 15_000);
  await closed;
  clearTimeout(timer);
}

describe('docs: every command block runs (README.md, docs/*.md)', function () {
  this.timeout(BLOCK_MS + 30_000);

  for (const file of docPages(REPO_ROOT)) {
    const page = parsePage(REPO_ROOT, file);
    if (page.blocks.length === 0) continue;

    describe(file, () => {
      let box: Sandbox;
      const background: Array<{ block: CommandBlock; child: ChildProcess; output: () => string }> = [];

      before(() => {
        box = sandbox(page.emptyDir);
      });

      after(async function () {
        this.timeout(60_000);
        for (const running of background.splice(0).reverse()) {
          const exited = running.child.exitCode !== null || running.child.signalCode !== null;
          await stopGroup(running.child);
          assert.ok(!exited, `${running.block.file}:${running.block.line} stopped before the page's last block:\n${tail(running.output())}`);
        }
        if (box) fs.rmSync(box.root, { recursive: true, force: true });
      });

      for (const block of page.blocks) {
        const title = `${file}:${block.line} ${block.script.split('\n').find((l) => l.trim() && !l.trim().startsWith('#'))?.trim() ?? ''}`;
        const mode = block.mode;
        if (mode.kind === 'skip') {
          it.skip(`${title}  [not run here: ${mode.reason}]`);
          continue;
        }
        it(mode.kind === 'background' ? `${title}  [runs in the background]` : title, async () => {
          if (mode.kind === 'background') {
            background.push({ block, ...(await startBackground(block, box, mode.until)) });
            return;
          }
          const { code, output } = await runBlock(block, box);
          if (mode.kind === 'fails') assert.notEqual(code, 0, `expected to fail (<!-- docs-test: fails -->), but exited 0:\n${tail(output)}`);
          else assert.equal(code, 0, `exited ${code}:\n${tail(output)}`);
        });
      }
    });
  }
});
