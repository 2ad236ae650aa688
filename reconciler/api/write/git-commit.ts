// A commit of file edits on top of a parent, made from Git objects alone: a private index is
// filled from the parent's tree, the edited blobs are written and the tree and commit follow.
// No working tree is read or touched, so this works the same in a user's repository, a bare one
// and the daemon's clone, while the daemon and its watcher read the same repository.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GIT_STALL_MS, gitEnvironment, MESHPLANE_GIT_IDENTITY } from '../../source/git';
import { FileEdits } from './overlay-source';

export interface CommitRequest {
  parent: string;
  edits: FileEdits;
  message: string;
  author: { name: string; email: string };
}

const DELETED = `0 ${'0'.repeat(40)}`;

export async function commitEdits(gitDir: string, request: CommitRequest): Promise<string> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'meshplane-api-index-'));
  const env = gitEnvironment({ GIT_INDEX_FILE: path.join(scratch, 'index') });
  try {
    await runGit(gitDir, ['read-tree', request.parent], env);
    const entries: string[] = [];
    for (const [file, content] of request.edits) {
      if (content === null) {
        entries.push(`${DELETED}\t${file}`);
        continue;
      }
      const blob = (await runGit(gitDir, ['hash-object', '-w', '--stdin'], env, content)).trim();
      entries.push(`100644 ${blob}\t${file}`);
    }
    await runGit(gitDir, ['update-index', '-z', '--index-info'], env, entries.map((entry) => `${entry}\0`).join(''));
    const tree = (await runGit(gitDir, ['write-tree'], env)).trim();
    const commitEnv = {
      ...env,
      GIT_AUTHOR_NAME: request.author.name,
      GIT_AUTHOR_EMAIL: request.author.email,
      GIT_COMMITTER_NAME: MESHPLANE_GIT_IDENTITY.name,
      GIT_COMMITTER_EMAIL: MESHPLANE_GIT_IDENTITY.email,
    };
    return (await runGit(gitDir, ['-c', 'commit.gpgsign=false', 'commit-tree', tree, '-p', request.parent, '-F', '-'], commitEnv, request.message)).trim();
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** A git command (a push or fetch to a remote that hangs) is abandoned after this long. */
const GIT_TIMEOUT_MS = 2 * GIT_STALL_MS;

/** Runs git on a repository's git directory; resolves with stdout, rejects with git's message. */
export function runGit(gitDir: string, args: string[], env: Record<string, string> = gitEnvironment(), input = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['--git-dir', gitDir, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), GIT_TIMEOUT_MS);
    child.on('error', reject);
    child.stdin.on('error', () => undefined);
    child.on('close', (code) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      if (code === 0) resolve(stdout);
      else reject(new GitCommandError(args.find((a) => /^[a-z][a-z-]+$/.test(a)) ?? args[0], code ?? -1, stdout, Buffer.concat(err).toString('utf8').trim()));
    });
    child.stdin.end(input);
  });
}

export class GitCommandError extends Error {
  override readonly name = 'GitCommandError';
  constructor(
    readonly command: string,
    readonly code: number,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`git ${command} failed (exit ${code}): ${stderr || stdout.trim()}`);
  }
}
