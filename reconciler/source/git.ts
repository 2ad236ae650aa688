// simple-git instances as the source and the notes reporter use them: never prompting for
// credentials, never inheriting GIT_* variables from the daemon's own environment (a daemon
// started from a git hook would otherwise act on the hook's repository) nor an editor, pager
// or askpass program (simple-git refuses to run with those), and killed when git makes no
// progress for a while (a remote that accepts the connection and then hangs).
import { simpleGit, SimpleGit } from 'simple-git';

/** Who the daemon's own git writes (notes) are by. */
export const MESHPLANE_GIT_IDENTITY = { name: 'meshplane', email: 'meshplane@localhost' };

/** A git command producing no output for this long is abandoned. */
export const GIT_STALL_MS = 30_000;

const OWN_ENVIRONMENT = {
  GIT_TERMINAL_PROMPT: '0',
  GIT_AUTHOR_NAME: MESHPLANE_GIT_IDENTITY.name,
  GIT_AUTHOR_EMAIL: MESHPLANE_GIT_IDENTITY.email,
  GIT_COMMITTER_NAME: MESHPLANE_GIT_IDENTITY.name,
  GIT_COMMITTER_EMAIL: MESHPLANE_GIT_IDENTITY.email,
};

const NOT_INHERITED = /^(git_.*|editor|visual|pager|prefix|ssh_askpass)$/i;

export function gitAt(dir: string): SimpleGit {
  return simpleGit({
    baseDir: dir,
    allowEnvironment: Object.keys(OWN_ENVIRONMENT),
    timeout: { block: GIT_STALL_MS },
  }).env(gitEnvironment());
}

/** The environment git runs in (for commands simple-git cannot run, e.g. with stdin): `extra` on top. */
export function gitEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined && !NOT_INHERITED.test(entry[0])),
  );
  return { ...inherited, ...OWN_ENVIRONMENT, ...extra };
}

/** The commit a revision expression names, or undefined when it names none. */
export async function resolveCommit(git: SimpleGit, expression: string): Promise<string | undefined> {
  // `-q` makes git exit quietly (status 1, no stderr) for an unknown name; simple-git then returns ''.
  const out = (await git.raw(['rev-parse', '--verify', '-q', `${expression}^{commit}`])).trim();
  return /^[0-9a-f]{40,64}$/.test(out) ? out : undefined;
}

/** Whether `ancestor` is reachable from `descendant` (false when either is missing). */
export async function isAncestor(git: SimpleGit, ancestor: string, descendant: string): Promise<boolean> {
  // `merge-base --is-ancestor` answers with its exit status alone, which simple-git does not
  // surface; the merge base equals the ancestor exactly when it is one.
  const base = await git.raw(['merge-base', ancestor, descendant]).catch(() => '');
  return base.trim() === ancestor;
}

export interface CommitInfo {
  commit: string;
  subject: string;
  author: string;
  committedAt: string;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
