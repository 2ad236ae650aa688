// Keeps every proxy's snapshot current as the model, environment and endpoints change:
// re-translates only the proxies that read something that changed, and reuses every
// resource whose content did not change (the same EncodedResource object, same hash).
import type { EnvironmentConfig } from '../environment/environment-config';
import { identityKey } from '../model/identity';
import { KIND_INFO } from '../model/kinds';
import { MeshModel } from '../model/mesh-model';
import { Resource } from '../model/resource';
import { FragmentCache } from './fragment-cache';
import { childrenKey, MeshView } from './mesh-view';
import { ResourcePool } from './proto-codec';
import { EncodedResource, EndpointSource, Flavour, ProxyIdentity, proxyKey, ProxySnapshot, TypeUrl } from './snapshot';
import { ProxyParts, SecretSource, translateProxy, TranslationContext } from './translate-proxy';

export interface EnvoyTranslatorOptions {
  /** Certificate material for ACM-backed SDS secrets; without it those secrets are referenced but not served. */
  secrets?: SecretSource;
  /** Keep each resource's readable form (ResourcePool.sourceOf); for tests and golden files. */
  retainSources?: boolean;
}

interface ProxyEntry extends ProxyParts {
  proxy: ProxyIdentity;
  snapshots: Partial<Record<Flavour, ProxySnapshot>>;
  reads: Set<string>;
}

const NO_READS: ReadonlySet<string> = new Set();

export interface UpdateResult {
  /** proxyKey of every proxy whose snapshot (in a flavour already asked for) changed, appeared or went away. */
  changedProxies: Set<string>;
}

export class EnvoyTranslator {
  readonly pool: ResourcePool;
  private readonly fragments = new FragmentCache();
  private ctx?: TranslationContext;
  private configJson?: string;
  private docs = new Map<string, Resource>();
  private readonly entries = new Map<string, ProxyEntry>();
  private readonly readers = new Map<string, Set<string>>();
  private retranslatedSinceCompaction = 0;

  constructor(private readonly options: EnvoyTranslatorOptions = {}) {
    this.pool = new ResourcePool({ retainSources: options.retainSources });
  }

  update(model: MeshModel, config: EnvironmentConfig, endpoints: EndpointSource): UpdateResult {
    const view = new MeshView(model, config, endpoints);
    const configJson = JSON.stringify(config);
    const full = !this.ctx || configJson !== this.configJson;
    const changed = full ? new Set<string>() : this.changedKeys(model, view, endpoints);
    this.ctx = { view, pool: this.pool, fragments: this.fragments, secrets: this.options.secrets, changed: full ? undefined : changed };
    this.configJson = configJson;
    this.docs = new Map(model.resources.map((r) => [r.key, r]));
    if (full) this.fragments.clear();
    else this.fragments.invalidate(changed);

    const changedProxies = new Set<string>();
    const present = new Map<string, ProxyIdentity>();
    for (const r of [...model.list('VirtualNode'), ...model.list('VirtualGateway')]) {
      const proxy: ProxyIdentity = { kind: r.kind as ProxyIdentity['kind'], meshName: r.identity.meshName, name: r.identity.name };
      present.set(proxyKey(proxy), proxy);
    }
    for (const key of [...this.entries.keys()]) {
      if (present.has(key)) continue;
      this.forget(key);
      changedProxies.add(key);
    }
    const affected = new Set<string>();
    if (full) for (const key of present.keys()) affected.add(key);
    else {
      for (const key of changed) for (const reader of this.readers.get(key) ?? []) affected.add(reader);
      for (const key of present.keys()) if (!this.entries.has(key)) affected.add(key);
    }
    for (const key of affected) {
      const proxy = present.get(key);
      if (proxy && this.retranslate(key, proxy)) changedProxies.add(key);
    }
    // Forget unreferenced resources once about as many proxies were re-translated as exist, so a
    // small update does not pay for a walk over every snapshot.
    this.retranslatedSinceCompaction += affected.size;
    if (this.retranslatedSinceCompaction >= this.entries.size) {
      this.pool.retainOnly(this.liveResources());
      this.retranslatedSinceCompaction = 0;
    }
    return { changedProxies };
  }

  /** The proxy's resources in a flavour; undefined for an identity the model does not have. */
  snapshot(proxy: ProxyIdentity, flavour: Flavour): ProxySnapshot | undefined {
    const entry = this.entries.get(proxyKey(proxy));
    if (!entry || !this.ctx) return undefined;
    // The gRPC flavour is built on first request, then kept current like the Envoy one.
    if (!entry.snapshots[flavour]) {
      const before = new Set(entry.reads);
      entry.snapshots[flavour] = this.translate(entry, flavour);
      this.track(entry, before);
    }
    return entry.snapshots[flavour];
  }

  proxies(): ProxyIdentity[] {
    return [...this.entries.values()].map((e) => e.proxy);
  }

  /** Model keys (and children/endpoint keys) whose content differs from the previous update. */
  private changedKeys(model: MeshModel, view: MeshView, endpoints: EndpointSource): Set<string> {
    const changed = new Set<string>();
    const mark = (r: Resource) => {
      changed.add(r.key);
      const parentKind = KIND_INFO[r.kind].parentKind;
      if (parentKind) changed.add(childrenKey(identityKey({ kind: parentKind, meshName: r.identity.meshName, name: r.identity.parentName! })));
    };
    const seen = new Set<string>();
    for (const r of model.resources) {
      seen.add(r.key);
      const before = this.docs.get(r.key);
      if (!before || (before.doc !== r.doc && JSON.stringify(before.doc) !== JSON.stringify(r.doc))) mark(r);
    }
    for (const [key, before] of this.docs) if (!seen.has(key)) mark(before);
    // Endpoints: ask again for every query answered before; a different answer is a change.
    for (const [key, entry] of this.ctx!.view.lookups) {
      const now = endpoints.lookup(entry.query);
      if (JSON.stringify(now) !== JSON.stringify(entry.endpoints)) changed.add(key);
      view.lookups.set(key, { query: entry.query, endpoints: now });
    }
    return changed;
  }

  private translate(entry: ProxyEntry, flavour: Flavour): ProxySnapshot | undefined {
    const { value, reads } = this.ctx!.view.collect(() => translateProxy(this.ctx!, entry.proxy, flavour, entry));
    for (const read of reads) entry.reads.add(read);
    return value;
  }

  /**
   * Brings the readers index in line with the entry's reads, which were `before`: a proxy
   * re-translated usually reads what it read before, so only the difference is indexed.
   */
  private track(entry: ProxyEntry, before: ReadonlySet<string>): void {
    const key = proxyKey(entry.proxy);
    for (const read of before) if (!entry.reads.has(read)) this.readers.get(read)?.delete(key);
    for (const read of entry.reads) {
      if (before.has(read)) continue;
      let readers = this.readers.get(read);
      if (!readers) this.readers.set(read, (readers = new Set()));
      readers.add(key);
    }
  }

  /** Rebuilds every flavour of the proxy that exists; true when any changed. */
  private retranslate(key: string, proxy: ProxyIdentity): boolean {
    const before = this.entries.get(key);
    // Keeps the proxy's own parts: the translation reuses those that read nothing changed.
    const entry: ProxyEntry = { proxy, snapshots: {}, reads: new Set(), ingress: before?.ingress };
    this.entries.set(key, entry);
    const flavours: Flavour[] = before ? (Object.keys(before.snapshots) as Flavour[]) : ['envoy'];
    if (!flavours.includes('envoy')) flavours.push('envoy');
    let differs = !before;
    for (const flavour of flavours) {
      const previous = before?.snapshots[flavour];
      entry.snapshots[flavour] = keepUnchangedTypes(previous, this.translate(entry, flavour));
      if (before && entry.snapshots[flavour] !== previous) differs = true;
    }
    this.track(entry, before?.reads ?? NO_READS);
    return differs;
  }

  private forget(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    for (const read of entry.reads) this.readers.get(read)?.delete(key);
    this.entries.delete(key);
  }

  private *liveResources() {
    for (const entry of this.entries.values()) {
      for (const snapshot of Object.values(entry.snapshots)) {
        if (!snapshot) continue;
        for (const named of snapshot.resources.values()) yield* named.values();
      }
    }
  }
}

/**
 * The new snapshot, holding the previous one's map of each type whose resources are the same (the
 * previous snapshot itself when nothing changed): the xDS streams remember a version per map
 * object, so a type that did not change is not hashed again for every proxy.
 */
function keepUnchangedTypes(previous: ProxySnapshot | undefined, next: ProxySnapshot | undefined): ProxySnapshot | undefined {
  if (!previous || !next) return next;
  const resources = new Map<TypeUrl, ReadonlyMap<string, EncodedResource>>();
  let changed = previous.resources.size !== next.resources.size;
  for (const [type, named] of next.resources) {
    const before = previous.resources.get(type);
    const same = before !== undefined && sameResources(before, named);
    resources.set(type, same ? before : named);
    changed ||= !same;
  }
  return changed ? { ...next, resources } : previous;
}

function sameResources(a: ReadonlyMap<string, EncodedResource>, b: ReadonlyMap<string, EncodedResource>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, resource] of a) if (b.get(name)?.hash !== resource.hash) return false;
  return true;
}

/** Same resources by type and name (identical content is the same pooled object). */
export function sameSnapshot(a: ProxySnapshot | undefined, b: ProxySnapshot | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.resources.size !== b.resources.size) return false;
  for (const [type, named] of a.resources) {
    const other = b.resources.get(type);
    if (!other || !sameResources(named, other)) return false;
  }
  return true;
}
