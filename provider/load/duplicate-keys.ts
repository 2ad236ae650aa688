// Duplicate map keys, found in one pass over a parsed YAML document. The `yaml` library's own
// check (`uniqueKeys: true`) compares every key with every earlier key of its map, so a 1 MiB
// file of keys took minutes; here each map keeps a Set of the scalar values it has seen.
import { isScalar, Node, visit } from 'yaml';

export interface DuplicateKey {
  key: string;
  /** Offsets of the repeated key and of its first occurrence. */
  offset: number;
  firstOffset: number;
}

/**
 * Every key that repeats an earlier key of the same mapping. Keys are equal when both are
 * scalars with the same value (as the library compares them); collection and alias keys never are.
 */
export function duplicateKeys(root: Node | null): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  if (root === null) return found;
  visit(root, {
    Map(_, map) {
      const seen = new Map<unknown, number>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const offset = pair.key.range?.[0] ?? 0;
        const first = seen.get(pair.key.value);
        if (first === undefined) seen.set(pair.key.value, offset);
        else found.push({ key: String(pair.key.value), offset, firstOffset: first });
      }
    },
  });
  return found;
}
