// What a proxy needs for its configuration to work: its listeners (Envoy: also every cluster), the
// route configurations they name, the clusters those name, their load assignments and ADS secrets.
// A proxy is on a version only when it holds (has ACKed) every one of them at the served content:
// a gRPC client ACKs the route before it even asks for the cluster the route names.
import { ProxySnapshot, TYPE_URLS, TypeUrl } from '../../provider/envoy/snapshot';
import { referencesOf, ResourceRef } from './resource-references';

/** A needed resource the proxy does not hold at the served content; `nack` when it rejected that content. */
export interface ClosureGap extends ResourceRef {
  nack?: string;
}

export interface HeldResources {
  /** The content hash of the resource the proxy last ACKed, if any. */
  heldHash(typeUrl: TypeUrl, name: string): string | undefined;
  /** The proxy's error text if it rejected exactly this content. */
  rejection(typeUrl: TypeUrl, name: string, hash: string): string | undefined;
}

/** A subscription of the proxy to one type (as the streams keep it). */
export interface SubscribedNames {
  wildcard: boolean;
  names: Iterable<string>;
}

/** The roots: the listeners the proxy subscribed to, and every cluster when it asked for all (Envoy). */
export function closureRoots(snapshot: ProxySnapshot, subscription: (typeUrl: TypeUrl) => SubscribedNames | undefined): ResourceRef[] {
  const roots: ResourceRef[] = [];
  const listeners = subscription(TYPE_URLS.listener);
  if (listeners?.wildcard) for (const name of snapshot.resources.get(TYPE_URLS.listener)?.keys() ?? []) roots.push({ typeUrl: TYPE_URLS.listener, name });
  else for (const name of listeners?.names ?? []) roots.push({ typeUrl: TYPE_URLS.listener, name });
  if (subscription(TYPE_URLS.cluster)?.wildcard) for (const name of snapshot.resources.get(TYPE_URLS.cluster)?.keys() ?? []) roots.push({ typeUrl: TYPE_URLS.cluster, name });
  return roots;
}

/** The needed resources, reachable from the roots through the served content, that the proxy does not hold. */
export function closureGaps(snapshot: ProxySnapshot, roots: readonly ResourceRef[], held: HeldResources): ClosureGap[] {
  const gaps: ClosureGap[] = [];
  const seen = new Set<string>();
  const queue = [...roots];
  for (let i = 0; i < queue.length; i++) {
    const ref = queue[i];
    const key = `${ref.typeUrl}|${ref.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    // A name that is not served was answered "does not exist": nothing the proxy can ACK.
    const resource = snapshot.resources.get(ref.typeUrl)?.get(ref.name);
    if (!resource) continue;
    if (held.heldHash(ref.typeUrl, ref.name) !== resource.hash) {
      const nack = held.rejection(ref.typeUrl, ref.name, resource.hash);
      gaps.push(nack === undefined ? { ...ref } : { ...ref, nack });
    }
    queue.push(...referencesOf(resource));
  }
  return gaps;
}
