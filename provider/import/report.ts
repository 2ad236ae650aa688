// What an import could not convert, and where: one finding per problem, with the source
// file and line, as Diagnostics so the CLI prints them like validation results.
import { Diagnostic, Severity } from '../model/diagnostic';
import { Position } from '../model/resource';

/**
 * Codes of findings about malformed input (syntax, unknown resource types or versions):
 * when any is present the import writes nothing.
 */
export const MALFORMED_CODES = new Set(['IMPORT-SYNTAX', 'IMPORT-TYPE', 'IMPORT-VERSION', 'IMPORT-INPUT']);

/** Where a value sits in an input file: the file and a locator for JSON pointers inside its document. */
export interface SourceLocation {
  file: string;
  locate(pointer: string): Position;
}

/** Collects the findings of one import run. */
export class ImportReport {
  readonly findings: Diagnostic[] = [];

  add(code: string, severity: Severity, message: string, at: SourceLocation, pointer = ''): void {
    const position = at.locate(pointer);
    this.findings.push({ code, severity, message, file: at.file, line: position.line, column: position.column, pointer });
  }

  error(code: string, message: string, at: SourceLocation, pointer = ''): void {
    this.add(code, 'error', message, at, pointer);
  }

  /** Malformed input: nothing may be written. */
  get malformed(): boolean {
    return this.findings.some((f) => MALFORMED_CODES.has(f.code));
  }

  /** Every resource and value was converted (warnings and notes allowed). */
  get complete(): boolean {
    return !this.findings.some((f) => f.severity === 'error');
  }
}

/** A location for findings about a whole file (position unknown). */
export function wholeFile(file: string): SourceLocation {
  return { file, locate: () => ({ line: 0, column: 0 }) };
}
