// One reconcile per environment at a time: a revision that arrives while one runs waits, and a
// newer revision replaces the one waiting (it is superseded: only the newest matters).

export class SerialQueue<T> {
  private waiting: T | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly work: (item: T) => Promise<void>,
    private readonly events: { superseded?: (item: T, by: T) => void; failed: (item: T, error: unknown) => void },
  ) {}

  /** Queues an item; false once the queue is closed. */
  push(item: T): boolean {
    if (this.closed) return false;
    if (this.waiting !== undefined) this.events.superseded?.(this.waiting, item);
    this.waiting = item;
    this.running ??= this.drain();
    return true;
  }

  /** Whether a newer item waits behind the running one (the running one may stop waiting early). */
  hasWaiting(): boolean {
    return this.waiting !== undefined;
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Takes no more items, drops the waiting one, and resolves when the running one is done. */
  async close(): Promise<void> {
    this.closed = true;
    this.waiting = undefined;
    await this.running;
  }

  /** Resolves when nothing runs or waits. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting !== undefined && !this.closed) {
        const item = this.waiting;
        this.waiting = undefined;
        await this.work(item).catch((error: unknown) => this.events.failed(item, error));
      }
    } finally {
      this.running = undefined;
    }
  }
}
