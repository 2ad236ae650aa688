// How the CLI writes: colours only on a terminal and never with NO_COLOR set.

export interface Terminal {
  out(text: string): void;
  err(text: string): void;
  readonly isTTY: boolean;
  readonly color: boolean;
  paint(style: Style, text: string): string;
}

export type Style = 'red' | 'yellow' | 'green' | 'cyan' | 'bold' | 'dim';

const CODES: Record<Style, [number, number]> = {
  red: [31, 39],
  yellow: [33, 39],
  green: [32, 39],
  cyan: [36, 39],
  bold: [1, 22],
  dim: [2, 22],
};

let closedPipeHandled = false;

/**
 * A reader that stops early (`meshplane status | head -1`) closes the pipe: the rest of the output
 * has nowhere to go, which is what the user asked for, not an error. Exit 0 instead of crashing on EPIPE.
 */
function endQuietlyOnClosedPipe(): void {
  if (closedPipeHandled) return;
  closedPipeHandled = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(0);
    });
  }
}

export function processTerminal(): Terminal {
  endQuietlyOnClosedPipe();
  const isTTY = Boolean(process.stdout.isTTY);
  const color = isTTY && process.env.NO_COLOR === undefined && process.env.TERM !== 'dumb';
  return {
    isTTY,
    color,
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    paint: (style, text) => (color ? `\u001b[${CODES[style][0]}m${text}\u001b[${CODES[style][1]}m` : text),
  };
}
