// A finding about user input. Validation collects these; it never throws on user input.

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  /** Stable rule ID from resource-model.md (e.g. `RT-T-3`), or a loader code (e.g. `LOAD-YAML`). */
  code: string;
  severity: Severity;
  /** What is wrong and how to fix it. */
  message: string;
  /** Repository-relative path with `/` separators. */
  file: string;
  /** 1-based line and column; 0 when the position is unknown (e.g. a whole-file problem). */
  line: number;
  column: number;
  /** JSON pointer into the document (`/spec/listeners/0/portMapping/port`), `''` for the whole document. */
  pointer: string;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Compiler order: by file, then position, then severity, then code. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    a.file.localeCompare(b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    a.code.localeCompare(b.code)
  );
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Escapes one JSON-pointer segment (RFC 6901). */
export function pointerSegment(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function joinPointer(base: string, ...segments: Array<string | number>): string {
  return base + segments.map((s) => '/' + pointerSegment(s)).join('');
}

export function splitPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
