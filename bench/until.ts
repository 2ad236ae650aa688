// Waiting inside a benchmark: poll a condition, fail naming what was awaited.

export interface UntilOptions {
  timeoutMs?: number;
  /** Poll interval; a short one where the wait itself is what is measured. */
  everyMs?: number;
}

/** Resolves once `condition` holds; rejects after `timeoutMs` (default 120 s). */
export async function until(what: string, condition: () => boolean, { timeoutMs = 120_000, everyMs = 20 }: UntilOptions = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
