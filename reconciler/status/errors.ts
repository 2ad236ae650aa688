// Errors the status reporters raise: what happened, why, and the fix.

export class StatusError extends Error {
  override readonly name = 'StatusError';
  constructor(
    message: string,
    /** Whether trying again later may succeed (5xx, network). */
    readonly transient = false,
  ) {
    super(message);
  }
}

export function hostedFailure(reporter: string, status: number | undefined, detail: string, attempts: number): StatusError {
  const code = status ? `HTTP ${status}` : 'no response';
  const fix =
    status === 401 || status === 403
      ? 'Check that the token is valid and may write commit statuses (GitHub: repo:status or "Commit statuses: write"; GitLab: api scope).'
      : status === 404
        ? 'Check owner/repo (or project) and baseUrl of the reporter in the operator configuration (reporters.<name>), and that the commit was pushed there.'
        : 'The service is failing or unreachable; meshplane reports again on the next change.';
  return new StatusError(`${reporter} refused the commit status (${code}: ${detail}) after ${attempts} attempt${attempts === 1 ? '' : 's'}. ${fix}`, status === undefined || status >= 500);
}

export function notesWriteFailed(gitDir: string, detail: string): StatusError {
  return new StatusError(`could not write refs/notes/meshplane in ${gitDir}: ${detail}. Check that the repository is writable by the daemon.`);
}
