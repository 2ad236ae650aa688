// One gRPC bidirectional-streaming call on an HTTP/2 stream: requests in, responses out, and the
// status at the end (in trailers, or a trailers-only response when nothing was sent). The stream's
// events go to module-level functions rather than per-call closures: at 10,000 proxies every byte
// a call keeps is paid 10,000 times.
import * as http2 from 'node:http2';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { status } from '@grpc/grpc-js';
import { peerOf } from '../../http/connection-gate';
import { XdsStreamError, xdsErrors } from '../errors';
import { ACCEPTED_ENCODINGS, messagePrefix, MessageReader } from './message-reader';

/** What a call tells the code that serves it. */
export interface CallHandler {
  /** A whole request message. */
  message(bytes: Buffer): void;
  /** The client closed its side: it sends nothing more. */
  halfClosed(): void;
  /** The call ended: by the client's reset, a lost connection, or after its status was sent. */
  gone(): void;
}

/** The request headers a call was opened with, as gRPC metadata: values of a name, in order. */
export interface CallMetadata {
  get(name: string): readonly string[];
}

const CALL = Symbol('grpc call');
type CallStream = http2.ServerHttp2Stream & { [CALL]?: GrpcCall };

export const RESPONSE_HEADERS = { ':status': 200, 'content-type': 'application/grpc+proto', 'grpc-accept-encoding': [...ACCEPTED_ENCODINGS].join(',') };

/** grpc-message is percent-encoded: everything outside printable ASCII, and `%` itself. */
function encodeStatusMessage(message: string): string {
  return Buffer.from(message, 'utf8').reduce((text, byte) => text + (byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`), '');
}

export function statusTrailers(code: status, message?: string): http2.OutgoingHttpHeaders {
  return message ? { 'grpc-status': String(code), 'grpc-message': encodeStatusMessage(message) } : { 'grpc-status': String(code) };
}

/** A trailers-only response: the status in the headers, nothing sent before it. */
function respondWithStatus(stream: http2.ServerHttp2Stream, trailers: http2.OutgoingHttpHeaders): void {
  stream.respond({ ...RESPONSE_HEADERS, ...trailers }, { endStream: true });
  // Anything the client still sends is read and dropped, so its flow-control window keeps moving.
  stream.resume();
}

/** Ends a stream that never got a call with a status only (an unknown method, a refused request). */
export function refuse(stream: http2.ServerHttp2Stream, error: XdsStreamError): void {
  stream.on('error', ignore);
  if (stream.headersSent || stream.destroyed) return;
  respondWithStatus(stream, statusTrailers(error.code, error.message));
}

function ignore(): void {}

function onData(this: CallStream, chunk: Buffer): void {
  this[CALL]?.received(chunk);
}

function onEnd(this: CallStream): void {
  const call = this[CALL];
  if (call && !call.ended) call.handler?.halfClosed();
}

function onClose(this: CallStream): void {
  const call = this[CALL];
  this[CALL] = undefined;
  if (!call) return;
  call.ended = true;
  call.handler?.gone();
}

function onWantTrailers(this: CallStream): void {
  const trailers = this[CALL]?.trailers;
  if (trailers) this.sendTrailers(trailers);
  else this.close(http2.constants.NGHTTP2_NO_ERROR);
}

export class GrpcCall {
  handler: CallHandler | undefined;
  /** The status was sent, or the stream is gone: nothing more is written. */
  ended = false;
  trailers: http2.OutgoingHttpHeaders | undefined;
  private readonly reader: MessageReader;

  constructor(
    private readonly stream: http2.ServerHttp2Stream,
    private readonly headers: http2.IncomingHttpHeaders,
    private readonly maxMessageBytes: number,
    /** The request's `grpc-encoding`, one the server accepts (undefined: uncompressed). */
    encoding: string | undefined,
  ) {
    this.reader = new MessageReader(maxMessageBytes, encoding);
    (stream as CallStream)[CALL] = this;
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('close', onClose);
    stream.on('wantTrailers', onWantTrailers);
    stream.on('error', ignore);
  }

  /** Starts delivering requests to `handler` (the stream's data flows once a handler is set). */
  listen(handler: CallHandler): void {
    this.handler = handler;
  }

  /** Made when asked (once, at admission), not kept per call. */
  get metadata(): CallMetadata {
    return {
      get: (name: string): readonly string[] => {
        const value = this.headers[name.toLowerCase()];
        return value === undefined ? [] : Array.isArray(value) ? value : [value];
      },
    };
  }

  /** `address:port` of the client, as the ConnectionGate names its connection. */
  get peer(): string {
    const socket = this.stream.session?.socket;
    return socket ? peerOf(socket) : 'unknown';
  }

  /** The verified client certificate of an mTLS connection. */
  get peerCertificate(): PeerCertificate | undefined {
    const socket = this.stream.session?.socket as TLSSocket | undefined;
    return typeof socket?.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
  }

  /** Sends one response message (its bytes, already encoded). */
  write(message: Buffer): void {
    if (this.ended || this.streamGone()) return;
    if (message.length > this.maxMessageBytes) {
      this.fail(xdsErrors.messageTooLarge('Sent', message.length, this.maxMessageBytes));
      return;
    }
    if (!this.stream.headersSent) this.stream.respond(RESPONSE_HEADERS, { waitForTrailers: true });
    // Prefix and message in one write to the session, without copying the message.
    this.stream.cork();
    this.stream.write(messagePrefix(message.length));
    this.stream.write(message);
    this.stream.uncork();
  }

  /** Ends the call with OK. */
  end(): void {
    this.finish(statusTrailers(status.OK));
  }

  /** Ends the call with the error's status and message. */
  fail(error: XdsStreamError): void {
    this.finish(statusTrailers(error.code, error.message));
  }

  /** A DATA chunk: whole messages go to the handler; a bad one ends the call. */
  received(chunk: Buffer): void {
    if (this.ended) return;
    let messages: Buffer[];
    try {
      messages = this.reader.read(chunk);
    } catch (error) {
      if (!(error instanceof XdsStreamError)) throw error;
      this.fail(error);
      this.handler?.gone();
      return;
    }
    for (const message of messages) {
      if (this.ended) return;
      this.handler?.message(message);
    }
  }

  private streamGone(): boolean {
    return this.stream.destroyed || this.stream.closed;
  }

  private finish(trailers: http2.OutgoingHttpHeaders): void {
    if (this.ended) return;
    this.ended = true;
    if (this.streamGone()) return;
    if (this.stream.headersSent) {
      // The trailers follow the queued responses (onWantTrailers); what the client still sends is dropped by received().
      this.trailers = trailers;
      this.stream.end();
    } else {
      respondWithStatus(this.stream, trailers);
    }
  }
}
