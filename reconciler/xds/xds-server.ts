// The xDS management server: ADS (state of the world and delta) for Envoy and proxyless gRPC clients,
// with proxy identity, authorization, limits, ACK/NACK tracking and graceful shutdown.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import type { status } from '@grpc/grpc-js';
import { Flavour, ProxyIdentity, ProxySnapshot, TYPE_URLS, TypeUrl } from '../../provider/envoy/snapshot';
import { ConnectionGate, ConnectionGateCounts } from '../http/connection-gate';
import { capByOpenFiles } from '../http/open-files-limit';
import { ADS_METHOD_PATHS } from './ads-service';
import { DeltaStream } from './delta-stream';
import { NodeInfo } from './discovery-messages';
import { XdsStreamError, xdsErrors } from './errors';
import { GrpcCall } from './grpc/grpc-call';
import { GrpcServer, XdsTls } from './grpc/grpc-server';
import { DEFAULT_KEEPALIVE } from './grpc/keepalive';
import { ProxyAuthenticator } from './proxy-auth';
import { describeProxy, parseNodeId } from './proxy-identity';
import { Protocol, ProxySession, ProxyStatus, ProxySyncState } from './proxy-session';
import { SnapshotSource } from './snapshot-source';
import { SotwStream } from './sotw-stream';
import { AdsStream, StreamHost } from './stream-host';
import { v2Refusal } from './v2-services';
import { DEFAULT_STREAM_LIMITS, StreamLimits } from './stream-limits';

export interface XdsServerOptions {
  source: SnapshotSource;
  /** Proxy authorization; none means any proxy may stream any known identity. */
  authenticator?: ProxyAuthenticator;
  /** Full-ARN node ids must name this partition, region and account. */
  arnScope?: { partition: string; region: string; account: string };
  /** Connected proxies allowed per identity (App Mesh's default quota is 50); new ones beyond get RESOURCE_EXHAUSTED. */
  proxyLimit?: number | ((proxy: ProxyIdentity) => number | undefined);
  /** Connected proxies allowed in total. */
  maxProxies?: number;
  /** Largest message accepted from or sent to a proxy (bytes). */
  maxMessageBytes?: number;
  /** HTTP/2 keepalive pings to detect dead proxies. */
  keepalive?: { timeMs: number; timeoutMs: number };
  /** Concurrent streams per HTTP/2 connection. */
  maxConcurrentStreams?: number;
  /** TLS / mTLS; insecure (plaintext) by default. */
  tls?: XdsTls;
  /** TCP connections held at once (default 10,000; lowered to what the open-files limit affords). */
  maxConnections?: number;
  /** The share of the process's open-files budget the xDS port may take (default half: the daemon's HTTP port takes a quarter). */
  openFilesShare?: number;
  /** Per-stream bounds: subscriptions, name length, NACK reporting, idle timeout (also for connections without a stream). */
  limits?: Partial<StreamLimits>;
  /** Problems that do not stop the server: a lowered connection cap, accept failures (EMFILE). */
  warn?: (message: string, fields?: Record<string, unknown>) => void;
}

/** A stream refused or closed, or established: the audit record App Mesh wrote to CloudTrail. */
export interface StreamEvent {
  event: 'ConnectionEstablished' | 'ConnectionRefused' | 'ConnectionClosed';
  connectionId: string;
  nodeId: string;
  peer: string;
  code?: status;
  failureReason?: string;
}

export interface XdsServerEvents {
  stream: [StreamEvent];
  ack: [ProxySession, TypeUrl, string];
  /** A NACK within its stream's budget; the number is how many were counted but not reported before it. */
  nack: [ProxySession, TypeUrl, string, string, number];
}

export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_CONNECTIONS = 10_000;
const DEFAULT_OPEN_FILES_SHARE = 0.5;
const CONNECTION_IDLE_GRACE_MS = 1_000;

export class XdsServer extends EventEmitter<XdsServerEvents> {
  private readonly grpcServer: GrpcServer;
  private readonly streams = new Set<AdsStream>();
  /** The streams of each proxy identity: usually one, so an array (a Set's table per proxy costs more). */
  private readonly byProxy = new Map<string, AdsStream[]>();
  private readonly unsubscribe: () => void;
  private readonly host: StreamHost;
  private readonly gate: ConnectionGate;
  private readonly tcpListeners: net.Server[] = [];
  private stopping = false;

  constructor(private readonly options: XdsServerOptions) {
    super();
    // Unset (undefined) limits keep their defaults.
    const limits = { ...DEFAULT_STREAM_LIMITS, ...Object.fromEntries(Object.entries(options.limits ?? {}).filter(([, value]) => value !== undefined)) };
    this.host = this.streamHost(limits);
    const requested = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    const { cap, lowered, limit } = capByOpenFiles(requested, options.openFilesShare ?? DEFAULT_OPEN_FILES_SHARE);
    if (lowered) this.warn(`xDS connection cap lowered from ${requested} to ${cap}: the process may open only ${limit} files; raise it (ulimit -n) to allow more`, { limit, cap });
    // A connection outlives its streams' idle timeout by a little, so a silent stream is closed with its own message.
    const connectionIdleMs = limits.idleTimeoutMs > 0 ? limits.idleTimeoutMs + CONNECTION_IDLE_GRACE_MS : 0;
    this.gate = new ConnectionGate({ maxConnections: cap, idleTimeoutMs: connectionIdleMs });
    const maxMessage = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.grpcServer = new GrpcServer({
      maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      maxConcurrentStreams: options.maxConcurrentStreams,
      keepalive: options.keepalive ?? DEFAULT_KEEPALIVE,
      tls: options.tls,
      unknownMethod: (path) => v2Refusal(path) ?? xdsErrors.unknownMethod(path),
    });
    this.grpcServer.handle(ADS_METHOD_PATHS.sotw, (call) => this.open((host, connectionId) => new SotwStream(call, host, connectionId)));
    this.grpcServer.handle(ADS_METHOD_PATHS.delta, (call) => this.open((host, connectionId) => new DeltaStream(call, host, connectionId)));
    this.unsubscribe = options.source.subscribe((changed) => this.onChange(changed));
  }

  /**
   * Binds `host:port` (port 0 picks a free one) and returns the bound port. Every connection passes
   * the ConnectionGate (cap, idle timeout) before the gRPC server sees it.
   */
  listen(address: string): Promise<number> {
    const match = /^\[?([^\]]*?)\]?:(\d{1,5})$/.exec(address);
    if (!match) return Promise.reject(new Error(`"${address}" is not host:port`));
    const listener = net.createServer((socket) => {
      if (this.gate.admit(socket)) this.grpcServer.inject(socket);
    });
    this.tcpListeners.push(listener);
    return new Promise((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(Number(match[2]), match[1], () => {
        listener.off('error', reject);
        // An accept failure (EMFILE, ENFILE) is reported; the server keeps serving its streams.
        listener.on('error', (error: NodeJS.ErrnoException) => this.warn(`xDS listener: ${error.message}`, { code: error.code }));
        resolve((listener.address() as net.AddressInfo).port);
      });
    });
  }

  /** Connections held, and how many were refused, evicted or timed out (GET /api/proxies, metrics). */
  connections(): ConnectionGateCounts {
    return this.gate.status();
  }

  /** Connected proxies, for GET /api/proxies and the sync status. */
  proxies(): ProxyStatus[] {
    const statuses: ProxyStatus[] = [];
    for (const stream of this.streams) if (stream.session) statuses.push(stream.session.status());
    return statuses.sort((a, b) => a.identity.localeCompare(b.identity) || a.connectedSince.localeCompare(b.connectedSince));
  }

  /** Each connected proxy and where it stands overall (ProxySession.syncState), without building statuses. */
  syncStates(): { proxy: ProxyIdentity; state: ProxySyncState }[] {
    const states: { proxy: ProxyIdentity; state: ProxySyncState }[] = [];
    for (const stream of this.streams) if (stream.session) states.push({ proxy: stream.session.proxy, state: stream.session.syncState() });
    return states;
  }

  /**
   * Graceful shutdown: streams end with OK (proxies reconnect elsewhere and keep their config),
   * new streams are refused; after `graceMs` whatever is left is cut.
   */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.unsubscribe();
    for (const listener of this.tcpListeners) listener.close();
    for (const stream of [...this.streams]) stream.close();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.grpcServer.forceShutdown();
        this.gate.closeAll();
        resolve();
      }, graceMs);
      timer.unref();
      void this.grpcServer.shutdown().then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private open(create: (host: StreamHost, connectionId: string) => AdsStream): void {
    const stream = create(this.host, randomBytes(8).toString('hex'));
    this.streams.add(stream);
    if (this.stopping) stream.close(xdsErrors.shuttingDown());
  }

  private onChange(changed: ReadonlySet<string>): void {
    for (const key of changed) {
      const streams = this.byProxy.get(key);
      if (!streams) continue;
      for (const stream of streams.slice()) {
        const session = stream.session!;
        if (!this.options.source.knows(session.proxy)) stream.close(xdsErrors.proxyRemoved(session.nodeId, describeProxy(session.proxy)));
        else stream.push();
      }
    }
  }

  private warn(message: string, fields?: Record<string, unknown>): void {
    this.options.warn?.(message, fields);
  }

  /** What the streams ask of this server. */
  private streamHost(limits: StreamLimits): StreamHost {
    return {
      limits,
      admit: (stream, node, protocol, typeUrl, names) => {
        const { call, connectionId } = stream;
        const nodeId = node?.id ?? '';
        try {
          const session = this.admit(stream, call, connectionId, node, protocol, typeUrl, names);
          // An admitted stream makes its connection busy: no longer idle, not evicted at the cap.
          this.gate.busy(session.peer);
          this.emit('stream', { event: 'ConnectionEstablished', connectionId, nodeId, peer: call.peer });
          return session;
        } catch (error) {
          if (error instanceof XdsStreamError) {
            this.emit('stream', { event: 'ConnectionRefused', connectionId, nodeId, peer: call.peer, code: error.code, failureReason: error.message });
          }
          throw error;
        }
      },
      snapshot: (session: ProxySession): ProxySnapshot | undefined => this.options.source.snapshot(session.proxy, session.flavour),
      acked: (session, typeUrl, version) => {
        session.acked(typeUrl, version);
        this.emit('ack', session, typeUrl, version);
      },
      nacked: (session, typeUrl, version, error, _code, suppressedBefore) => {
        this.emit('nack', session, typeUrl, version, error, suppressedBefore);
      },
      release: (stream) => {
        this.streams.delete(stream);
        const session = stream.session;
        if (!session) return;
        this.gate.done(session.peer);
        const streams = this.byProxy.get(session.key)?.filter((other) => other !== stream);
        if (streams?.length) this.byProxy.set(session.key, streams);
        else this.byProxy.delete(session.key);
        this.emit('stream', { event: 'ConnectionClosed', connectionId: session.connectionId, nodeId: session.nodeId, peer: session.peer });
      },
    };
  }

  private admit(
    stream: AdsStream,
    call: GrpcCall,
    connectionId: string,
    node: NodeInfo | null,
    protocol: Protocol,
    typeUrl: string,
    names: readonly string[],
  ): ProxySession {
    if (!node?.id) throw xdsErrors.missingNode();
    const nodeId = node.id;
    const { proxy, arn } = parseNodeId(nodeId);
    const scope = this.options.arnScope;
    if (arn && scope) {
      for (const field of ['partition', 'region', 'account'] as const) {
        if (arn[field] !== scope[field]) throw xdsErrors.wrongArnScope(nodeId, field, arn[field], scope[field]);
      }
    }
    // Credentials before existence, so an unauthenticated caller cannot probe which identities exist.
    this.options.authenticator?.authenticate(nodeId, proxy, {
      metadata: call.metadata,
      peerCertificate: call.peerCertificate,
    });
    if (!this.options.source.knows(proxy)) throw xdsErrors.unknownProxy(nodeId, describeProxy(proxy));
    const session = new ProxySession(
      connectionId,
      nodeId,
      proxy,
      detectFlavour(node, typeUrl, names),
      protocol,
      `${node.user_agent_name} ${node.user_agent_version}`.trim(),
      call.peer,
    );
    const { maxProxies } = this.options;
    const proxyLimit = typeof this.options.proxyLimit === 'function' ? this.options.proxyLimit(proxy) : this.options.proxyLimit;
    const existing = this.byProxy.get(session.key);
    if (proxyLimit !== undefined && (existing?.length ?? 0) >= proxyLimit) throw xdsErrors.proxyLimit(nodeId, proxyLimit);
    if (maxProxies !== undefined && this.connectedCount() >= maxProxies) throw xdsErrors.serverFull(maxProxies);
    if (existing) existing.push(stream);
    else this.byProxy.set(session.key, [stream]);
    return session;
  }

  private connectedCount(): number {
    let count = 0;
    for (const streams of this.byProxy.values()) count += streams.length;
    return count;
  }
}

/**
 * Envoy says user_agent_name "envoy" and subscribes to listeners by wildcard; gRPC clients say
 * "gRPC …" and name their listeners (`serviceb.apps.local:80`).
 */
export function detectFlavour(node: NodeInfo, typeUrl: string, names: readonly string[]): Flavour {
  const agent = node.user_agent_name.toLowerCase();
  if (agent === 'envoy') return 'envoy';
  if (agent.startsWith('grpc')) return 'grpc';
  if (typeUrl === TYPE_URLS.listener && names.length > 0 && !names.includes('*')) return 'grpc';
  return 'envoy';
}
