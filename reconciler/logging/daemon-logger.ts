// The daemon's logger: human lines (pino-pretty) when someone reads them on a terminal, one JSON
// object per line otherwise (a pipe, a file, journald, a log shipper). `logging.format` (or
// --log-format / $MESHPLANE_LOG_FORMAT) forces either.
import pino, { Logger } from 'pino';
import pretty from 'pino-pretty';
import { PRINTABLE_LOG_OPTIONS } from './printable-log';

export type LogFormat = 'auto' | 'json' | 'pretty';

export interface DaemonLoggerOptions {
  level: string;
  format?: LogFormat;
  /** Where the lines go; stdout by default. */
  destination?: NodeJS.WritableStream & { isTTY?: boolean };
}

/** Whether `format` yields human lines on `destination`: auto means pretty on a terminal only. */
export function isPretty(format: LogFormat | undefined, destination: { isTTY?: boolean }): boolean {
  return format === 'pretty' || ((format ?? 'auto') === 'auto' && destination.isTTY === true);
}

export function daemonLogger(options: DaemonLoggerOptions): Logger {
  const destination = options.destination ?? process.stdout;
  const base = { ...PRINTABLE_LOG_OPTIONS, level: options.level, base: { service: 'meshplane' } };
  if (!isPretty(options.format, destination)) return options.destination ? pino(base, options.destination) : pino(base);
  // Synchronous, in this thread: a line is on the terminal before the next one is written, and
  // nothing is lost when the process exits on a signal. Colours only for a terminal.
  const stream = pretty({ destination, sync: true, colorize: destination.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' });
  return pino(base, stream);
}
