// Gives a reconcile's memory back once the daemon idles. A commit allocates hundreds of MB of
// short-lived objects in a burst, then nothing is allocated for minutes; V8 collects when an
// allocation needs room, so without this the burst's garbage and a young generation grown to
// 32 MB stay resident for as long as the daemon idles (at 10,001 resources, 15 s after a commit:
// 393 MB resident, 263 MB of heap of which ~110 MB live). One full collection once no reconcile
// ran for IDLE_COLLECT_DELAY_MS frees it; V8 measures allocation throughput over its last 5 s and
// only then also shrinks the young generation back to its initial 1 MB.
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

export const IDLE_COLLECT_DELAY_MS = 6_000;

export class IdleCollector {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly collected: (freedBytes: number, ms: number) => void,
    private readonly delayMs = IDLE_COLLECT_DELAY_MS,
    private readonly collect: () => void = fullCollection(),
  ) {}

  /** A reconcile ended: collect once no other one ends for the delay. */
  workEnded(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(), this.delayMs);
    this.timer.unref();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private run(): void {
    this.timer = undefined;
    const before = process.memoryUsage().heapUsed;
    const started = performance.now();
    this.collect();
    this.collected(before - process.memoryUsage().heapUsed, performance.now() - started);
  }
}

let gc: (() => void) | undefined;

/** V8's full collection: `--expose-gc` set at run time gives `gc` to contexts created afterwards. */
function fullCollection(): () => void {
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  return gc;
}
