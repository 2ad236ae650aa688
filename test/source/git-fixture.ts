// Real git repositories in temp dirs for the source, status and daemon tests.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../helpers/paths';

const IDENTITY = {
  GIT_AUTHOR_NAME: 'Test Author',
  GIT_AUTHOR_EMAIL: 'author@example.com',
  GIT_COMMITTER_NAME: 'Test Author',
  GIT_COMMITTER_EMAIL: 'author@example.com',
};

export function git(dir: string, ...args: string[]): string {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^GIT_/.test(key)));
  return execFileSync('git', args, { cwd: dir, env: { ...env, ...IDENTITY }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export interface GitRepo {
  dir: string;
  write(relative: string, content: string): void;
  /** Writes the files (if any), stages everything and commits; returns the new commit. */
  commit(message: string, files?: Record<string, string>): string;
  head(): string;
  remove(): void;
}

export function tempDir(prefix = 'meshplane-git-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A repository on branch `main` holding a copy of this package's environments/apps, committed. */
export function makeGitRepo(options: { withApps?: boolean; branch?: string } = {}): GitRepo {
  const dir = tempDir();
  git(dir, 'init', '-q', '-b', options.branch ?? 'main');
  const write = (relative: string, content: string) => {
    const target = path.join(dir, relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  };
  const repo: GitRepo = {
    dir,
    write,
    commit(message, files = {}) {
      for (const [relative, content] of Object.entries(files)) write(relative, content);
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '--allow-empty', '-m', message);
      return git(dir, 'rev-parse', 'HEAD');
    },
    head: () => git(dir, 'rev-parse', 'HEAD'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
  if (options.withApps !== false) {
    fs.cpSync(path.join(REPO_ROOT, 'environments', 'apps'), path.join(dir, 'environments', 'apps'), { recursive: true });
    repo.commit('apps environment');
  }
  return repo;
}

/** A bare repository seeded from `repo` (the "remote"), and its file:// URL. */
export function makeBareRemote(repo: GitRepo): { dir: string; url: string; remove(): void } {
  const parent = tempDir('meshplane-remote-');
  const dir = path.join(parent, 'mesh.git');
  git(parent, 'clone', '-q', '--bare', repo.dir, dir);
  git(repo.dir, 'remote', 'add', 'origin', dir);
  return { dir, url: `file://${dir}`, remove: () => fs.rmSync(parent, { recursive: true, force: true }) };
}

/** Resolves when `predicate` holds, polling; rejects after `timeoutMs` naming what was awaited. */
export async function eventually<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
