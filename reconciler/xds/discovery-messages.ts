// The ADS wire messages: requests decoded with Envoy's protos, responses written directly from
// pre-encoded resources (the resource bytes are shared by every proxy; only the envelope is per response).
import * as protobuf from 'protobufjs';
import { EncodedResource } from '../../provider/envoy/snapshot';
import { envoyType } from './envoy-protos';
import { cachedUtf8, fieldSize, WireWriter } from './wire-writer';

const DISCOVERY_PROTO = 'envoy/service/discovery/v3/discovery.proto';

export interface NodeInfo {
  id: string;
  cluster: string;
  user_agent_name: string;
  user_agent_version: string;
}

export interface ErrorDetail {
  code: number;
  message: string;
}

export interface DiscoveryRequest {
  version_info: string;
  node: NodeInfo | null;
  resource_names: string[];
  type_url: string;
  response_nonce: string;
  error_detail: ErrorDetail | null;
}

export interface DeltaDiscoveryRequest {
  node: NodeInfo | null;
  type_url: string;
  resource_names_subscribe: string[];
  resource_names_unsubscribe: string[];
  initial_resource_versions: Record<string, string>;
  response_nonce: string;
  error_detail: ErrorDetail | null;
}

export interface DiscoveryResponse {
  version_info: string;
  resources: { type_url: string; value: Uint8Array }[];
  type_url: string;
  nonce: string;
}

export interface DeltaDiscoveryResponse {
  system_version_info: string;
  resources: { name: string; version: string; resource: { type_url: string; value: Uint8Array } | null }[];
  type_url: string;
  removed_resources: string[];
  nonce: string;
}

let types: { request: protobuf.Type; response: protobuf.Type; deltaRequest: protobuf.Type; deltaResponse: protobuf.Type } | undefined;

export function discoveryTypes(): NonNullable<typeof types> {
  if (!types) {
    types = {
      request: envoyType(DISCOVERY_PROTO, 'envoy.service.discovery.v3.DiscoveryRequest'),
      response: envoyType(DISCOVERY_PROTO, 'envoy.service.discovery.v3.DiscoveryResponse'),
      deltaRequest: envoyType(DISCOVERY_PROTO, 'envoy.service.discovery.v3.DeltaDiscoveryRequest'),
      deltaResponse: envoyType(DISCOVERY_PROTO, 'envoy.service.discovery.v3.DeltaDiscoveryResponse'),
    };
  }
  return types;
}

const TO_OBJECT: protobuf.IConversionOptions = { defaults: true, arrays: true, objects: true, longs: String };

export function decodeDiscoveryRequest(bytes: Buffer): DiscoveryRequest {
  const { request } = discoveryTypes();
  return request.toObject(request.decode(bytes), TO_OBJECT) as DiscoveryRequest;
}

export function decodeDeltaDiscoveryRequest(bytes: Buffer): DeltaDiscoveryRequest {
  const { deltaRequest } = discoveryTypes();
  return deltaRequest.toObject(deltaRequest.decode(bytes), TO_OBJECT) as DeltaDiscoveryRequest;
}

/**
 * `google.protobuf.Any` (type_url 1, value 2) around a resource's bytes, written straight into the
 * response: the bytes are copied into the response once, and no wrapped copy is kept per resource
 * (one was, for every resource of every proxy, as long as the resource lived).
 */
function anySize(resource: EncodedResource): number {
  return fieldSize(cachedUtf8(resource.typeUrl).length) + fieldSize(resource.bytes.length);
}

function writeAny(writer: WireWriter, field: number, resource: EncodedResource, size: number): void {
  writer.header(field, size).bytes(1, cachedUtf8(resource.typeUrl)).bytes(2, resource.bytes);
}

/** envoy.service.discovery.v3.DiscoveryResponse: version_info 1, resources 2, type_url 4, nonce 5. */
export function encodeDiscoveryResponse(version: string, typeUrl: string, nonce: string, resources: Iterable<EncodedResource>): Buffer {
  const list = [...resources];
  const anySizes = list.map(anySize);
  const typeUrlBytes = cachedUtf8(typeUrl);
  const lengths = { version: Buffer.byteLength(version), nonce: Buffer.byteLength(nonce) };
  let size = fieldSize(lengths.version) + fieldSize(typeUrlBytes.length) + fieldSize(lengths.nonce);
  for (const anyLength of anySizes) size += fieldSize(anyLength);
  const writer = new WireWriter(size).string(1, version, lengths.version);
  list.forEach((resource, i) => writeAny(writer, 2, resource, anySizes[i]));
  return writer.bytes(4, typeUrlBytes).string(5, nonce, lengths.nonce).finish();
}

/** envoy.service.discovery.v3.DeltaDiscoveryResponse: system_version_info 1, resources 2, type_url 4, nonce 5, removed_resources 6. */
export function encodeDeltaDiscoveryResponse(
  systemVersion: string,
  typeUrl: string,
  nonce: string,
  resources: Iterable<EncodedResource>,
  removed: Iterable<string>,
): Buffer {
  // Each entry is an `envoy.service.discovery.v3.Resource`: version (the content hash) 1, resource (Any) 2, name 3.
  const entries = [...resources].map((resource) => {
    const any = anySize(resource);
    const hash = Buffer.byteLength(resource.hash);
    const name = Buffer.byteLength(resource.name);
    return { resource, any, hash, name, size: fieldSize(hash) + fieldSize(any) + fieldSize(name) };
  });
  const removals = [...removed].map((name) => ({ name, length: Buffer.byteLength(name) }));
  const typeUrlBytes = cachedUtf8(typeUrl);
  const lengths = { version: Buffer.byteLength(systemVersion), nonce: Buffer.byteLength(nonce) };
  let size = fieldSize(lengths.version) + fieldSize(typeUrlBytes.length) + fieldSize(lengths.nonce);
  for (const entry of entries) size += fieldSize(entry.size);
  for (const removal of removals) size += fieldSize(removal.length);
  const writer = new WireWriter(size).string(1, systemVersion, lengths.version);
  for (const { resource, any, hash, name, size: entrySize } of entries) {
    writer.header(2, entrySize).string(1, resource.hash, hash);
    writeAny(writer, 2, resource, any);
    writer.string(3, resource.name, name);
  }
  writer.bytes(4, typeUrlBytes).string(5, nonce, lengths.nonce);
  for (const removal of removals) writer.string(6, removal.name, removal.length);
  return writer.finish();
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Encoders for the client side (tests, the load generator): plain objects in, bytes out. */
export function encodeDiscoveryRequest(request: Partial<DiscoveryRequest>): Buffer {
  const { request: type } = discoveryTypes();
  return toBuffer(type.encode(type.fromObject(request)).finish());
}

export function encodeDeltaDiscoveryRequest(request: Partial<DeltaDiscoveryRequest>): Buffer {
  const { deltaRequest: type } = discoveryTypes();
  return toBuffer(type.encode(type.fromObject(request)).finish());
}

export function decodeDiscoveryResponse(bytes: Buffer): DiscoveryResponse {
  const { response } = discoveryTypes();
  return response.toObject(response.decode(bytes), TO_OBJECT) as DiscoveryResponse;
}

export function decodeDeltaDiscoveryResponse(bytes: Buffer): DeltaDiscoveryResponse {
  const { deltaResponse } = discoveryTypes();
  return deltaResponse.toObject(deltaResponse.decode(bytes), TO_OBJECT) as DeltaDiscoveryResponse;
}
