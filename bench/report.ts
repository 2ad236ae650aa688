// How benchmarks report: one figure per line — its value, the floor measured in the same run, the
// ratio, the target and PASS/FAIL — printed aligned and collected for `npm run bench -- --json`.

/** What a figure must meet: its value, or its ratio to the floor, below (`<`) or at most (`≤`) a limit. */
export interface Target {
  on: 'value' | 'ratio';
  op: '<' | '≤';
  limit: number;
}

export const below = (limit: number): Target => ({ on: 'value', op: '<', limit });
export const atMost = (limit: number): Target => ({ on: 'value', op: '≤', limit });
export const ratioAtMost = (limit: number): Target => ({ on: 'ratio', op: '≤', limit });

export interface Figure {
  /** What was measured, e.g. `xds sotw N=1000 one-route change to all ACKed`. */
  measurement: string;
  value: number;
  /** `ms`, `KB`, `MB`, … — the floor has the same unit. */
  unit: string;
  /** The same work's lower bound, measured in the same run (absent where none is meaningful). */
  floor?: number;
  target: Target;
  /** Further numbers about the same measurement: printed on the line and kept in the JSON. */
  details?: Record<string, string | number>;
}

/** A figure as printed and written to the JSON file. */
export interface FigureRecord {
  module: string;
  measurement: string;
  value: number;
  unit: string;
  floor: number | null;
  ratio: number | null;
  target: string;
  pass: boolean;
  details: Record<string, string | number>;
}

export interface Report {
  (figure: Figure): void;
  /** A measurement that could not run here (say why); counted as neither PASS nor FAIL. */
  skip(measurement: string, reason: string): void;
}

export function describeTarget(target: Target, unit: string): string {
  return target.on === 'ratio' ? `ratio ${target.op} ${target.limit}` : `${target.op} ${target.limit} ${unit}`;
}

export function toRecord(module: string, figure: Figure): FigureRecord {
  const ratio = figure.floor !== undefined && figure.floor > 0 ? figure.value / figure.floor : null;
  const { on, op, limit } = figure.target;
  const compared = on === 'ratio' ? ratio : figure.value;
  const pass = compared !== null && Number.isFinite(compared) && (op === '<' ? compared < limit : compared <= limit);
  return {
    module,
    measurement: figure.measurement,
    value: figure.value,
    unit: figure.unit,
    floor: figure.floor ?? null,
    ratio,
    target: describeTarget(figure.target, figure.unit),
    pass,
    details: figure.details ?? {},
  };
}

/** A report for one module: prints each figure and hands its record to `collect`. */
export function moduleReport(module: string, collect: (record: FigureRecord) => void, skipped: (measurement: string, reason: string) => void): Report {
  const report = ((figure: Figure) => {
    const record = toRecord(module, figure);
    collect(record);
    process.stdout.write(`${formatRecord(record)}\n`);
  }) as Report;
  report.skip = (measurement, reason) => {
    skipped(measurement, reason);
    process.stdout.write(`${measurement.padEnd(52)} SKIP  ${reason}\n`);
  };
  return report;
}

export function formatRecord(record: FigureRecord): string {
  const parts = [`${formatNumber(record.value)} ${record.unit}`];
  if (record.floor !== null) parts.push(`floor=${formatNumber(record.floor)} ${record.unit}`);
  if (record.ratio !== null) parts.push(`ratio=${formatNumber(record.ratio)}`);
  parts.push(`target: ${record.target}`);
  const details = Object.entries(record.details).map(([k, v]) => `${k}=${typeof v === 'number' ? formatNumber(v) : v}`);
  return `${record.measurement.padEnd(52)} ${record.pass ? 'PASS' : 'FAIL'}  ${parts.join('  ')}${details.length ? `  (${details.join('  ')})` : ''}`;
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
