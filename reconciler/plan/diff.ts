// Field-level diff of two resource documents in WR-4 canonical form. List elements are matched
// by identity where they have one (weighted targets by virtualNode, backends by service name),
// so moving or editing one element never shows as a rewrite of the whole list.
import { canonicalize, compareStrings, listRule, ListRule, stableStringify } from './canonical';

export type DiffOp = 'add' | 'remove' | 'change' | 'order';

export interface DiffEntry {
  op: DiffOp;
  /** Dotted path: `spec.httpRoute.action.weightedTargets[1].weight`, `spec.backends[svc.local]`, `tags[team]`. */
  path: string;
  before?: unknown;
  after?: unknown;
}

/** Leaf-level differences between two documents (either may be undefined: create or delete). */
export function diffValues(before: unknown, after: unknown): DiffEntry[] {
  const out: DiffEntry[] = [];
  walk(canonicalize(before), canonicalize(after), '', undefined, out);
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function walk(before: unknown, after: unknown, path: string, memberName: string | undefined, out: DiffEntry[]): void {
  if (before === undefined && after === undefined) return;
  if ((Array.isArray(before) || before === undefined) && (Array.isArray(after) || after === undefined)) {
    return diffList((before as unknown[]) ?? [], (after as unknown[]) ?? [], path, listRule(memberName), out);
  }
  if ((isRecord(before) || before === undefined) && (isRecord(after) || after === undefined)) {
    const b = (before as Record<string, unknown>) ?? {};
    const a = (after as Record<string, unknown>) ?? {};
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort(compareStrings);
    for (const key of keys) walk(b[key], a[key], path === '' ? key : `${path}.${key}`, key, out);
    return;
  }
  if (before === undefined) out.push({ op: 'add', path, after });
  else if (after === undefined) out.push({ op: 'remove', path, before });
  else if (stableStringify(before) !== stableStringify(after)) out.push({ op: 'change', path, before, after });
}

/** Identity keys made unique by occurrence, so two targets on one node (different ports) still match. */
function identities(list: unknown[], identity: (element: unknown) => string | undefined): string[] {
  const seen = new Map<string, number>();
  return list.map((element, index) => {
    const id = identity(element) ?? `#${index}`;
    const n = seen.get(id) ?? 0;
    seen.set(id, n + 1);
    return n === 0 ? id : `${id}#${n}`;
  });
}

function diffList(before: unknown[], after: unknown[], path: string, rule: ListRule, out: DiffEntry[]): void {
  if (rule.identity) return diffIdentityList(before, after, path, rule, out);
  if (!rule.ordered) {
    // A set of scalars: report what left and what joined.
    const remaining = new Map<string, number>();
    for (const element of before) remaining.set(stableStringify(element), (remaining.get(stableStringify(element)) ?? 0) + 1);
    const added: unknown[] = [];
    for (const element of after) {
      const key = stableStringify(element);
      const n = remaining.get(key) ?? 0;
      if (n > 0) remaining.set(key, n - 1);
      else added.push(element);
    }
    for (const element of before) {
      const key = stableStringify(element);
      const n = remaining.get(key) ?? 0;
      if (n > 0) {
        remaining.set(key, n - 1);
        out.push({ op: 'remove', path: `${path}[]`, before: element });
      }
    }
    for (const element of added) out.push({ op: 'add', path: `${path}[]`, after: element });
    return;
  }
  const length = Math.max(before.length, after.length);
  for (let i = 0; i < length; i++) walk(before[i], after[i], `${path}[${i}]`, undefined, out);
}

function diffIdentityList(before: unknown[], after: unknown[], path: string, rule: ListRule, out: DiffEntry[]): void {
  const beforeIds = identities(before, rule.identity!);
  const afterIds = identities(after, rule.identity!);
  const beforeIndex = new Map(beforeIds.map((id, i) => [id, i]));
  const afterSet = new Set(afterIds);
  const at = (id: string, index: number) => (rule.ordered ? `${path}[${index}]` : `${path}[${id}]`);
  afterIds.forEach((id, i) => {
    const j = beforeIndex.get(id);
    walk(j === undefined ? undefined : before[j], after[i], at(id, i), undefined, out);
  });
  beforeIds.forEach((id, j) => {
    if (!afterSet.has(id)) walk(before[j], undefined, at(id, j), undefined, out);
  });
  if (rule.ordered) {
    const keptBefore = beforeIds.filter((id) => afterSet.has(id));
    const keptAfter = afterIds.filter((id) => beforeIndex.has(id));
    if (keptBefore.join('\u0000') !== keptAfter.join('\u0000')) out.push({ op: 'order', path, before: keptBefore, after: keptAfter });
  }
}
