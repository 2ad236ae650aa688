// Match members shared by HTTP/HTTP2 routes and gateway routes: path (§3.5), query
// parameters (§3.6) and headers (§3.4). `code` is the rule of the caller (RT-M-4 or GR-6).
import { joinPointer } from '../model/diagnostic';
import { Report } from '../validate/rule-context';
import { checkHeaderMatches } from './header-match';
import { checkRe2 } from './regex';
import { asArray, asObject, Obj, presentMembers } from './values';

export function checkHttpMatchConditions(match: Obj, pointer: string, code: string, report: Report): void {
  checkPathMatch(match.path, joinPointer(pointer, 'path'), code, report);
  checkHeaderMatches(match.headers, joinPointer(pointer, 'headers'), report);
  asArray(match.queryParameters).forEach((value, index) => {
    const parameter = asObject(value);
    const parameterMatch = asObject(parameter?.match);
    if (parameterMatch && parameterMatch.exact === undefined) {
      report(joinPointer(pointer, 'queryParameters', index, 'match'), code, 'error',
        'query-parameter "match" without "exact"; exact is the only method: set "match: {exact: <value>}", or remove "match" to test only that the parameter is present.');
    }
  });
}

/** PM-1: exactly one of `exact` / `regex`; the regex must be RE2. */
function checkPathMatch(value: unknown, pointer: string, code: string, report: Report): void {
  const path = asObject(value);
  if (!path) return;
  const members = presentMembers(path, ['exact', 'regex']);
  if (members.length !== 1) {
    report(pointer, 'PM-1', 'error',
      `path match needs exactly one of "exact" or "regex" (found ${members.length === 0 ? 'none' : 'both'}); keep one, or use "prefix" instead of "path".`);
  }
  checkRe2(path.regex, joinPointer(pointer, 'regex'), code, report);
}
