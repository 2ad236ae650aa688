// WR-4 canonical form for diffs: absent, null and empty lists/objects are equal; lists whose
// order carries no meaning are compared as sets; ordered lists keep their order.
import { asObject } from '../../provider/rules/values';

export interface ListRule {
  /** What identifies an element across revisions (weighted target → its virtual node). */
  identity?: (element: unknown) => string | undefined;
  /** Whether the order of the elements is semantic (WR-4). */
  ordered: boolean;
}

const member = (...path: string[]) => (element: unknown): string | undefined => {
  let current: unknown = element;
  for (const key of path) current = asObject(current)?.[key];
  return current === undefined || current === null ? undefined : String(current);
};

/**
 * Lists by the name of the member holding them. Set-like scalar lists (retry events, CA ARNs,
 * SAN `exact`, client-policy `ports`) have no identity: the element is its own identity.
 */
const LIST_RULES: Record<string, ListRule> = {
  listeners: { identity: member('portMapping', 'port'), ordered: true },
  weightedTargets: { identity: member('virtualNode'), ordered: true },
  headers: { identity: member('name'), ordered: true },
  metadata: { identity: member('name'), ordered: true },
  queryParameters: { identity: member('name'), ordered: true },
  json: { identity: member('key'), ordered: true },
  backends: { identity: member('virtualService', 'virtualServiceName'), ordered: false },
  attributes: { identity: member('key'), ordered: false },
  tags: { identity: member('key'), ordered: false },
  ports: { ordered: false },
  // environment.yaml's discovery.instances (as one-line descriptions in setting diffs): a set.
  instances: { ordered: false },
  exact: { ordered: false },
  certificateAuthorityArns: { ordered: false },
  httpRetryEvents: { ordered: false },
  tcpRetryEvents: { ordered: false },
  grpcRetryEvents: { ordered: false },
};

export function listRule(memberName: string | undefined): ListRule {
  return (memberName !== undefined && LIST_RULES[memberName]) || { ordered: true };
}

export function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value as object).length === 0;
  return false;
}

/**
 * The canonical value: empty members dropped, object keys sorted, set-like lists sorted by
 * identity. Undefined when the whole value is empty.
 */
export function canonicalize(value: unknown, memberName?: string): unknown {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) {
    const elements = value.map((element) => canonicalize(element)).filter((element) => element !== undefined);
    if (elements.length === 0) return undefined;
    const rule = listRule(memberName);
    if (!rule.ordered) {
      const keyOf = (element: unknown) => rule.identity?.(element) ?? stableStringify(element);
      elements.sort((a, b) => compareStrings(keyOf(a), keyOf(b)) || compareStrings(stableStringify(a), stableStringify(b)));
    }
    return elements;
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object).sort()) {
      const child = canonicalize((value as Record<string, unknown>)[key], key);
      if (child !== undefined) out[key] = child;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value;
}

/** JSON with sorted keys, so equal values give equal strings. */
export function stableStringify(value: unknown): string {
  if (value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(record[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
