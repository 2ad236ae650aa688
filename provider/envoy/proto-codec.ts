// Encodes Envoy v3 resources with Envoy's own protos (shipped in @grpc/grpc-js-xds under deps/),
// loaded once per process. The readable form is a plain JSON-like object with proto field names
// (snake_case) and `@type` inside google.protobuf.Any, as in Envoy's config_dump.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as protobuf from 'protobufjs';
import { EncodedResource, TypeUrl } from './snapshot';
import { ENVOY_PROTO_DIRS, GRPC_JS_XDS_DEPS } from './proto-dirs';
import { EnvoyEncodeError, EnvoyProtoLoadError } from './errors';

const PROTO_FILES = [
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'envoy/extensions/transport_sockets/tls/v3/secret.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/listener/original_dst/v3/original_dst.proto',
  'envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector.proto',
  'envoy/extensions/access_loggers/file/v3/file.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
];

/** Type URLs of the messages the translation puts inside `Any`. */
export const ANY_TYPES = {
  httpConnectionManager: 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
  tcpProxy: 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
  router: 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router',
  originalDst: 'type.googleapis.com/envoy.extensions.filters.listener.original_dst.v3.OriginalDst',
  tlsInspector: 'type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector',
  fileAccessLog: 'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog',
  httpProtocolOptions: 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
  upstreamTlsContext: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
  downstreamTlsContext: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
} as const;

export type Json = Record<string, unknown>;

let loadedRoot: protobuf.Root | undefined;

/** The protobufjs root with every Envoy type the translation uses; loaded on first use. */
export function envoyProtoRoot(): protobuf.Root {
  if (loadedRoot) return loadedRoot;
  const includeDirs = ENVOY_PROTO_DIRS
    // google/protobuf/descriptor.proto (imported by validate.proto) ships with protobufjs itself.
    .concat(path.dirname(require.resolve('protobufjs/package.json')));
  try {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => {
      for (const dir of includeDirs) {
        const candidate = path.join(dir, target);
        if (fs.existsSync(candidate)) return candidate;
      }
      return target;
    };
    root.loadSync(PROTO_FILES, { keepCase: true });
    root.resolveAll();
    loadedRoot = root;
    return root;
  } catch (error) {
    throw new EnvoyProtoLoadError(GRPC_JS_XDS_DEPS, error);
  }
}

export function typeNameOf(typeUrl: string): string {
  return typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
}

const typesByName = new Map<string, protobuf.Type>();

export function messageType(typeName: string): protobuf.Type {
  let type = typesByName.get(typeName);
  if (!type) typesByName.set(typeName, (type = envoyProtoRoot().lookupType(typeName)));
  return type;
}

/**
 * Wire bytes of one message from its readable form. `repeated` appends already-encoded
 * messages to a repeated field (protobuf concatenates), so a part shared by many resources
 * (a virtual host) is encoded once.
 */
export function encodeMessage(typeUrl: string, value: Json, resourceName = '', repeated?: { field: string; encoded: readonly Uint8Array[] }): Uint8Array {
  const type = messageType(typeNameOf(typeUrl));
  try {
    const writer = type.encode(type.fromObject(value));
    if (repeated) {
      const tag = (type.fields[repeated.field].id << 3) | 2;
      for (const part of repeated.encoded) writer.uint32(tag).bytes(part);
    }
    return writer.finish();
  } catch (error) {
    throw new EnvoyEncodeError(type.fullName, resourceName, error instanceof Error ? error.message : String(error));
  }
}

/** A message encoded on its own, to be placed in a repeated field of many resources (see encodeMessage). */
export interface EncodedPart {
  bytes: Uint8Array;
  value: Json;
}

export function encodePart(typeName: string, value: Json): EncodedPart {
  return { bytes: ownBuffer(encodeMessage(`type.googleapis.com/${typeName}`, value)), value };
}

/**
 * Bytes that keep only themselves alive. protobufjs encodes small messages into slices of Node's
 * shared 8 KiB Buffer pool; a slice held for as long as a resource is served keeps its whole slab
 * resident (at 10,000 resources, ~12 MB of slabs held for a fraction of that in resources).
 */
export function ownBuffer(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
}

/** The readable form of wire bytes (defaults omitted, enums by name, 64-bit integers as numbers). */
export function decodeMessage(typeUrl: string, bytes: Uint8Array): Json {
  const type = messageType(typeNameOf(typeUrl));
  return type.toObject(type.decode(bytes), { json: true, enums: String, longs: Number, bytes: String }) as Json;
}

/**
 * Encodes resources and hands out one EncodedResource per distinct content, so identical
 * resources built for different proxies are the same object (and encoded bytes are held once).
 */
export class ResourcePool {
  private readonly byHash = new Map<string, EncodedResource>();
  /** Readable form (as JSON text) → resource, so content built again is not encoded again. */
  private readonly byText = new Map<string, EncodedResource>();
  /** The readable form of each resource, kept only when asked (tests, goldens). */
  private readonly sources?: WeakMap<EncodedResource, Json>;

  constructor(options: { retainSources?: boolean } = {}) {
    if (options.retainSources) this.sources = new WeakMap();
  }

  encode(typeUrl: TypeUrl, name: string, value: Json): EncodedResource {
    return this.intern(typeUrl, name, encodeMessage(typeUrl, value, name), value);
  }

  /** Like encode, for content many proxies build alike (listeners): built again, it is not encoded again. */
  encodeShared(typeUrl: TypeUrl, name: string, value: Json): EncodedResource {
    const text = `${typeUrl}|${JSON.stringify(value)}`;
    const known = this.byText.get(text);
    if (known) return known;
    const resource = this.encode(typeUrl, name, value);
    this.byText.set(text, resource);
    return resource;
  }

  /** Encodes `value` plus pre-encoded parts in its repeated field `field` (see encodeMessage). */
  encodeWithParts(typeUrl: TypeUrl, name: string, value: Json, field: string, parts: readonly EncodedPart[]): EncodedResource {
    const bytes = encodeMessage(typeUrl, value, name, { field, encoded: parts.map((p) => p.bytes) });
    const source = this.sources ? { ...value, [field]: parts.map((p) => p.value) } : value;
    return this.intern(typeUrl, name, bytes, source);
  }

  private intern(typeUrl: TypeUrl, name: string, bytes: Uint8Array, value: Json): EncodedResource {
    const hash = createHash('sha256').update(bytes).digest('hex');
    const key = `${typeUrl}|${name}|${hash}`;
    let resource = this.byHash.get(key);
    if (!resource) {
      resource = { name, typeUrl, bytes: ownBuffer(bytes), hash };
      this.byHash.set(key, resource);
    }
    this.sources?.set(resource, value);
    return resource;
  }

  sourceOf(resource: EncodedResource): Json | undefined {
    return this.sources?.get(resource);
  }

  /** Forgets resources no snapshot holds any more. */
  retainOnly(live: Iterable<EncodedResource>): void {
    const keep = new Set(live);
    for (const [key, resource] of this.byHash) if (!keep.has(resource)) this.byHash.delete(key);
    for (const [key, resource] of this.byText) if (!keep.has(resource)) this.byText.delete(key);
  }

  get size(): number {
    return this.byHash.size;
  }
}
