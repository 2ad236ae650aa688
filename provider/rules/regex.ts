// MM-3 / §12.6: route and gateway-route regexes are run by Envoy's RE2 engine, which has no
// look-ahead, look-behind or back-references. re2js is a port of RE2, so a pattern it
// compiles is one Envoy accepts.
import { RE2JS } from 're2js';
import { Report } from '../validate/rule-context';

const WORKAROUND =
  'RE2 (used by Envoy since 1.17) has no look-ahead, look-behind or back-references. Rewrite it: ' +
  '`(?=x)` → `(x)`, `ex(?!ample)` → `ex(amp){0}le`, `p(?![0-9])s` → `p[^0-9]?s`, ' +
  'or split the match into two routes with different priorities.';

// Each distinct pattern is compiled once; a long-running daemon re-validates the same documents.
const MAX_CACHED = 10_000;
const compileErrors = new Map<string, string | null>();

/** The RE2 compile error of `pattern`, or undefined when RE2 accepts it. */
export function re2CompileError(pattern: string): string | undefined {
  let error = compileErrors.get(pattern);
  if (error === undefined) {
    try {
      RE2JS.compile(pattern);
      error = null;
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    if (compileErrors.size >= MAX_CACHED) compileErrors.clear();
    compileErrors.set(pattern, error);
  }
  return error ?? undefined;
}

export function checkRe2(pattern: unknown, pointer: string, code: string, report: Report): void {
  if (typeof pattern !== 'string') return;
  const error = re2CompileError(pattern);
  if (error !== undefined) {
    report(pointer, code, 'error', `regex ${JSON.stringify(pattern)} is not valid RE2 (${error}). ${WORKAROUND}`);
  }
}
