// A protocol-level ADS client built from Envoy's protos: drives the server exactly as a proxy would,
// one request at a time, and exposes every response and the final status.
import * as grpc from '@grpc/grpc-js';
import { AdsClient } from '../../../reconciler/xds/ads-service';
import {
  decodeDeltaDiscoveryResponse,
  decodeDiscoveryResponse,
  DeltaDiscoveryRequest,
  DeltaDiscoveryResponse,
  DiscoveryRequest,
  DiscoveryResponse,
  encodeDeltaDiscoveryRequest,
  encodeDiscoveryRequest,
  NodeInfo,
} from '../../../reconciler/xds/discovery-messages';

type Client = InstanceType<typeof AdsClient>;

export class AdsTestStream<Req, Res> {
  private readonly queue: Res[] = [];
  private waiters: ((response: Res) => void)[] = [];
  readonly status: Promise<grpc.StatusObject>;
  private ended: grpc.StatusObject | undefined;

  constructor(
    private readonly call: grpc.ClientDuplexStream<Buffer, Buffer>,
    private readonly encode: (request: Req) => Buffer,
    decode: (bytes: Buffer) => Res,
  ) {
    call.on('data', (bytes: Buffer) => {
      const response = decode(bytes);
      const waiter = this.waiters.shift();
      if (waiter) waiter(response);
      else this.queue.push(response);
    });
    this.status = new Promise((resolve) => {
      call.on('status', (status: grpc.StatusObject) => {
        this.ended = status;
        resolve(status);
      });
    });
    call.on('error', () => undefined); // the status carries it
  }

  send(request: Req): void {
    this.call.write(this.encode(request));
  }

  /** The next response, or a rejection after `timeoutMs` (or when the stream ends first). */
  next(timeoutMs = 3000): Promise<Res> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no response within ${timeoutMs} ms${this.ended ? ` (stream ended: ${this.ended.code} ${this.ended.details})` : ''}`));
      }, timeoutMs);
      const waiter = (response: Res) => {
        clearTimeout(timer);
        resolve(response);
      };
      this.waiters.push(waiter);
      void this.status.then((status) => {
        if (this.waiters.includes(waiter)) {
          clearTimeout(timer);
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new Error(`stream ended (${status.code}: ${status.details}) before a response`));
        }
      });
    });
  }

  /** Resolves when no response arrives for `ms`; rejects with the unexpected response otherwise. */
  async expectSilence(ms = 300): Promise<void> {
    try {
      const response = await this.next(ms);
      throw Object.assign(new Error(`expected no response, got ${JSON.stringify(summary(response))}`), { unexpected: true });
    } catch (error) {
      if ((error as { unexpected?: boolean }).unexpected) throw error;
    }
  }

  close(): void {
    this.call.end();
  }

  cancel(): void {
    this.call.cancel();
  }
}

function summary(response: unknown): unknown {
  const r = response as Partial<DiscoveryResponse & DeltaDiscoveryResponse>;
  return { type_url: r.type_url, version: r.version_info ?? r.system_version_info, count: r.resources?.length, removed: r.removed_resources };
}

export type SotwStream = AdsTestStream<Partial<DiscoveryRequest>, DiscoveryResponse>;
export type DeltaStream = AdsTestStream<Partial<DeltaDiscoveryRequest>, DeltaDiscoveryResponse>;

export class AdsTestClient {
  private readonly client: Client;

  constructor(address: string, credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure(), options: grpc.ChannelOptions = {}) {
    this.client = new AdsClient(address, credentials, options);
  }

  sotw(metadata = new grpc.Metadata()): SotwStream {
    const call = (this.client as unknown as Record<string, (m: grpc.Metadata) => grpc.ClientDuplexStream<Buffer, Buffer>>).StreamAggregatedResources(metadata);
    return new AdsTestStream(call, encodeDiscoveryRequest, decodeDiscoveryResponse);
  }

  delta(metadata = new grpc.Metadata()): DeltaStream {
    const call = (this.client as unknown as Record<string, (m: grpc.Metadata) => grpc.ClientDuplexStream<Buffer, Buffer>>).DeltaAggregatedResources(metadata);
    return new AdsTestStream(call, encodeDeltaDiscoveryRequest, decodeDeltaDiscoveryResponse);
  }

  close(): void {
    this.client.close();
  }
}

export function envoyNode(id: string): NodeInfo {
  return { id, cluster: id, user_agent_name: 'envoy', user_agent_version: '1.34.13' };
}

export function grpcNode(id: string): NodeInfo {
  return { id, cluster: '', user_agent_name: 'gRPC Node Pure JS', user_agent_version: '1.14.1' };
}

export function bearer(token: string): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}
