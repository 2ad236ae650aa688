// One connected proxy stream: who it is, and per resource type what it was sent, what it ACKed and
// what it last rejected. This is the introspection model behind GET /api/proxies.
import { Flavour, ProxyIdentity, ProxySnapshot, TYPE_URLS, TypeUrl, proxyKey } from '../../provider/envoy/snapshot';
import { ClosureGap, closureGaps, closureRoots, SubscribedNames } from './dependency-closure';
import { Held, heldHash, HeldResource, HeldSet } from './held-set';
import { PerType, typeEntries, typeSlot } from './per-type';

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
export type ProxySyncState = 'synced' | 'pending' | 'nacked';

export interface ServedView {
  served(): ProxySnapshot | undefined;
  /** Per type slot (per-type.ts): the stream's state of the type, its subscription and this session's marks. */
  readonly types: PerType<TypeMarks & SubscribedNames>;
}

/** Names of missing resources listed per type in the status (the count is what matters beyond). */
const MAX_MISSING = 3;

/**
 * What the session records of one type: what was sent and ACKed, the last NACK, what the proxy
 * holds. The streams' per-type states extend it, so a proxy costs one object per type, not two.
 * Times are milliseconds since the session started (see sinceConnected).
 */
export class TypeMarks {
  sentVersion: string | undefined = undefined;
  sentAt = 0;
  ackedVersion: string | undefined = undefined;
  ackedAt = 0;
  lastNack: (Omit<NackRecord, 'at'> & { at: number }) | undefined = undefined;
  /**
   * What the proxy ACKed: after a state-of-the-world ACK the very map the stream sent (usually the
   * snapshot's own, shared by every proxy), for delta the stream's view at the ACK.
   */
  held: Held | undefined = undefined;
}

/** Sent, ACKed or NACKed at least once: a type the status lists. */
function marked(marks: TypeMarks): boolean {
  return marks.sentVersion !== undefined || marks.ackedVersion !== undefined || marks.lastNack !== undefined;
}

/** Strings many proxies send alike (user agents): one copy each, in a bounded table. */
const sharedStrings = new Map<string, string>();
const MAX_SHARED_STRINGS = 256;

function shared(text: string): string {
  const known = sharedStrings.get(text);
  if (known !== undefined) return known;
  if (sharedStrings.size < MAX_SHARED_STRINGS) sharedStrings.set(text, text);
  return text;
}

/** One empty list for every proxy that holds all it needs. */
const NO_GAPS: readonly ClosureGap[] = [];

export class ProxySession {
  readonly key: string;
  readonly userAgent: string;
  private readonly connectedAt = Date.now();
  nacksSuppressed = 0;
  /** `type|name|hash` the proxy rejected → its error text (created on the first NACK). */
  private rejected: Map<string, string> | undefined;
  /** The stream, which keeps the per-type marks (set once admitted, before any mark). */
  private view: ServedView | undefined;
  /**
   * The needed resources not held (dependency closure), until anything it reads changes: the sync
   * wait reads every proxy's status on each burst of ACKs, and most proxies did not change.
   */
  private gaps: readonly ClosureGap[] | undefined;

  constructor(
    readonly connectionId: string,
    readonly nodeId: string,
    public proxy: ProxyIdentity,
    readonly flavour: Flavour,
    readonly protocol: Protocol,
    userAgent: string,
    readonly peer: string,
  ) {
    this.key = proxyKey(proxy);
    this.userAgent = shared(userAgent);
  }

  private type(typeUrl: TypeUrl): TypeMarks {
    return this.view!.types[typeSlot(typeUrl)]!;
  }

  private *markedTypes(): IterableIterator<[TypeUrl, TypeMarks]> {
    if (!this.view) return;
    for (const entry of typeEntries(this.view.types)) if (marked(entry[1])) yield entry;
  }

  /**
   * A small integer (stored in the mark itself) for 24 days; an integer-valued double from Date.now()
   * would make V8 keep every mark of every proxy as a boxed number.
   */
  private sinceConnected(): number {
    const ms = Date.now() - this.connectedAt;
    return ms < 2 ** 31 ? ms | 0 : ms;
  }

  private iso(at: number): string {
    return new Date(this.connectedAt + at).toISOString();
  }

  sent(typeUrl: TypeUrl, version: string): void {
    const marks = this.type(typeUrl);
    marks.sentVersion = version;
    marks.sentAt = this.sinceConnected();
  }

  acked(typeUrl: TypeUrl, version: string): void {
    const marks = this.type(typeUrl);
    marks.ackedVersion = version;
    marks.ackedAt = this.sinceConnected();
  }

  nacked(typeUrl: TypeUrl, version: string, error: string, code: number): void {
    this.type(typeUrl).lastNack = { version, error, code, at: this.sinceConnected() };
  }

  /** The stream that serves this proxy (set once admitted, with its first snapshot). */
  serve(view: ServedView): void {
    this.gaps = undefined;
    this.view = view;
    // The translator's identity object of the same proxy: ours is a copy per connection.
    const served = view.served()?.proxy;
    if (served && served.kind === this.proxy.kind && served.meshName === this.proxy.meshName && served.name === this.proxy.name) this.proxy = served;
  }

  /** The proxy ACKed a state-of-the-world response: these are all it holds of the type. Kept by reference; never modified. */
  holdsExactly(typeUrl: TypeUrl, resources: ReadonlyMap<string, HeldResource>): void {
    this.gaps = undefined;
    this.type(typeUrl).held = resources;
  }

  /** The proxy holds what `resources` says (delta: the stream's view when the proxy ACKed); copied. */
  holds(typeUrl: TypeUrl, resources: Held): void {
    this.gaps = undefined;
    this.type(typeUrl).held = resources instanceof HeldSet ? resources.fixed() : resources;
  }

  /** The proxy NACKed a response with these resources: the ones it did not already hold are rejected. */
  rejects(typeUrl: TypeUrl, resources: Iterable<HeldResource>, error: string): void {
    this.gaps = undefined;
    const held = this.type(typeUrl).held;
    for (const { name, hash } of resources) {
      if (heldHash(held, name) !== hash) (this.rejected ??= new Map()).set(`${typeUrl}|${name}|${hash}`, error);
    }
  }

  /** What the stream serves changed: a new snapshot, or a request (subscriptions). */
  changed(): void {
    this.gaps = undefined;
  }

  status(): ProxyStatus {
    const types: ProxyStatus['types'] = {};
    for (const [typeUrl, marks] of this.markedTypes()) {
      const state =
        marks.sentVersion === undefined || marks.ackedVersion === marks.sentVersion
          ? 'synced'
          : marks.lastNack?.version === marks.sentVersion
            ? 'nacked'
            : 'pending';
      types[TYPE_NAMES.get(typeUrl) ?? typeUrl] = {
        typeUrl,
        ...(marks.sentVersion !== undefined ? { sent: { version: marks.sentVersion, at: this.iso(marks.sentAt) } } : {}),
        ...(marks.ackedVersion !== undefined ? { acked: { version: marks.ackedVersion, at: this.iso(marks.ackedAt) } } : {}),
        ...(marks.lastNack ? { lastNack: { ...marks.lastNack, at: this.iso(marks.lastNack.at) } } : {}),
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

  /**
   * Where the proxy stands overall, as status() would show it (nacked if any type is, else pending
   * if any type is): the counts the dashboard samples during a push, without building the status.
   */
  syncState(): ProxySyncState {
    let pending = false;
    for (const [, marks] of this.markedTypes()) {
      if (marks.sentVersion === undefined || marks.ackedVersion === marks.sentVersion) continue;
      if (marks.lastNack?.version === marks.sentVersion) return 'nacked';
      pending = true;
    }
    this.gaps ??= this.closureGaps();
    for (const gap of this.gaps) {
      if (gap.nack !== undefined) return 'nacked';
      pending = true;
    }
    return pending ? 'pending' : 'synced';
  }

  private closureGaps(): readonly ClosureGap[] {
    const snapshot = this.view?.served();
    if (!snapshot || !this.view) return NO_GAPS;
    const types = this.view.types;
    const gaps = closureGaps(snapshot, closureRoots(snapshot, (typeUrl) => types[typeSlot(typeUrl)]), {
      heldHash: (typeUrl, name) => heldHash(types[typeSlot(typeUrl)]?.held, name),
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
