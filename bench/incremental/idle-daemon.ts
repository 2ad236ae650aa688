// bench/incremental.ts's memory figure: a fresh process holding the daemon alone, as `meshplane
// serve` runs it — the parent generates the repository and makes the commits, so neither the
// generator nor its garbage is in the figure. The daemon follows the repository; after the last
// commit is live it idles until its own idle collection (both steps) has run (reconciler/daemon/idle-collector.ts)
// and reports its resident memory. No collection is forced here: what users' daemons hold idle.
import { IDLE_COLLECT_DELAY_MS, YOUNG_COLLECT_DELAY_MS } from '../../reconciler/daemon/idle-collector';
import { Daemon } from '../../reconciler/daemon/daemon';
import { until } from '../until';

export interface IdleMeasurement {
  rssMb: number;
  heapMb: number;
  /** The heap V8 holds from the system, used or not. */
  heapTotalMb: number;
  externalMb: number;
  idleMs: number;
}

/** Parent → child: wait for this commit to be live, or measure (the last message). */
export type IdleRequest = { commit: string } | { measure: true };
/** Child → parent: the commit served (the generated environment's first), or the measurement. */
export type IdleReply = { live: string } | { measurement: IdleMeasurement };

/** After both steps of the idle collection, a little more for nothing in particular to happen. */
const IDLE_MS = IDLE_COLLECT_DELAY_MS + YOUNG_COLLECT_DELAY_MS + 2000;
const WAIT = { timeoutMs: 300_000 };

async function main(): Promise<void> {
  const [repo, dataDir, environment] = process.argv.slice(2);
  const daemon = await Daemon.start({ repo, dataDir, xdsListen: '127.0.0.1:0', httpListen: '127.0.0.1:0', pollIntervalMs: 60_000, driftIntervalMs: 3_600_000 });
  const live = () => daemon.reconcilers.get(environment)?.live?.commit;
  const reply = (message: IdleReply) => process.send!(message);
  await until('the generated environment to be live', () => live() !== undefined, WAIT);
  reply({ live: live()! });
  process.on('message', (request: IdleRequest) => {
    void answer(request).catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
      process.exit(1);
    });
  });

  async function answer(request: IdleRequest): Promise<void> {
    if ('commit' in request) {
      await until('the commit to be live', () => live() === request.commit, WAIT);
      await daemon.idle();
      reply({ live: request.commit });
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
    reply({ measurement: { rssMb: rss / 2 ** 20, heapMb: heapUsed / 2 ** 20, heapTotalMb: heapTotal / 2 ** 20, externalMb: external / 2 ** 20, idleMs: IDLE_MS } });
    await daemon.stop();
    process.disconnect();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
