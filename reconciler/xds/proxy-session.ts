// One connected proxy stream: who it is, and per resource type what it was sent, what it ACKed and
// what it last rejected. This is the introspection model behind GET /api/proxies.
import { Flavour, ProxyIdentity, ProxySnapshot, TYPE_URLS, TypeUrl, proxyKey } from '../../provider/envoy/snapshot';
import { closureGaps, closureRoots, SubscribedNames } from './dependency-closure';

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
  snapshot(): ProxySnapshot | undefined;
  subscription(typeUrl: TypeUrl): SubscribedNames | undefined;
}

/** A resource as the proxy holds it. */
export interface HeldResource {
  name: string;
  hash: string;
}

/** Names of missing resources listed per type in the status (the count is what matters beyond). */
const MAX_MISSING = 3;

export class ProxySession {
  readonly key: string;
  readonly connectedSince = new Date();
  nacksSuppressed = 0;
  private readonly types = new Map<TypeUrl, TypeStatus>();
  /** Per type, name → content hash of what the proxy ACKed. */
  private readonly held = new Map<TypeUrl, Map<string, string>>();
  /** `type|name|hash` the proxy rejected → its error text. */
  private readonly rejected = new Map<string, string>();
  private view: ServedView | undefined;

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

  private type(typeUrl: TypeUrl): TypeStatus {
    let status = this.types.get(typeUrl);
    if (!status) {
      status = {};
      this.types.set(typeUrl, status);
    }
    return status;
  }

  sent(typeUrl: TypeUrl, version: string): void {
    this.type(typeUrl).sent = { version, at: new Date().toISOString() };
  }

  acked(typeUrl: TypeUrl, version: string): void {
    this.type(typeUrl).acked = { version, at: new Date().toISOString() };
  }

  nacked(typeUrl: TypeUrl, version: string, error: string, code: number): void {
    this.type(typeUrl).lastNack = { version, error, code, at: new Date().toISOString() };
  }

  /** The stream that serves this proxy (set once admitted). */
  serve(view: ServedView): void {
    this.view = view;
  }

  /** The proxy ACKed these resources; `complete`: they are all it holds of the type (a SotW response). */
  holds(typeUrl: TypeUrl, resources: Iterable<HeldResource>, complete: boolean): void {
    let held = this.held.get(typeUrl);
    if (!held || complete) this.held.set(typeUrl, (held = new Map()));
    for (const { name, hash } of resources) held.set(name, hash);
  }

  /** The proxy ACKed the removal of these resources. */
  drops(typeUrl: TypeUrl, names: Iterable<string>): void {
    const held = this.held.get(typeUrl);
    for (const name of names) held?.delete(name);
  }

  /** The proxy NACKed a response with these resources: the ones it did not already hold are rejected. */
  rejects(typeUrl: TypeUrl, resources: Iterable<HeldResource>, error: string): void {
    const held = this.held.get(typeUrl);
    for (const { name, hash } of resources) if (held?.get(name) !== hash) this.rejected.set(`${typeUrl}|${name}|${hash}`, error);
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
      types[TYPE_NAMES.get(typeUrl) ?? typeUrl] = { typeUrl, ...status, state };
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
      connectedSince: this.connectedSince.toISOString(),
      nacksSuppressed: this.nacksSuppressed,
      types,
    };
  }

  /** Marks the types with needed resources the proxy does not hold (yet) as pending, or nacked if it rejected them. */
  private foldClosure(types: ProxyStatus['types']): void {
    const snapshot = this.view?.snapshot();
    if (!snapshot || !this.view) return;
    const view = this.view;
    const gaps = closureGaps(snapshot, closureRoots(snapshot, (typeUrl) => view.subscription(typeUrl)), {
      heldHash: (typeUrl, name) => this.held.get(typeUrl)?.get(name),
      rejection: (typeUrl, name, hash) => this.rejected.get(`${typeUrl}|${name}|${hash}`),
    });
    for (const gap of gaps) {
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
