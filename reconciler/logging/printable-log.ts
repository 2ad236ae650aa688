// Logger options that pass every message, field and binding through printable(): a file or
// resource name from a commit, or a NACK text from a proxy, cannot forge a log line or reach a
// terminal (pretty logs, `journalctl`, `tail -f`) as a control sequence.
import type { LoggerOptions } from 'pino';
import { printable, printableValue } from '../../provider/text/printable';

export const PRINTABLE_LOG_OPTIONS: Pick<LoggerOptions, 'hooks' | 'formatters'> = {
  hooks: {
    logMethod(args, method) {
      return method.apply(this, args.map((arg) => (typeof arg === 'string' ? printable(arg) : printableValue(arg))) as Parameters<typeof method>);
    },
  },
  formatters: {
    bindings: (bindings) => printableValue(bindings),
  },
};
