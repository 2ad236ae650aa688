// gRPC's length-prefixed messages (a compressed flag, a 4-byte big-endian length, the bytes) read
// from a stream's DATA chunks. A message usually arrives in one chunk and is handed on without a
// copy; only a message split across chunks is gathered.
import * as zlib from 'node:zlib';
import { xdsErrors } from '../errors';

const PREFIX_BYTES = 5;

/** The encodings a client may compress its messages with (its `grpc-encoding` header). */
export const ACCEPTED_ENCODINGS = 'identity,deflate,gzip';

export function isAcceptedEncoding(encoding: string | undefined): boolean {
  return encoding === undefined || ACCEPTED_ENCODINGS.split(',').includes(encoding);
}

/** The 5-byte prefix of an uncompressed message of `length` bytes. */
export function messagePrefix(length: number): Buffer {
  const prefix = Buffer.allocUnsafeSlow(PREFIX_BYTES);
  prefix[0] = 0;
  prefix.writeUInt32BE(length, 1);
  return prefix;
}

export class MessageReader {
  /** Bytes of an unfinished prefix or message; undefined between messages. */
  private partial: Buffer | undefined;

  constructor(
    private readonly maxMessageBytes: number,
    private readonly encoding: string | undefined,
  ) {}

  /** The whole messages `chunk` completes, decompressed; throws XdsStreamError for one too large or undecompressable. */
  read(chunk: Buffer): Buffer[] {
    let data = this.partial ? Buffer.concat([this.partial, chunk]) : chunk;
    this.partial = undefined;
    const messages: Buffer[] = [];
    while (data.length >= PREFIX_BYTES) {
      const length = data.readUInt32BE(1);
      // Checked before waiting for the bytes, so a client cannot make the server gather more than the limit.
      if (length > this.maxMessageBytes) {
        throw xdsErrors.messageTooLarge('Received', length, this.maxMessageBytes);
      }
      if (data.length < PREFIX_BYTES + length) break;
      const message = data.subarray(PREFIX_BYTES, PREFIX_BYTES + length);
      messages.push(data[0] === 0 ? message : this.decompress(message));
      data = data.subarray(PREFIX_BYTES + length);
    }
    // A remainder is copied out, so it does not keep the whole chunk it came in alive.
    if (data.length > 0) this.partial = Buffer.from(data);
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
