// Errors `meshplane review` raises: what happened, why, and the fix.

export class ReviewError extends Error {
  override readonly name = 'ReviewError';
}

export function noEnvironments(base: string, head: string): ReviewError {
  return new ReviewError(`neither ${base} nor ${head} has folders under environments/, so there is nothing to review. Run meshplane review in a mesh repository (environments/<env>/*.yaml).`);
}

export function unknownEnvironment(name: string, base: string, head: string, existing: readonly string[]): ReviewError {
  return new ReviewError(`environment "${name}" exists in neither ${base} nor ${head}; environments there: ${existing.join(', ')}. Pass one of them with --env, or leave --env out to review all.`);
}

export function missingToken(forge: string, variable: string): ReviewError {
  return new ReviewError(`posting to ${forge} needs a token in the environment variable ${variable}, which is not set. Export ${variable}=<token> (in CI: see examples/ci/) and run again; the review above was not posted.`);
}

export function missingCoordinate(what: string, flag: string, variables: readonly string[]): ReviewError {
  return new ReviewError(`posting needs ${what}: pass ${flag}${variables.length > 0 ? ` or set ${variables.join(' / ')} (set by CI on pull/merge requests)` : ''}.`);
}

export function postFailed(forge: string, action: string, status: number | undefined, detail: string): ReviewError {
  const code = status ? `HTTP ${status}` : 'no response';
  const fix =
    status === 401 || status === 403
      ? 'Check that the token is valid and may write pull-request comments (GitHub: "pull-requests: write", checks: write for the check run; GitLab: api scope).'
      : status === 404
        ? 'Check the repository/project and the pull/merge request number, and the API URL.'
        : 'The service is failing or unreachable; run the job again.';
  return new ReviewError(`${forge} refused to ${action} (${code}: ${detail}). ${fix}`);
}
