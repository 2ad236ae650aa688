// The message of an API-made commit: the operation and the resource in the subject, so `git log`
// and the dashboard show what the API did, and the caller's key identity as a trailer.
import { ApiCaller, ApiMutation } from './api-mutation';
import { identityOfTarget, resourcePathLabel } from './target-identity';

/** `CreateVirtualNode apps/serviceB (via App Mesh API)` + environment and caller trailers. */
export function commitMessage(environment: string, mutation: ApiMutation, caller: ApiCaller, operation: string): string {
  const subject = `${operation} ${resourcePathLabel(identityOfTarget(mutation.target))} (via App Mesh API)`;
  return `${subject}\n\nMeshplane-Environment: ${environment}\nMeshplane-Api-Caller: ${caller.identity.replace(/[\r\n]+/g, ' ')}\n`;
}
