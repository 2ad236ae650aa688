// One connected proxy stream: who it is, and per resource type what it was sent, what it ACKed and
// what it last rejected. This is the introspection model behind GET /api/proxies.
import { Flavour, ProxyIdentity, TYPE_URLS, TypeUrl, proxyKey } from '../../provider/envoy/snapshot';

export type Protocol = 'sotw' | 'delta';

export interface VersionMark {
  version: string;
  at: string;
}

export interface NackRecord extends VersionMark {
  /** The proxy's error text (`error_detail.message`). */
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
  /** Per type (short name): sent and ACKed versions, the last NACK; `state` summarises them. */
  types: Record<string, TypeStatus & { typeUrl: TypeUrl; state: 'synced' | 'pending' | 'nacked' }>;
}

export class ProxySession {
  readonly key: string;
  readonly connectedSince = new Date();
  private readonly types = new Map<TypeUrl, TypeStatus>();

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
      types,
    };
  }
}
