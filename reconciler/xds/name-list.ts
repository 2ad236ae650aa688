// The resource names a proxy subscribed to for one type, as a sorted array searched by bisection:
// a Set's hash table costs ~150 bytes even for one name, and every connected proxy keeps a list
// per named type (routes, endpoints). A list is replaced, never changed, when a request changes it.

export type NameList = readonly string[];

/** The names of a subscription that names none (wildcard-only): one list for every proxy. */
export const NO_NAMES: NameList = [];

/** The distinct names, sorted (by UTF-16 code unit, as `<` compares). */
export function nameList(names: Iterable<string>): NameList {
  const sorted = [...new Set(names)].sort();
  // slice(): an exact-length copy (the spread grew its backing store by doubling).
  return sorted.length === 0 ? NO_NAMES : sorted.slice();
}

export function hasName(list: NameList, name: string): boolean {
  let low = 0;
  let high = list.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const found = list[middle];
    if (found === name) return true;
    if (found < name) low = middle + 1;
    else high = middle - 1;
  }
  return false;
}

export function sameNames(a: NameList, b: NameList): boolean {
  return a.length === b.length && a.every((name, index) => name === b[index]);
}
