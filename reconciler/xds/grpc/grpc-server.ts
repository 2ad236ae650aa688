// The xDS port's gRPC server: gRPC over node's HTTP/2, only what ADS needs (bidirectional streams
// of raw messages, status codes, TLS and mTLS, keepalive, message and stream limits). grpc-js's
// server kept ~4.8 KB of JavaScript objects per connection (call wrappers, Node stream states,
// metadata, decoders, a keepalive timer and closures), the largest part of a proxy's cost at 10,000
// proxies; this one keeps the HTTP/2 stream and one small object per call (docs/benchmarks.md).
import * as http2 from 'node:http2';
import type * as net from 'node:net';
import { XdsStreamError, xdsErrors } from '../errors';
import { GrpcCall, refuse } from './grpc-call';
import { KeepaliveOptions, KeepaliveSweep } from './keepalive';
import { ACCEPTED_ENCODINGS } from './message-reader';

/** TLS for the xDS port: the server's certificate, and for mTLS the CA that signs client certificates. */
export interface XdsTls {
  certificate: Buffer;
  privateKey: Buffer;
  clientCa?: Buffer;
  /** mTLS: a connection without a client certificate signed by `clientCa` is refused in the handshake. */
  requireClientCertificate: boolean;
}

export interface GrpcServerOptions {
  maxMessageBytes: number;
  /** Concurrent streams per HTTP/2 connection (the SETTINGS the server announces). */
  maxConcurrentStreams?: number;
  keepalive: KeepaliveOptions;
  tls?: XdsTls;
  /** The status for a method the server does not serve (an xDS v2 method gets what to change). */
  unknownMethod: (path: string) => XdsStreamError;
}

/** Serves one bidirectional-streaming method. */
export type StreamMethod = (call: GrpcCall) => void;

const SERVER = Symbol('grpc server');
type OwnedSession = http2.ServerHttp2Session & { [SERVER]?: GrpcServer };

function ignore(): void {}

function onSessionClose(this: OwnedSession): void {
  this[SERVER]?.forget(this);
}

export class GrpcServer {
  private readonly http2Server: http2.Http2Server | http2.Http2SecureServer;
  private readonly sessions = new Set<http2.ServerHttp2Session>();
  private readonly methods = new Map<string, StreamMethod>();
  private readonly keepalive: KeepaliveSweep;
  private drained: (() => void) | undefined;
  private closed = false;

  constructor(private readonly options: GrpcServerOptions) {
    const MiB = 2 ** 20;
    const common: http2.ServerOptions = {
      settings: options.maxConcurrentStreams ? { maxConcurrentStreams: options.maxConcurrentStreams } : {},
      // Node refuses new streams on a connection holding more than this (default 10 MB); a response may be one max-size message.
      maxSessionMemory: Math.max(10, Math.ceil((3 * options.maxMessageBytes) / MiB)),
    };
    const { tls } = options;
    this.http2Server = tls
      ? http2.createSecureServer({
          ...common,
          cert: tls.certificate,
          key: tls.privateKey,
          ca: tls.clientCa,
          requestCert: tls.requireClientCertificate,
          rejectUnauthorized: tls.requireClientCertificate,
        })
      : http2.createServer(common);
    this.keepalive = new KeepaliveSweep(options.keepalive);
    this.http2Server.on('session', (session: OwnedSession) => this.track(session));
    this.http2Server.on('stream', (stream, headers) => this.route(stream, headers));
    this.http2Server.on('sessionError', ignore);
  }

  /** Serves `path` (`/package.Service/Method`) with `method`. */
  handle(path: string, method: StreamMethod): void {
    this.methods.set(path, method);
  }

  /** Takes a connection accepted elsewhere (the ConnectionGate admits it first). */
  inject(socket: net.Socket): void {
    if (this.closed) socket.destroy();
    else this.http2Server.emit('connection', socket);
  }

  /** GOAWAY to every connection; resolves once their streams are done and they are closed. */
  shutdown(): Promise<void> {
    this.closed = true;
    this.keepalive.stop();
    for (const session of this.sessions) session.close();
    if (this.sessions.size === 0) return Promise.resolve();
    return new Promise((resolve) => (this.drained = resolve));
  }

  /** Cuts every connection at once. */
  forceShutdown(): void {
    this.closed = true;
    this.keepalive.stop();
    for (const session of this.sessions) session.destroy();
  }

  forget(session: http2.ServerHttp2Session): void {
    this.sessions.delete(session);
    this.keepalive.forget(session);
    if (this.sessions.size === 0) this.drained?.();
  }

  private track(session: OwnedSession): void {
    session[SERVER] = this;
    this.sessions.add(session);
    this.keepalive.track(session);
    session.on('close', onSessionClose);
    session.on('error', ignore);
  }

  /** Checks a new stream is a gRPC call the server serves, then hands it to its method. */
  private route(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    // The gRPC HTTP/2 protocol: POST with a gRPC content type, else a plain HTTP error.
    const contentType = headers['content-type'] ?? '';
    const httpStatus = headers[':method'] !== 'POST' ? 405 : !contentType.startsWith('application/grpc') ? 415 : 0;
    if (httpStatus) {
      stream.on('error', ignore);
      stream.respond({ ':status': httpStatus }, { endStream: true });
      return;
    }
    const path = headers[':path'] ?? '';
    const method = this.methods.get(path);
    if (!method) return refuse(stream, this.options.unknownMethod(path));
    const encoding = headers['grpc-encoding']?.toString();
    if (encoding !== undefined && !ACCEPTED_ENCODINGS.has(encoding)) return refuse(stream, xdsErrors.unsupportedEncoding(encoding));
    method(new GrpcCall(stream, headers, this.options.maxMessageBytes, encoding === 'identity' ? undefined : encoding));
  }
}
