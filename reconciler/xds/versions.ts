// Per-type versions are content hashes of what a proxy is sent, so a restarted server or another
// replica computes the same version for the same content and no proxy gets a needless push.
import { createHash } from 'node:crypto';
import { EncodedResource } from '../../provider/envoy/snapshot';

/** Whole-type maps are usually shared by many proxies (wildcard Envoy subscriptions): hash each once. */
const wholeMapVersions = new WeakMap<ReadonlyMap<string, EncodedResource>, string>();

/** Hash over the sorted (name, resource hash) pairs; independent of order and of who computes it. */
export function versionOf(resources: Iterable<EncodedResource>): string {
  const pairs: string[] = [];
  for (const resource of resources) pairs.push(`${resource.name}\u0000${resource.hash}`);
  pairs.sort();
  // 16 hex digits written as their own string: a slice of the 64-digit one would keep all of it alive per proxy.
  return createHash('sha256').update(pairs.join('\n')).digest().toString('hex', 0, 8);
}

/** versionOf(map.values()), remembered per map object. */
export function versionOfMap(map: ReadonlyMap<string, EncodedResource>): string {
  let version = wholeMapVersions.get(map);
  if (version === undefined) {
    version = versionOf(map.values());
    wholeMapVersions.set(map, version);
  }
  return version;
}
