// Polling for the source, status and daemon tests. The git repositories these tests use live in
// test/helpers/temp-repo; they are re-exported here for the suites that still import them from here.
export { git, GitRepo, makeBareRemote, makeGitRepo, tempDir } from '../helpers/temp-repo';

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
