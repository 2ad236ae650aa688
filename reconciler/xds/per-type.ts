// A value per served resource type, kept in a five-slot array instead of a Map keyed by type URL:
// every connected proxy holds a few of these (subscriptions, sent/ACKed marks, what it holds), and
// at 10,000 proxies a Map's hash table per proxy and type is most of what a session costs.
import { TYPE_URLS, TypeUrl } from '../../provider/envoy/snapshot';

const SERVED_TYPES: readonly TypeUrl[] = Object.values(TYPE_URLS);
const INDEX = new Map<string, number>(SERVED_TYPES.map((typeUrl, index) => [typeUrl, index]));

/**
 * The served type a request names, as the shared constant string (the decoded request's string is
 * the proxy's own copy, which every map keyed by it would keep alive); undefined for other types.
 */
export function servedType(typeUrl: string): TypeUrl | undefined {
  const index = INDEX.get(typeUrl);
  return index === undefined ? undefined : SERVED_TYPES[index];
}

export type PerType<T> = (T | undefined)[];

export function perType<T>(): PerType<T> {
  return new Array<T | undefined>(SERVED_TYPES.length);
}

export function typeSlot(typeUrl: TypeUrl): number {
  return INDEX.get(typeUrl)!;
}

/** The filled slots with their type URLs, in TYPE_URLS order. */
export function* typeEntries<T>(slots: PerType<T>): IterableIterator<[TypeUrl, T]> {
  for (let index = 0; index < SERVED_TYPES.length; index++) {
    const value = slots[index];
    if (value !== undefined) yield [SERVED_TYPES[index], value];
  }
}
