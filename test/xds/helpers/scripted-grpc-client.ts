// A protocol-level proxyless gRPC client: it follows LDS → RDS → CDS → EDS as gRPC does (asking
// for each resource once the one naming it is accepted), over state-of-the-world or delta ADS, and
// can be told to reject (NACK) responses or never to ask for some names. For sync tests.
import { decodeMessage, Json } from '../../../provider/envoy/proto-codec';
import { TYPE_URLS, TypeUrl } from '../../../provider/envoy/snapshot';
import { AdsTestClient, DeltaStream, grpcNode, SotwStream } from './ads-client';

export interface ClientScript {
  /** The NACK's error text for a response carrying these resources, or undefined to ACK it. */
  reject?(typeUrl: TypeUrl, resources: ReadonlyMap<string, Json>): string | undefined;
  /** Whether to ask for a resource at all (default: everything the accepted resources name). */
  asks?(typeUrl: TypeUrl, name: string): boolean;
}

interface TypeState {
  accepted: Map<string, Json>;
  subscribed: Set<string>;
  version: string;
  nonce: string;
}

const CHAIN: [TypeUrl, TypeUrl][] = [
  [TYPE_URLS.listener, TYPE_URLS.routeConfiguration],
  [TYPE_URLS.routeConfiguration, TYPE_URLS.cluster],
  [TYPE_URLS.cluster, TYPE_URLS.clusterLoadAssignment],
];

export class ScriptedGrpcClient {
  private readonly client: AdsTestClient;
  private readonly stream: SotwStream | DeltaStream;
  private readonly types = new Map<TypeUrl, TypeState>();
  private stopped = false;
  /** Every NACK sent, as `type name…: error`. */
  readonly nacks: string[] = [];

  constructor(
    address: string,
    nodeId: string,
    private readonly protocol: 'sotw' | 'delta',
    listener: string,
    private readonly script: ClientScript = {},
  ) {
    this.client = new AdsTestClient(address);
    this.stream = protocol === 'sotw' ? this.client.sotw() : this.client.delta();
    const node = grpcNode(nodeId);
    this.state(TYPE_URLS.listener).subscribed.add(listener);
    if (protocol === 'sotw') (this.stream as SotwStream).send({ node, type_url: TYPE_URLS.listener, resource_names: [listener] });
    else (this.stream as DeltaStream).send({ node, type_url: TYPE_URLS.listener, resource_names_subscribe: [listener] });
    void this.run();
  }

  /** What the client runs: accepted resource names by type. */
  accepted(typeUrl: TypeUrl): string[] {
    return [...(this.types.get(typeUrl)?.accepted.keys() ?? [])];
  }

  /** An accepted resource, decoded. */
  value(typeUrl: TypeUrl, name: string): Json | undefined {
    return this.types.get(typeUrl)?.accepted.get(name);
  }

  stop(): void {
    this.stopped = true;
    this.stream.cancel();
    this.client.close();
  }

  private state(typeUrl: TypeUrl): TypeState {
    let state = this.types.get(typeUrl);
    if (!state) this.types.set(typeUrl, (state = { accepted: new Map(), subscribed: new Set(), version: '', nonce: '' }));
    return state;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let response;
      try {
        response = await this.stream.next(60_000);
      } catch {
        if (this.stopped) return;
        continue;
      }
      if (this.protocol === 'sotw') this.onSotw(response as Awaited<ReturnType<SotwStream['next']>>);
      else this.onDelta(response as Awaited<ReturnType<DeltaStream['next']>>);
    }
  }

  private onSotw(response: Awaited<ReturnType<SotwStream['next']>>): void {
    const typeUrl = response.type_url as TypeUrl;
    const state = this.state(typeUrl);
    const resources = new Map(response.resources.map((r) => decoded(typeUrl, r.value)));
    const error = this.script.reject?.(typeUrl, resources);
    state.nonce = response.nonce;
    const stream = this.stream as SotwStream;
    if (error !== undefined) {
      this.nacks.push(`${typeUrl} ${[...resources.keys()].join(',')}: ${error}`);
      stream.send({ type_url: typeUrl, version_info: state.version, response_nonce: response.nonce, resource_names: [...state.subscribed], error_detail: { code: 3, message: error } });
      return;
    }
    state.accepted = resources;
    state.version = response.version_info;
    stream.send({ type_url: typeUrl, version_info: state.version, response_nonce: response.nonce, resource_names: [...state.subscribed] });
    this.follow(typeUrl);
  }

  private onDelta(response: Awaited<ReturnType<DeltaStream['next']>>): void {
    const typeUrl = response.type_url as TypeUrl;
    const state = this.state(typeUrl);
    const resources = new Map(response.resources.flatMap((r) => (r.resource ? [decoded(typeUrl, r.resource.value)] : [])));
    const error = this.script.reject?.(typeUrl, resources);
    const stream = this.stream as DeltaStream;
    if (error !== undefined) {
      this.nacks.push(`${typeUrl} ${[...resources.keys()].join(',')}: ${error}`);
      stream.send({ type_url: typeUrl, response_nonce: response.nonce, error_detail: { code: 3, message: error } });
      return;
    }
    for (const [name, value] of resources) state.accepted.set(name, value);
    for (const name of response.removed_resources) state.accepted.delete(name);
    stream.send({ type_url: typeUrl, response_nonce: response.nonce });
    this.follow(typeUrl);
  }

  /** Asks for what the accepted resources of `typeUrl` name, and stops asking for what they no longer name. */
  private follow(typeUrl: TypeUrl): void {
    const link = CHAIN.find(([from]) => from === typeUrl);
    if (!link) return;
    const next = link[1];
    const wanted = new Set([...this.state(typeUrl).accepted.values()].flatMap((value) => named(typeUrl, value)).filter((name) => this.script.asks?.(next, name) ?? true));
    const state = this.state(next);
    const added = [...wanted].filter((name) => !state.subscribed.has(name));
    const removed = [...state.subscribed].filter((name) => !wanted.has(name));
    if (added.length === 0 && removed.length === 0) return;
    state.subscribed = wanted;
    if (this.protocol === 'sotw') {
      (this.stream as SotwStream).send({ type_url: next, version_info: state.version, response_nonce: state.nonce, resource_names: [...wanted] });
    } else {
      (this.stream as DeltaStream).send({ type_url: next, resource_names_subscribe: added, resource_names_unsubscribe: removed });
    }
  }
}

function decoded(typeUrl: TypeUrl, bytes: Uint8Array): [string, Json] {
  const value = decodeMessage(typeUrl, bytes);
  return [String(typeUrl === TYPE_URLS.clusterLoadAssignment ? value.cluster_name : value.name), value];
}

/** The names a resource makes a gRPC client ask for next (gRFC A27/A28). */
function named(typeUrl: TypeUrl, value: Json): string[] {
  const at = (object: unknown, ...path: string[]): unknown => path.reduce<unknown>((o, key) => (o as Json | undefined)?.[key], object);
  if (typeUrl === TYPE_URLS.listener) return [String(at(value, 'api_listener', 'api_listener', 'rds', 'route_config_name'))];
  if (typeUrl === TYPE_URLS.routeConfiguration) {
    const routes = ((value.virtual_hosts as Json[] | undefined) ?? []).flatMap((host) => (host.routes as Json[] | undefined) ?? []);
    return routes.flatMap((route) => {
      const cluster = at(route, 'route', 'cluster');
      const weighted = (at(route, 'route', 'weighted_clusters', 'clusters') as Json[] | undefined) ?? [];
      return typeof cluster === 'string' ? [cluster] : weighted.map((c) => String(c.name));
    });
  }
  if (typeUrl === TYPE_URLS.cluster && value.type === 'EDS') return [String(at(value, 'eds_cluster_config', 'service_name') || value.name)];
  return [];
}
