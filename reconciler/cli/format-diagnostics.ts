// Compiler-style text for diagnostics: `file:line:col: error CODE: message`.
import { Diagnostic } from '../../provider/model/diagnostic';
import { printable } from '../../provider/text/printable';
import { Terminal } from './terminal';

export function formatDiagnostic(d: Diagnostic, terminal: Terminal): string {
  const file = printable(d.file);
  const where = d.line > 0 ? `${file}:${d.line}:${d.column}` : file;
  const style = d.severity === 'error' ? 'red' : d.severity === 'warning' ? 'yellow' : 'cyan';
  return `${terminal.paint('bold', where)}: ${terminal.paint(style, d.severity)} ${printable(d.code)}: ${printable(d.message)}`;
}

export function summarize(diagnostics: readonly Diagnostic[]): { errors: number; warnings: number; infos: number } {
  return {
    errors: diagnostics.filter((d) => d.severity === 'error').length,
    warnings: diagnostics.filter((d) => d.severity === 'warning').length,
    infos: diagnostics.filter((d) => d.severity === 'info').length,
  };
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
