// A Terminal that records what a command prints, for in-process CLI tests.
import { Terminal } from '../../reconciler/cli/terminal';

export interface CapturedTerminal extends Terminal {
  stdout: string;
  stderr: string;
}

export function captureTerminal(): CapturedTerminal {
  const terminal: CapturedTerminal = {
    stdout: '',
    stderr: '',
    isTTY: false,
    color: false,
    out: (text) => void (terminal.stdout += text),
    err: (text) => void (terminal.stderr += text),
    paint: (_style, text) => text,
  };
  return terminal;
}
