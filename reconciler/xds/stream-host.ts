// What a protocol stream (SotW or delta) asks of the server, and what the server asks of a stream.
import { ProxySnapshot, TYPE_URLS, TypeUrl, PUSH_ORDER } from '../../provider/envoy/snapshot';
import { NodeInfo } from './discovery-messages';
import { XdsStreamError } from './errors';
import type { GrpcCall } from './grpc/grpc-call';
import { Protocol, ProxySession } from './proxy-session';
import { StreamLimits } from './stream-limits';

export interface AdsStream {
  readonly call: GrpcCall;
  /** Names the stream in the audit events (StreamEvent) and the introspection. */
  readonly connectionId: string;
  readonly session: ProxySession | undefined;
  /** The proxy's snapshot changed: send what differs, make-before-break. */
  push(): void;
  /** Ends the stream: with OK when no error (graceful), else with the error's status. */
  close(error?: XdsStreamError): void;
}

export interface StreamHost {
  readonly limits: StreamLimits;
  /** Identifies, authenticates and admits the proxy of a stream's first request; throws XdsStreamError. */
  admit(stream: AdsStream, node: NodeInfo | null, protocol: Protocol, typeUrl: string, names: readonly string[]): ProxySession;
  snapshot(session: ProxySession): ProxySnapshot | undefined;
  acked(session: ProxySession, typeUrl: TypeUrl, version: string): void;
  /** A NACK within the stream's budget; `suppressedBefore` were counted but not reported since the last one. */
  nacked(session: ProxySession, typeUrl: TypeUrl, version: string, error: string, code: number, suppressedBefore: number): void;
  /** The stream ended (any reason). */
  release(stream: AdsStream): void;
}

/** Types whose SotW responses are complete sets (a missing resource is deleted) and that allow wildcard. */
export const FULL_STATE_TYPES: ReadonlySet<TypeUrl> = new Set([TYPE_URLS.listener, TYPE_URLS.cluster]);

/** Removals go last, referrers before what they refer to: listeners, routes, clusters, endpoints, secrets. */
export const REMOVAL_ORDER: readonly TypeUrl[] = [
  TYPE_URLS.listener,
  TYPE_URLS.routeConfiguration,
  TYPE_URLS.cluster,
  TYPE_URLS.clusterLoadAssignment,
  TYPE_URLS.secret,
];

export { PUSH_ORDER };
