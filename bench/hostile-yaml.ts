// Hostile YAML benchmark (issue 14): a 1 MiB file of map keys, the shape that made the `yaml`
// library's duplicate-key check quadratic (~95k keys took minutes).
//   1. Load time of that file through the loader (read, parse, duplicate keys, values, positions) as a
//      ratio to its parse floor: yaml's parseAllDocuments with uniqueKeys off, same text, same run.
//      Target ≤ 2×.
//   2. The event-loop stall of a running daemon (in this process) while a commit adds the file:
//      max and p99 of perf_hooks.monitorEventLoopDelay from the commit until its validate status
//      is set. Target: max < 100 ms. The floor: the same measurement for a one-file commit.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseAllDocuments } from 'yaml';
import { PACKAGE_ROOT } from '../provider/package-root';
import { Daemon } from '../reconciler/daemon/daemon';
import { WorkingTreeSource } from '../reconciler/load/file-source';
import { loadEnvironment } from '../reconciler/load/load-environment';
import { below, medianMs, ratioAtMost, Report } from './report';
import { until } from './until';

const FILE_BYTES = 1024 * 1024;
const RUNS = 3;
const LOAD_RATIO_TARGET = 2;
const STALL_TARGET_MS = 100;

/** Just under 1 MiB of `keyN: value` lines; with `duplicate`, the last one repeats an earlier key. */
function mapKeyFile(duplicate: boolean, bytes = FILE_BYTES): string {
  const lines: string[] = [];
  let size = 0;
  while (size < bytes - 64) {
    const line = `key${lines.length}: value`;
    lines.push(line);
    size += line.length + 1;
  }
  if (duplicate) lines.push('key7: again');
  return lines.join('\n') + '\n';
}

export async function run(report: Report): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshplane-bench-hostile-'));
  try {
    await loadRatio(dir, report);
    await daemonStall(dir, report);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Without a duplicate the loader does all its work: values, positions, the resource check.
async function loadRatio(dir: string, report: Report): Promise<void> {
  const text = mapKeyFile(false);
  const repo = path.join(dir, 'load');
  fs.mkdirSync(path.join(repo, 'environments', 'bench'), { recursive: true });
  fs.writeFileSync(path.join(repo, 'environments', 'bench', 'keys.yaml'), text);
  const source = new WorkingTreeSource(repo);
  let codes = '';
  const loadMs = await medianMs(RUNS, async () => {
    codes = (await loadEnvironment(source, 'bench')).diagnostics.map((d) => d.code).join(',');
  });
  const floorMs = await medianMs(RUNS, () => parseAllDocuments(text, { uniqueKeys: false }));
  report({
    measurement: 'hostile-yaml 1 MiB map keys: load vs parse',
    value: loadMs,
    unit: 'ms',
    floor: floorMs,
    target: ratioAtMost(LOAD_RATIO_TARGET),
    details: { bytes: text.length, keys: text.split('\n').length - 1, diagnostics: codes },
  });
}

async function daemonStall(dir: string, report: Report): Promise<void> {
  const repo = path.join(dir, 'repo');
  const env = { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'b@b' };
  const git = (...args: string[]) => execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], { cwd: repo, env, encoding: 'utf8' }).trim();
  fs.mkdirSync(repo);
  fs.cpSync(path.join(PACKAGE_ROOT, 'environments', 'apps'), path.join(repo, 'environments', 'apps'), { recursive: true });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'canary');
  const daemon = await Daemon.start({ repo, dataDir: path.join(dir, 'data'), xdsListen: '127.0.0.1:0', httpListen: '127.0.0.1:0', pollIntervalMs: 100, driftIntervalMs: 60_000 });
  try {
    await until('the first commit to be live', () => daemon.environments()[0]?.live !== undefined, { timeoutMs: 60_000 });
    await daemon.idle();
    const stallOf = async (message: string, file: string, content: string) => {
      fs.writeFileSync(path.join(repo, file), content);
      git('add', '-A');
      git('commit', '-q', '-m', message);
      const commit = git('rev-parse', 'HEAD');
      const delay = monitorEventLoopDelay({ resolution: 5 });
      delay.enable();
      const validated = () => daemon.book.get(commit)?.statuses.some((s) => s.context === 'meshplane/apps/validate') === true;
      await until(`the validate status of "${message}"`, validated, { timeoutMs: 300_000, everyMs: 5 });
      await daemon.idle();
      delay.disable();
      return { max: delay.max / 1e6, p99: delay.percentile(99) / 1e6 };
    };
    const floor = await stallOf('a one-file commit', 'environments/apps/small.yaml', 'kind: VirtualNode\nmeshName: apps\nvirtualNodeName: small\nspec: {}\n');
    const hostile = await stallOf('a 1 MiB map-key file', 'environments/apps/hostile.yaml', mapKeyFile(true));
    report({
      measurement: 'hostile-yaml daemon stall while committing it (max)',
      value: hostile.max,
      unit: 'ms',
      floor: floor.max,
      target: below(STALL_TARGET_MS),
      details: { p99_ms: hostile.p99, floor_p99_ms: floor.p99 },
    });
  } finally {
    await daemon.stop();
  }
}
