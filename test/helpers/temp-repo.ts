// Temporary mesh repositories on disk for tests, plain or real git repositories; removed by their
// `remove()`.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './paths';

export interface TempRepo {
  dir: string;
  write(relative: string, content: string | Buffer): void;
  remove(): void;
}

export function tempDir(prefix = 'meshplane-git-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function makeTempRepo(files: Record<string, string | Buffer> = {}): TempRepo {
  const dir = tempDir('meshplane-test-');
  const write = (relative: string, content: string | Buffer) => {
    const target = path.join(dir, relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  };
  for (const [relative, content] of Object.entries(files)) write(relative, content);
  return { dir, write, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Copies this package's environments/<name> (all of environments/ without a name) into the repo at the same path. */
export function copyEnvironment(repo: TempRepo, name?: string): void {
  const relative = name === undefined ? 'environments' : path.join('environments', name);
  fs.cpSync(path.join(REPO_ROOT, relative), path.join(repo.dir, relative), { recursive: true });
}

/** A temp repo holding a copy of this package's environments/<name>. */
export function makeEnvironmentRepo(name: string): TempRepo {
  const repo = makeTempRepo();
  copyEnvironment(repo, name);
  return repo;
}

const IDENTITY = {
  GIT_AUTHOR_NAME: 'Test Author',
  GIT_AUTHOR_EMAIL: 'author@example.com',
  GIT_COMMITTER_NAME: 'Test Author',
  GIT_COMMITTER_EMAIL: 'author@example.com',
};

/**
 * Runs git in `dir` as the test identity, whatever GIT_* variables or signing setup the caller has;
 * `env` adds variables (e.g. fixed commit dates). Returns the trimmed output.
 */
export function runGit(dir: string, args: string[], env: Record<string, string> = {}): string {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^GIT_/.test(key)));
  return execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], {
    cwd: dir,
    env: { ...inherited, ...IDENTITY, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

export function git(dir: string, ...args: string[]): string {
  return runGit(dir, args);
}

export interface GitRepo extends TempRepo {
  /** Runs git in the repository (with the repository's extra environment). */
  git(...args: string[]): string;
  /** Writes the files (if any), stages everything and commits; returns the new commit. */
  commit(message: string, files?: Record<string, string>): string;
  head(): string;
}

export interface GitRepoOptions {
  /** Commit a copy of this package's environments/apps ("apps environment"); default true. */
  withApps?: boolean;
  branch?: string;
  /** Extra variables for every git command, e.g. GIT_AUTHOR_DATE for reproducible commits. */
  env?: Record<string, string>;
}

/** A git repository on branch `main` holding a copy of this package's environments/apps, committed. */
export function makeGitRepo(options: GitRepoOptions = {}): GitRepo {
  const withApps = options.withApps !== false;
  const files = withApps ? makeEnvironmentRepo('apps') : makeTempRepo();
  const repoGit = (...args: string[]) => runGit(files.dir, args, options.env);
  repoGit('init', '-q', '-b', options.branch ?? 'main');
  const repo: GitRepo = {
    ...files,
    git: repoGit,
    commit(message, changes = {}) {
      for (const [relative, content] of Object.entries(changes)) files.write(relative, content);
      repoGit('add', '-A');
      repoGit('commit', '-q', '--allow-empty', '-m', message);
      return repoGit('rev-parse', 'HEAD');
    },
    head: () => repoGit('rev-parse', 'HEAD'),
  };
  if (withApps) repo.commit('apps environment');
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
