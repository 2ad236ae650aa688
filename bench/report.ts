// How benchmarks print: one aligned line per measurement, ratios against a floor from the same run.

export type Report = (name: string, fields: Record<string, string | number>) => void;

export function consoleReport(): Report {
  return (name, fields) => {
    const parts = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'number' ? formatNumber(v) : v}`);
    process.stdout.write(`${name.padEnd(44)} ${parts.join('  ')}\n`);
  };
}

function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(2) : n.toPrecision(3);
}

/** Median wall time in milliseconds of `runs` executions of `fn` (after one warm-up). */
export async function medianMs(runs: number, fn: () => unknown | Promise<unknown>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
