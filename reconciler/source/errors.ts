// Errors the git source raises: each says what happened, why, and what to do about it.

export type SourceErrorKind =
  /** --repo is neither a git repository on disk nor a URL git can fetch. */
  | 'location'
  /** The remote did not answer (network, DNS, authentication, server down). */
  | 'unreachable'
  /** The tracked branch does not exist in the repository. */
  | 'branch'
  /** The data dir's clone is damaged; it is re-cloned. */
  | 'corrupted'
  /** A commit's files could not be read. */
  | 'read';

export class SourceError extends Error {
  override readonly name = 'SourceError';
  constructor(
    readonly kind: SourceErrorKind,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

export function notARepository(dir: string, detail: string): SourceError {
  return new SourceError(
    'location',
    `${dir} is not a git repository (${firstLine(detail)}). Pass --repo a directory holding a git repository (run \`git init\` there and commit environments/), or a URL such as https://…, ssh://… or file://….`,
    detail,
  );
}

export function missingDirectory(dir: string): SourceError {
  return new SourceError(
    'location',
    `${dir} does not exist. Pass --repo an existing git repository directory, or a remote URL (https://…, ssh://…, git@host:path, file://…).`,
  );
}

export function unreachableRemote(url: string, detail: string): SourceError {
  return new SourceError(
    'unreachable',
    `cannot reach ${redactUrl(url)}: ${firstLine(detail)}. The last good revision keeps serving; meshplane retries with backoff. Check the network, the URL and the credentials (git must fetch it without prompting).`,
    detail,
  );
}

export function missingBranch(where: string, branch: string, existing: string[]): SourceError {
  const known = existing.length > 0 ? `branches: ${existing.slice(0, 10).join(', ')}${existing.length > 10 ? ', …' : ''}` : 'it has no branches yet';
  return new SourceError(
    'branch',
    `branch "${branch}" does not exist in ${redactUrl(where)} (${known}). Push the branch, or pass --branch <name> naming an existing one.`,
  );
}

export function corruptedCheckout(dir: string, detail: string): SourceError {
  return new SourceError(
    'corrupted',
    `the clone in ${dir} is damaged (${firstLine(detail)}); meshplane removes it and clones again. Nothing to do unless this repeats (then check the disk under --data-dir).`,
    detail,
  );
}

export function unreadableCommit(commit: string, detail: string): SourceError {
  return new SourceError(
    'read',
    `cannot read the files of commit ${commit.slice(0, 12)}: ${firstLine(detail)}. The commit may have been removed by a force-push and garbage-collected; push it again or reconcile the branch head.`,
    detail,
  );
}

/** user:password@ in a URL never reaches logs or statuses. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1***@');
}

export function firstLine(text: string): string {
  const line = text.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? 'no detail';
  return line.replace(/^(fatal|error):\s*/i, '');
}
