// Feedback on long work (validating a large repository, importing, waiting for proxies to
// converge), on standard error so it never mixes with a command's output. On a terminal: one
// line redrawn in place (a bar when the total is known, a spinner otherwise), coloured only when
// the terminal allows colour. Elsewhere (CI logs, pipes): a plain line now and then. Work that
// ends before `delayMs` shows nothing at all.
import { Terminal } from './terminal';

export interface ProgressOptions {
  /** What is being done: `validating`, `importing`, `waiting for proxies`. */
  label: string;
  /** How many steps make the whole; unknown → a spinner and a count. */
  total?: number;
  /** What a step counts: `environments`, `files`, `proxies ACKed`. */
  unit?: string;
  /** Nothing is shown for work that ends sooner than this (default 400 ms). */
  delayMs?: number;
  /** Without a terminal: at most one line per interval (default 2 s). */
  lineIntervalMs?: number;
  /** Redraw in place (default: the terminal's isTTY). */
  tty?: boolean;
  now?: () => number;
}

export interface Progress {
  /** `done` steps of the total are finished; `detail` names the current one. */
  update(done: number, detail?: string): void;
  /** One more step finished. */
  tick(detail?: string): void;
  /** Ends the display: clears the line on a terminal (the command prints its result next); elsewhere a closing line with `summary` when anything was shown. */
  finish(summary?: string): void;
}

const BAR_WIDTH = 24;
const REDRAW_MS = 80;
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

export function startProgress(terminal: Terminal, options: ProgressOptions): Progress {
  const now = options.now ?? Date.now;
  const tty = options.tty ?? terminal.isTTY;
  const delay = options.delayMs ?? 400;
  const interval = options.lineIntervalMs ?? 2000;
  const started = now();
  let done = 0;
  let detail: string | undefined;
  let shown = false;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let frame = 0;
  let finished = false;

  const count = () => (options.total !== undefined ? `${done}/${options.total}` : `${done}`) + (options.unit ? ` ${options.unit}` : '');

  const ttyLine = (): string => {
    let gauge: string;
    if (options.total !== undefined && options.total > 0) {
      const filled = Math.round((Math.min(done, options.total) / options.total) * BAR_WIDTH);
      gauge = terminal.paint('cyan', '█'.repeat(filled)) + terminal.paint('dim', '░'.repeat(BAR_WIDTH - filled));
    } else {
      gauge = terminal.paint('cyan', SPINNER[frame++ % SPINNER.length]);
    }
    return `${options.label} ${gauge} ${count()}${detail ? ` · ${detail}` : ''} ${terminal.paint('dim', `(${seconds(now() - started)})`)}`;
  };

  const draw = (force = false) => {
    if (finished) return;
    const t = now();
    if (t - started < delay) return;
    if (tty) {
      if (!force && t - lastDraw < REDRAW_MS) return;
      terminal.err(`\r\u001b[2K${ttyLine()}`);
    } else {
      if (!force && t - lastDraw < interval) return;
      terminal.err(`meshplane: ${options.label} ${count()}${detail ? ` (${detail})` : ''}\n`);
    }
    shown = true;
    lastDraw = t;
  };

  return {
    update(value, current) {
      done = value;
      detail = current;
      draw();
    },
    tick(current) {
      done += 1;
      if (current !== undefined) detail = current;
      draw();
    },
    finish(summary) {
      if (finished) return;
      if (shown && tty) terminal.err('\r\u001b[2K');
      else if (shown) terminal.err(`meshplane: ${options.label} finished: ${summary ?? count()} in ${seconds(now() - started)}\n`);
      finished = true;
    },
  };
}
