// Protobuf wire encoding of the few shapes a discovery response has (length-delimited fields
// only), into one buffer of the exact size: the size is worked out first, then every byte is
// written once. protobufjs's Writer queues an operation per field and copies again on finish,
// which at 10,000 proxies was a third of a push's CPU.

/** Bytes a varint of `n` (0 ≤ n < 2^32) takes. */
export function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n >>>= 7;
    size += 1;
  }
  return size;
}

/** Bytes a length-delimited field (tag, length, content) of `length` content bytes takes; tags here are one byte. */
export function fieldSize(length: number): number {
  return 1 + varintSize(length) + length;
}

/** The UTF-8 bytes of strings written often (type URLs), made once. */
const utf8Cache = new Map<string, Buffer>();
const UTF8_CACHE_LIMIT = 64;

export function cachedUtf8(text: string): Buffer {
  let bytes = utf8Cache.get(text);
  if (!bytes) {
    bytes = Buffer.from(text, 'utf8');
    if (utf8Cache.size < UTF8_CACHE_LIMIT) utf8Cache.set(text, bytes);
  }
  return bytes;
}

export class WireWriter {
  /** Not from Node's shared pool: a response may be queued for a while, and a pool slice keeps its whole 8 KiB slab. */
  readonly buffer: Buffer;
  private pos = 0;

  constructor(size: number) {
    this.buffer = Buffer.allocUnsafeSlow(size);
  }

  /** Tag (field number, wire type 2) and length of a length-delimited field whose content follows. */
  header(field: number, length: number): this {
    this.buffer[this.pos++] = (field << 3) | 2;
    let n = length;
    while (n >= 0x80) {
      this.buffer[this.pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.buffer[this.pos++] = n;
    return this;
  }

  bytes(field: number, bytes: Uint8Array): this {
    this.header(field, bytes.length);
    this.buffer.set(bytes, this.pos);
    this.pos += bytes.length;
    return this;
  }

  /** A string field whose UTF-8 length the caller already measured (it was needed for the size). */
  string(field: number, text: string, length: number): this {
    this.header(field, length);
    this.pos += this.buffer.write(text, this.pos, length, 'utf8');
    return this;
  }

  /** The buffer, after checking that exactly the planned size was written. */
  finish(): Buffer {
    if (this.pos !== this.buffer.length) throw new Error(`wire writer wrote ${this.pos} of ${this.buffer.length} planned bytes`);
    return this.buffer;
  }
}
