// Webhook replay protection: each delivery a forge sends carries a unique id (X-GitHub-Delivery,
// X-Gitea-Delivery, X-Gitlab-Event-UUID). A verified delivery whose id was already accepted within
// the window is a replay — a captured, validly signed request sent again — and is refused. Memory
// is bounded: ids older than the window are dropped, and at most `maxIds` are kept (oldest first out).

export const DEFAULT_REPLAY_WINDOW_MS = 600_000;
export const DEFAULT_MAX_DELIVERY_IDS = 10_000;

export class ReplayGuard {
  /** id → when it was accepted; Map order is arrival order, so expired ids are at the front. */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly windowMs = DEFAULT_REPLAY_WINDOW_MS,
    private readonly maxIds = DEFAULT_MAX_DELIVERY_IDS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records `id`; false when it was already recorded within the window (a replay). */
  firstTime(id: string): boolean {
    const now = this.now();
    for (const [old, at] of this.seen) {
      if (now - at < this.windowMs && this.seen.size < this.maxIds) break;
      this.seen.delete(old);
    }
    if (this.seen.has(id)) return false;
    this.seen.set(id, now);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }
}
