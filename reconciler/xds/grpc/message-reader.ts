// gRPC's length-prefixed messages (a compressed flag, a 4-byte big-endian length, the bytes) read
// from a stream's DATA chunks. A message usually arrives in one chunk and is handed on without a
// copy; only a message split across chunks is gathered.
import * as zlib from 'node:zlib';
import { xdsErrors } from '../errors';

const PREFIX_BYTES = 5;

/** The encodings a client may compress its messages with (its `grpc-encoding` header). */
export const ACCEPTED_ENCODINGS: ReadonlySet<string> = new Set(['identity', 'deflate', 'gzip']);

/** The 5-byte prefix of an uncompressed message of `length` bytes. */
export function messagePrefix(length: number): Buffer {
  const prefix = Buffer.allocUnsafeSlow(PREFIX_BYTES);
  prefix[0] = 0;
  prefix.writeUInt32BE(length, 1);
  return prefix;
}

export class MessageReader {
  /** Chunks of an unfinished message (or prefix), concatenated once it is whole: linear in its size however it is split. */
  private pending: Buffer[] | undefined;
  private pendingBytes = 0;

  constructor(
    private readonly maxMessageBytes: number,
    private readonly encoding: string | undefined,
  ) {}

  /** The whole messages `chunk` completes, decompressed; throws XdsStreamError for one too large or undecompressable. */
  read(chunk: Buffer): Buffer[] {
    if (!this.pending) return this.parse(chunk);
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < this.needed(this.pending)) return [];
    const data = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = undefined;
    this.pendingBytes = 0;
    return this.parse(data);
  }

  /** Bytes the first pending message takes, prefix included (just the prefix while that is incomplete). */
  private needed(pending: Buffer[]): number {
    if (this.pendingBytes < PREFIX_BYTES) return PREFIX_BYTES;
    return PREFIX_BYTES + this.declaredLength(Buffer.concat(pending, PREFIX_BYTES));
  }

  /** A message's length from its prefix, checked before its bytes are waited for: a client cannot make the server gather more than the limit. */
  private declaredLength(prefix: Buffer): number {
    const length = prefix.readUInt32BE(1);
    if (length > this.maxMessageBytes) throw xdsErrors.messageTooLarge('Received', length, this.maxMessageBytes);
    return length;
  }

  private parse(data: Buffer): Buffer[] {
    const messages: Buffer[] = [];
    while (data.length >= PREFIX_BYTES) {
      const length = this.declaredLength(data);
      if (data.length < PREFIX_BYTES + length) break;
      const message = data.subarray(PREFIX_BYTES, PREFIX_BYTES + length);
      messages.push(data[0] === 0 ? message : this.decompress(message));
      data = data.subarray(PREFIX_BYTES + length);
    }
    if (data.length > 0) {
      // Copied, so a remainder does not keep the whole chunk it came in alive.
      this.pending = [Buffer.from(data)];
      this.pendingBytes = data.length;
    }
    return messages;
  }

  private decompress(message: Buffer): Buffer {
    const options = { maxOutputLength: this.maxMessageBytes };
    try {
      if (this.encoding === 'gzip') return zlib.gunzipSync(message, options);
      if (this.encoding === 'deflate') return zlib.inflateSync(message, options);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw xdsErrors.messageTooLarge('Received', 'more once decompressed', this.maxMessageBytes);
      throw xdsErrors.undecompressable(this.encoding ?? 'none');
    }
    // The compressed flag without an encoding that compresses.
    throw xdsErrors.undecompressable(this.encoding ?? 'identity');
  }
}
