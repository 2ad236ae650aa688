// `npm run bench`: runs every benchmark module in bench/ (those exporting `run(report)`), or the ones named.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { consoleReport, Report } from './report';

interface BenchModule {
  run(report: Report): Promise<void>;
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const report = consoleReport();
  const modules = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.js') && !['run.js', 'report.js', 'synthetic-mesh.js'].includes(f))
    .map((f) => f.replace(/\.js$/, ''))
    .filter((name) => only.length === 0 || only.includes(name))
    .sort();
  for (const name of modules) {
    const mod = (await import(path.join(__dirname, `${name}.js`))) as Partial<BenchModule>;
    if (typeof mod.run !== 'function') continue;
    process.stdout.write(`\n# ${name}\n`);
    await mod.run(report);
  }
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : error}\n`);
  process.exitCode = 1;
});
