// `npm run bench [-- [--json [file]] [module …]]`: runs every benchmark module in bench/ (those
// exporting `run(report)`), or the ones named. Each figure prints its target and PASS/FAIL; with
// --json all figures are also written to a file (default bench-results.json) so runs can be compared.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FigureRecord, moduleReport, Report } from './report';

interface BenchModule {
  run(report: Report): Promise<void>;
}

const DEFAULT_JSON_FILE = 'bench-results.json';
const HELPERS = new Set(['run', 'report', 'synthetic-mesh', 'until']);

function moduleNames(): string[] {
  return fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.js'))
    .map((f) => f.replace(/\.js$/, ''))
    .filter((name) => !HELPERS.has(name))
    .sort();
}

/** `--json` takes the next argument as its file unless that is a module name or another flag. */
function parseArgs(args: string[], known: string[]): { only: string[]; json?: string } {
  const only: string[] = [];
  let json: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--json') {
      const next = args[i + 1];
      json = next !== undefined && !next.startsWith('--') && !known.includes(next) ? (i++, next) : DEFAULT_JSON_FILE;
    } else if (args[i].startsWith('--json=')) json = args[i].slice('--json='.length);
    else if (known.includes(args[i])) only.push(args[i]);
    else throw new Error(`unknown benchmark "${args[i]}"; modules: ${known.join(', ')}`);
  }
  return { only, json };
}

function commitOf(dir: string): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const known = moduleNames();
  const { only, json } = parseArgs(process.argv.slice(2), known);
  const figures: FigureRecord[] = [];
  const skipped: { module: string; measurement: string; reason: string }[] = [];
  const failed: { module: string; error: string }[] = [];
  const startedAt = new Date().toISOString();
  for (const name of known.filter((n) => only.length === 0 || only.includes(n))) {
    const mod = (await import(path.join(__dirname, `${name}.js`))) as Partial<BenchModule>;
    if (typeof mod.run !== 'function') continue;
    process.stdout.write(`\n# ${name}\n`);
    const report = moduleReport(name, (record) => figures.push(record), (measurement, reason) => skipped.push({ module: name, measurement, reason }));
    // One module failing (a timeout, a missing tool) does not lose the others' figures.
    await mod.run(report).catch((error: unknown) => {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      failed.push({ module: name, error: text });
      process.stdout.write(`${name} failed: ${text}\n`);
    });
  }
  const passed = figures.filter((f) => f.pass).length;
  process.stdout.write(`\n${passed} PASS, ${figures.length - passed} FAIL, ${skipped.length} skipped, ${failed.length} modules failed\n`);
  if (json) {
    const file = path.resolve(json);
    const result = {
      startedAt,
      finishedAt: new Date().toISOString(),
      commit: commitOf(path.join(__dirname, '..', '..')),
      host: { cpus: os.cpus().length, memoryMb: Math.round(os.totalmem() / 2 ** 20), node: process.version, platform: `${os.platform()} ${os.release()}` },
      figures,
      skipped,
      failed,
    };
    fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`figures written to ${file}\n`);
  }
  if (failed.length > 0) process.exitCode = 1;
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : error}\n`);
  process.exitCode = 1;
});
