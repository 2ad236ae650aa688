// One connected proxy stream: who it is, and per resource type what it was sent, what it ACKed and
// what it last rejected. This is the introspection model behind GET /api/proxies.
import { Flavour, ProxyIdentity, ProxySnapshot, TYPE_URLS, TypeUrl, proxyKey } from '../../provider/envoy/snapshot';
import { ClosureGap, closureGaps, closureRoots, SubscribedNames } from './dependency-closure';

export type Protocol = 'sotw' | 'delta';

export interface VersionMark {
  version: string;
  at: string;
}

export interface NackRecord extends VersionMark {
  /** The proxy's error text (`error_detail.message`), at most 4 KiB. */
  error: string;
  code: number;
}

export interface TypeStatus {
  sent?: VersionMark;
  acked?: VersionMark;
  lastNack?: NackRecord;
}

/** Short names of the type URLs (`listener`, `cluster`, …), used as keys in the introspection JSON. */
export const TYPE_NAMES = new Map<TypeUrl, keyof typeof TYPE_URLS>(
  Object.entries(TYPE_URLS).map(([name, url]) => [url, name as keyof typeof TYPE_URLS]),
);

export interface ProxyStatus {
  connectionId: string;
  nodeId: string;
  identity: string;
  kind: ProxyIdentity['kind'];
  meshName: string;
  name: string;
  flavour: Flavour;
  protocol: Protocol;
  userAgent: string;
  peer: string;
  connectedSince: string;
  /** NACKs of this stream beyond its reporting budget (xds.limits.nacksPerMinute): counted, not logged. */
  nacksSuppressed?: number;
  /**
   * Per type (short name): sent and ACKed versions, the last NACK; `state` summarises them and the
   * dependency closure: a type is pending (or nacked) while a resource of it that the proxy's
   * listeners, routes or clusters need is not ACKed at the served content (or was rejected).
   */
  types: Record<string, TypeStatus & { typeUrl: TypeUrl; state: 'synced' | 'pending' | 'nacked'; missing?: string[] }>;
}

/** What a stream serves its proxy: the snapshot and the subscriptions, for the dependency closure. */
export interface ServedView {
  served(): ProxySnapshot | undefined;
  subscription(typeUrl: TypeUrl): SubscribedNames | undefined;
}

/** A resource as the proxy holds it. */
export interface HeldResource {
  name: string;
  hash: string;
}

/** Names of missing resources listed per type in the status (the count is what matters beyond). */
const MAX_MISSING = 3;

/** A version with the time in epoch milliseconds: a number per mark instead of an ISO string (10,000 proxies × types × marks). */
interface Mark {
  version: string;
  at: number;
}

interface TypeMarks {
  sent?: Mark;
  acked?: Mark;
  lastNack?: Omit<NackRecord, 'at'> & { at: number };
}

/** One empty list for every proxy that holds all it needs. */
const NO_GAPS: readonly ClosureGap[] = [];

const iso = (mark: { at: number }) => new Date(mark.at).toISOString();

export class ProxySession {
  readonly key: string;
  private readonly connectedAt = Date.now();
  nacksSuppressed = 0;
  private readonly types = new Map<TypeUrl, TypeMarks>();
  /**
   * Per type, name → what the proxy ACKed (its content hash). After a state-of-the-world ACK this is
   * the very map the stream sent — usually the snapshot's own, shared by every proxy — not a copy;
   * a delta ACK on top of it copies it first (`owned`).
   */
  private readonly held = new Map<TypeUrl, ReadonlyMap<string, HeldResource>>();
  private readonly owned = new Set<TypeUrl>();
  /** `type|name|hash` the proxy rejected → its error text (created on the first NACK). */
  private rejected: Map<string, string> | undefined;
  private view: ServedView | undefined;
  /**
   * The needed resources not held (dependency closure), until anything it reads changes: the sync
   * wait reads every proxy's status on each burst of ACKs, and most proxies did not change.
   */
  private gaps: readonly ClosureGap[] | undefined;

  constructor(
    readonly connectionId: string,
    readonly nodeId: string,
    readonly proxy: ProxyIdentity,
    readonly flavour: Flavour,
    readonly protocol: Protocol,
    readonly userAgent: string,
    readonly peer: string,
  ) {
    this.key = proxyKey(proxy);
  }

  private type(typeUrl: TypeUrl): TypeMarks {
    let status = this.types.get(typeUrl);
    if (!status) {
      status = {};
      this.types.set(typeUrl, status);
    }
    return status;
  }

  sent(typeUrl: TypeUrl, version: string): void {
    this.type(typeUrl).sent = { version, at: Date.now() };
  }

  acked(typeUrl: TypeUrl, version: string): void {
    this.type(typeUrl).acked = { version, at: Date.now() };
  }

  nacked(typeUrl: TypeUrl, version: string, error: string, code: number): void {
    this.type(typeUrl).lastNack = { version, error, code, at: Date.now() };
  }

  /** The stream that serves this proxy (set once admitted). */
  serve(view: ServedView): void {
    this.gaps = undefined;
    this.view = view;
  }

  /** The proxy ACKed a state-of-the-world response: these are all it holds of the type. Kept by reference; never modified. */
  holdsExactly(typeUrl: TypeUrl, resources: ReadonlyMap<string, HeldResource>): void {
    this.gaps = undefined;
    this.held.set(typeUrl, resources);
    this.owned.delete(typeUrl);
  }

  /** The proxy ACKed these resources (delta), on top of what it held. */
  holds(typeUrl: TypeUrl, resources: Iterable<HeldResource>): void {
    const held = this.ownHeld(typeUrl);
    for (const resource of resources) held.set(resource.name, resource);
  }

  /** The proxy ACKed the removal of these resources. */
  drops(typeUrl: TypeUrl, names: Iterable<string>): void {
    if (!this.held.has(typeUrl)) return;
    const held = this.ownHeld(typeUrl);
    for (const name of names) held.delete(name);
  }

  private ownHeld(typeUrl: TypeUrl): Map<string, HeldResource> {
    this.gaps = undefined;
    const current = this.held.get(typeUrl);
    if (current && this.owned.has(typeUrl)) return current as Map<string, HeldResource>;
    const copy = new Map(current);
    this.held.set(typeUrl, copy);
    this.owned.add(typeUrl);
    return copy;
  }

  /** The proxy NACKed a response with these resources: the ones it did not already hold are rejected. */
  rejects(typeUrl: TypeUrl, resources: Iterable<HeldResource>, error: string): void {
    this.gaps = undefined;
    const held = this.held.get(typeUrl);
    for (const { name, hash } of resources) {
      if (held?.get(name)?.hash !== hash) (this.rejected ??= new Map()).set(`${typeUrl}|${name}|${hash}`, error);
    }
  }

  /** What the stream serves changed: a new snapshot, or a request (subscriptions). */
  changed(): void {
    this.gaps = undefined;
  }

  /** The version the proxy runs for a type (its last ACK), if any. */
  ackedVersion(typeUrl: TypeUrl): string | undefined {
    return this.types.get(typeUrl)?.acked?.version;
  }

  status(): ProxyStatus {
    const types: ProxyStatus['types'] = {};
    for (const [typeUrl, status] of this.types) {
      const state =
        status.sent === undefined || status.acked?.version === status.sent.version
          ? 'synced'
          : status.lastNack?.version === status.sent.version
            ? 'nacked'
            : 'pending';
      types[TYPE_NAMES.get(typeUrl) ?? typeUrl] = {
        typeUrl,
        ...(status.sent ? { sent: { version: status.sent.version, at: iso(status.sent) } } : {}),
        ...(status.acked ? { acked: { version: status.acked.version, at: iso(status.acked) } } : {}),
        ...(status.lastNack ? { lastNack: { ...status.lastNack, at: iso(status.lastNack) } } : {}),
        state,
      };
    }
    this.foldClosure(types);
    return {
      connectionId: this.connectionId,
      nodeId: this.nodeId,
      identity: this.key,
      kind: this.proxy.kind,
      meshName: this.proxy.meshName,
      name: this.proxy.name,
      flavour: this.flavour,
      protocol: this.protocol,
      userAgent: this.userAgent,
      peer: this.peer,
      connectedSince: new Date(this.connectedAt).toISOString(),
      nacksSuppressed: this.nacksSuppressed,
      types,
    };
  }

  private closureGaps(): readonly ClosureGap[] {
    const snapshot = this.view?.served();
    if (!snapshot || !this.view) return NO_GAPS;
    const view = this.view;
    const gaps = closureGaps(snapshot, closureRoots(snapshot, (typeUrl) => view.subscription(typeUrl)), {
      heldHash: (typeUrl, name) => this.held.get(typeUrl)?.get(name)?.hash,
      rejection: (typeUrl, name, hash) => this.rejected?.get(`${typeUrl}|${name}|${hash}`),
    });
    return gaps.length > 0 ? gaps : NO_GAPS;
  }

  /** Marks the types with needed resources the proxy does not hold (yet) as pending, or nacked if it rejected them. */
  private foldClosure(types: ProxyStatus['types']): void {
    this.gaps ??= this.closureGaps();
    for (const gap of this.gaps) {
      const key = TYPE_NAMES.get(gap.typeUrl) ?? gap.typeUrl;
      const type = (types[key] ??= { typeUrl: gap.typeUrl, state: 'pending' });
      if (gap.nack !== undefined) {
        type.state = 'nacked';
        type.lastNack ??= { version: type.sent?.version ?? '', error: gap.nack, code: 0, at: new Date().toISOString() };
      } else if (type.state === 'synced') type.state = 'pending';
      type.missing ??= [];
      if (type.missing.length < MAX_MISSING) type.missing.push(gap.name);
    }
  }
}
