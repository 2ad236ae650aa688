// bench/incremental.ts's memory figure in a fresh process: the daemon alone serving a generated
// environment, after four one-route commits, idle; reports resident memory over IPC and exits.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { Daemon } from '../../reconciler/daemon/daemon';
import { SyntheticRepo } from '../incremental';
import { until } from '../until';

export interface IdleMeasurement {
  rssMb: number;
  heapMb: number;
  commits: number;
}

const COMMITS = 4;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshplane-bench-idle-'));
  const repo = new SyntheticRepo(dir, Number(process.argv[2]));
  const daemon = await Daemon.start({ repo: repo.repo, dataDir: path.join(dir, 'data'), xdsListen: '127.0.0.1:0', httpListen: '127.0.0.1:0', pollIntervalMs: 60_000, driftIntervalMs: 3_600_000 });
  try {
    const live = () => daemon.reconcilers.get('bench')?.live?.commit;
    await until('the generated environment to be live', () => live() !== undefined, { timeoutMs: 300_000 });
    for (let i = 0; i < COMMITS; i++) {
      const commit = repo.commitOneRoute();
      await until('the commit to be live', () => live() === commit, { timeoutMs: 300_000 });
      await daemon.idle();
    }
    // Idle: what stays once the last commit's work is collected.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    gc();
    gc();
    const { rss, heapUsed } = process.memoryUsage();
    process.send!({ rssMb: rss / 2 ** 20, heapMb: heapUsed / 2 ** 20, commits: COMMITS } satisfies IdleMeasurement);
  } finally {
    await daemon.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
