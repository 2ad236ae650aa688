// Gives a reconcile's memory back once the daemon idles. A commit allocates hundreds of MB of
// short-lived objects in a burst, then nothing is allocated for minutes; V8 collects when an
// allocation needs room, so without this the burst's garbage and a young generation grown to
// 32 MB stay resident for as long as the daemon idles (at 10,001 resources, 15 s after a commit:
// 393 MB resident, 263 MB of heap of which ~110 MB live). Two steps, each once no reconcile ran
// for a while:
// - a full collection IDLE_COLLECT_DELAY_MS after the last reconcile frees the burst's garbage;
// - a young-generation collection YOUNG_COLLECT_DELAY_MS after that gives back the young
//   generation. V8 shrinks it (32 MB → 1 MB) only at a collection that measures a low, non-zero
//   allocation rate over its last 5 s. The full collection's own measure still counts what the
//   commit's last scavenges promoted (often more than its threshold of 1 MB/s over those seconds);
//   a collection 5 s or more after it measures the idle daemon alone.
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

export const IDLE_COLLECT_DELAY_MS = 6_000;
export const YOUNG_COLLECT_DELAY_MS = 6_000;

export interface IdleCollections {
  full(): void;
  young(): void;
}

export interface IdleCollection {
  step: 'full' | 'young';
  /** Heap freed: used bytes for the full collection, committed bytes for the young one. */
  freedBytes: number;
  ms: number;
}

export class IdleCollector {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly collected: (collection: IdleCollection) => void,
    private readonly delayMs = IDLE_COLLECT_DELAY_MS,
    private readonly youngDelayMs = YOUNG_COLLECT_DELAY_MS,
    private readonly collections: IdleCollections = v8Collections(),
  ) {}

  /** A reconcile ended: collect once no other one ends for the delays. */
  workEnded(): void {
    this.schedule(() => {
      this.run('full', () => this.collections.full(), () => process.memoryUsage().heapUsed);
      this.schedule(() => this.run('young', () => this.collections.young(), () => process.memoryUsage().heapTotal), this.youngDelayMs);
    }, this.delayMs);
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private schedule(step: () => void, delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      step();
    }, delayMs);
    this.timer.unref();
  }

  private run(step: IdleCollection['step'], collect: () => void, heapBytes: () => number): void {
    const before = heapBytes();
    const started = performance.now();
    collect();
    this.collected({ step, freedBytes: before - heapBytes(), ms: performance.now() - started });
  }
}

type Gc = (options?: { type: 'minor' }) => void;
let gc: Gc | undefined;

/**
 * V8's collections: `--expose-gc` set at run time gives `gc` to contexts created afterwards;
 * `gc()` is a full collection, `gc({ type: 'minor' })` a young-generation one (Node 20's V8 runs
 * a young-generation collection for any options object, `{ type: 'major' }` included).
 */
function v8Collections(): IdleCollections {
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as Gc;
  }
  const collect = gc;
  return { full: () => collect(), young: () => collect({ type: 'minor' }) };
}
