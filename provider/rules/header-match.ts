// §3.3/§3.4 header and gRPC metadata entries of routes and gateway routes (RT-M-4, GR-6).
import { joinPointer } from '../model/diagnostic';
import { Report } from '../validate/rule-context';
import { checkRe2 } from './regex';
import { asArray, asNumber, asObject, asString, presentMembers } from './values';

const MATCH_METHODS = ['exact', 'prefix', 'suffix', 'regex', 'range'] as const;

/** Checks `headers[]` (HTTP) or `metadata[]` (gRPC) at `pointer`. */
export function checkHeaderMatches(entries: unknown, pointer: string, report: Report): void {
  const seen = new Map<string, number>();
  asArray(entries).forEach((value, index) => {
    const entry = asObject(value);
    const at = joinPointer(pointer, index);
    const name = asString(entry?.name);
    if (name !== undefined) {
      // RT-M-6: header names are case-insensitive on the wire.
      const key = name.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) {
        report(joinPointer(at, 'name'), 'RT-M-6', 'warning',
          `"${name}" is matched twice in this route (also entry ${first}); all entries must match, so combine them into one entry or remove one.`);
      } else seen.set(key, index);
    }
    const match = asObject(entry?.match);
    if (!match) return;
    const matchAt = joinPointer(at, 'match');
    if (presentMembers(match, MATCH_METHODS).length === 0) {
      // an absent match tests presence; an empty one is ambiguous.
      report(matchAt, 'A-16', 'error',
        `empty "match: {}" on "${name ?? 'this entry'}"; give one of ${MATCH_METHODS.join(', ')}, or remove "match" to test only that the header is present.`);
    }
    const range = asObject(match.range);
    const start = asNumber(range?.start);
    const end = asNumber(range?.end);
    if (start !== undefined && end !== undefined && start >= end) {
      report(joinPointer(matchAt, 'range'), 'MM-2', 'error',
        `range start ${start} is not below end ${end}; the range is start-inclusive and end-exclusive, so set end > start (e.g. start: ${start}, end: ${start + 1} matches only ${start}).`);
    }
    checkRe2(match.regex, joinPointer(matchAt, 'regex'), 'MM-3', report);
  });
}
