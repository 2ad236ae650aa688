// The ADS wire messages: requests decoded with Envoy's protos, responses written directly from
// pre-encoded resources (the resource bytes are shared by every proxy; only the envelope is per response).
import * as protobuf from 'protobufjs';
import { EncodedResource } from '../../provider/envoy/snapshot';
import { envoyType } from './envoy-protos';

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
function writeAny(writer: protobuf.Writer, resource: EncodedResource): protobuf.Writer {
  return writer.fork().uint32(10).string(resource.typeUrl).uint32(18).bytes(resource.bytes).ldelim();
}

/** `envoy.service.discovery.v3.Resource` for delta: version (the content hash) 1, resource (Any) 2, name 3. */
function writeDeltaResource(writer: protobuf.Writer, resource: EncodedResource): protobuf.Writer {
  writer.fork().uint32(10).string(resource.hash).uint32(18);
  return writeAny(writer, resource).uint32(26).string(resource.name).ldelim();
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** envoy.service.discovery.v3.DiscoveryResponse: version_info 1, resources 2, type_url 4, nonce 5. */
export function encodeDiscoveryResponse(version: string, typeUrl: string, nonce: string, resources: Iterable<EncodedResource>): Buffer {
  const writer = protobuf.Writer.create().uint32(10).string(version);
  for (const resource of resources) writeAny(writer.uint32(18), resource);
  return toBuffer(writer.uint32(34).string(typeUrl).uint32(42).string(nonce).finish());
}

/** envoy.service.discovery.v3.DeltaDiscoveryResponse: system_version_info 1, resources 2, type_url 4, nonce 5, removed_resources 6. */
export function encodeDeltaDiscoveryResponse(
  systemVersion: string,
  typeUrl: string,
  nonce: string,
  resources: Iterable<EncodedResource>,
  removed: Iterable<string>,
): Buffer {
  const writer = protobuf.Writer.create().uint32(10).string(systemVersion);
  for (const resource of resources) writeDeltaResource(writer.uint32(18), resource);
  writer.uint32(34).string(typeUrl).uint32(42).string(nonce);
  for (const name of removed) writer.uint32(50).string(name);
  return toBuffer(writer.finish());
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
