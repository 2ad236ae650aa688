// What --repo names: a repository on disk (read in place, watched) or a remote URL (cloned
// into the data dir and fetched). file:// URLs are remotes: they are cloned like any other.
import * as path from 'node:path';

export type RepositoryLocation =
  | { kind: 'local'; dir: string }
  | { kind: 'remote'; url: string };

const URL_SCHEME = /^(https?|ssh|git|file|git\+ssh|ssh\+git):\/\//i;
// scp-like syntax `user@host:path` (no scheme; a colon before any slash).
const SCP_LIKE = /^[^/\\:@]+@[^/\\:]+:/;

export function parseLocation(repo: string): RepositoryLocation {
  if (URL_SCHEME.test(repo) || SCP_LIKE.test(repo)) return { kind: 'remote', url: repo };
  return { kind: 'local', dir: path.resolve(repo) };
}

/** A directory name for a remote's clone: readable, and unique per URL. */
export function cloneDirectoryName(url: string, hash: string): string {
  const readable = url
    .replace(/^[a-z+]+:\/\//i, '')
    .replace(/^[^@/]*@/, '')
    .replace(/\.git$/, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(-60);
  return `${readable || 'repository'}-${hash.slice(0, 10)}.git`;
}
