// Errors the AWS target raises: what happened, why, and the fix.

export class SynthError extends Error {
  override readonly name = 'SynthError';
}

export function invalidEnvironment(env: string, errors: number): SynthError {
  return new SynthError(
    `environment "${env}" has ${errors} validation error${errors === 1 ? '' : 's'}, so it was not synthesized: ` +
      `Terraform would be given resources App Mesh rejects. Fix the errors listed above (meshplane validate --env ${env}) and synth again.`,
  );
}

export function unknownEnvironments(requested: string[], existing: string[]): SynthError {
  return new SynthError(
    `no environment named ${requested.map((n) => `"${n}"`).join(', ')}; this repository has ${existing.length ? existing.join(', ') : 'no environments'}. ` +
      'Pick one of those, or add environments/<name>/environment.yaml.',
  );
}
