// How each proxy's Envoy configuration changes between two revisions: both sides are translated
// with the EnvoyTranslator (Envoy flavour, the one sidecars and gateways receive), every resource
// is decoded from its wire bytes, and resources whose bytes are identical are left out; proxies
// with nothing left are not affected.
import type { EnvironmentConfig } from '../../provider/environment/environment-config';
import { arnResourcePath } from '../../provider/model/identity';
import { MeshModel } from '../../provider/model/mesh-model';
import { Resource } from '../../provider/model/resource';
import { decodeMessage, typeNameOf } from '../../provider/envoy/proto-codec';
import { EncodedResource, EndpointSource, ProxyIdentity, proxyKey, ProxySnapshot, PUSH_ORDER, TypeUrl } from '../../provider/envoy/snapshot';
import { EnvoyTranslator } from '../../provider/envoy/translator';
import { readableEntries, ReadableEntry } from './envoy-readable';
import { ChangeKind, EntryDiff, FactChange, ProxyDiff, ResourceDiff } from './review-types';

/** One side of the comparison; undefined when the environment does not exist on that side. */
export interface EnvoySide {
  config: EnvironmentConfig;
  resources: readonly Resource[];
}

/**
 * A review runs without the endpoint registry: endpoints are a runtime matter, so EDS answers are
 * left out and DNS discovery keeps its DNS clusters, identically on both sides.
 */
const NO_ENDPOINTS: EndpointSource = { lookup: () => undefined };

function translateSide(side: EnvoySide | undefined): Map<string, ProxySnapshot> {
  const snapshots = new Map<string, ProxySnapshot>();
  if (!side) return snapshots;
  const translator = new EnvoyTranslator();
  translator.update(new MeshModel(side.resources), side.config, NO_ENDPOINTS);
  for (const proxy of translator.proxies()) {
    const snapshot = translator.snapshot(proxy, 'envoy');
    if (snapshot) snapshots.set(proxyKey(proxy), snapshot);
  }
  return snapshots;
}

/** Proxies whose Envoy resources differ between base and head, sorted by id, each with its changed resources only. */
export function diffProxies(base: EnvoySide | undefined, head: EnvoySide | undefined): ProxyDiff[] {
  const before = translateSide(base);
  const after = translateSide(head);
  const out: ProxyDiff[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(key);
    const a = after.get(key);
    const proxy = (a ?? b)!.proxy;
    const resources = diffSnapshots(b, a);
    if (resources.length === 0) continue;
    out.push({ proxy, id: proxyId(proxy), change: !b ? 'added' : !a ? 'removed' : 'changed', resources });
  }
  return out.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}

export function proxyId(proxy: ProxyIdentity): string {
  return arnResourcePath({ kind: proxy.kind, meshName: proxy.meshName, name: proxy.name });
}

function diffSnapshots(before: ProxySnapshot | undefined, after: ProxySnapshot | undefined): ResourceDiff[] {
  const out: ResourceDiff[] = [];
  for (const typeUrl of PUSH_ORDER) {
    const b = before?.resources.get(typeUrl) ?? new Map<string, EncodedResource>();
    const a = after?.resources.get(typeUrl) ?? new Map<string, EncodedResource>();
    const names = [...new Set([...b.keys(), ...a.keys()])].sort();
    for (const name of names) {
      const diff = diffResource(typeUrl, name, b.get(name), a.get(name));
      if (diff) out.push(diff);
    }
  }
  return out;
}

function decoded(typeUrl: TypeUrl, resource: EncodedResource | undefined): ReadableEntry[] | undefined {
  return resource && readableEntries(typeNameOf(typeUrl).split('.').pop()!, decodeMessage(typeUrl, resource.bytes));
}

export function diffResource(typeUrl: TypeUrl, name: string, before: EncodedResource | undefined, after: EncodedResource | undefined): ResourceDiff | undefined {
  if (before && after && before.hash === after.hash) return undefined;
  const b = decoded(typeUrl, before);
  const a = decoded(typeUrl, after);
  const change: ChangeKind = !b ? 'added' : !a ? 'removed' : 'changed';
  const entries = diffEntries(b ?? [], a ?? []);
  // Different bytes with equal readable forms (field order on the wire) is no change to review.
  if (change === 'changed' && entries.length === 0) return undefined;
  return { type: typeNameOf(typeUrl).split('.').pop()!, name, change, entries };
}

function diffEntries(before: ReadableEntry[], after: ReadableEntry[]): EntryDiff[] {
  const old = new Map(before.map((e) => [e.label, e]));
  const seen = new Set<string>();
  const out: EntryDiff[] = [];
  for (const entry of after) {
    seen.add(entry.label);
    const previous = old.get(entry.label);
    if (!previous) {
      out.push({ label: entry.label, change: 'added', headline: entry.headline, facts: [] });
      continue;
    }
    const facts = diffFacts(previous.facts, entry.facts);
    if (facts.length > 0) out.push({ label: entry.label, change: 'changed', headline: entry.headline, facts });
  }
  for (const entry of before) if (!seen.has(entry.label)) out.push({ label: entry.label, change: 'removed', headline: entry.headline, facts: [] });
  return out;
}

function diffFacts(before: Map<string, string>, after: Map<string, string>): FactChange[] {
  const out: FactChange[] = [];
  for (const [field, value] of after) {
    const previous = before.get(field);
    if (previous === undefined) out.push({ field, after: value });
    else if (previous !== value) out.push({ field, before: previous, after: value });
  }
  for (const [field, value] of before) if (!after.has(field)) out.push({ field, before: value });
  return out;
}
