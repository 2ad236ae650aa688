// npm failing to reach the registry is an environment without network, not a broken package.
export function npmOffline(error: unknown): boolean {
  return /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ENETUNREACH|E503|ECONNRESET/.test(String((error as { stderr?: string }).stderr ?? error));
}
