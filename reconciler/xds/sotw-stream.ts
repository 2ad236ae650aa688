// StreamAggregatedResources: state-of-the-world ADS for one proxy.
import * as grpc from '@grpc/grpc-js';
import { EncodedResource, ProxySnapshot, TypeUrl } from '../../provider/envoy/snapshot';
import { decodeDiscoveryRequest, DiscoveryRequest, encodeDiscoveryResponse } from './discovery-messages';
import { XdsStreamError, xdsErrors } from './errors';
import { ProxySession } from './proxy-session';
import { AdsStream, FULL_STATE_TYPES, isServedType, nonceCounter, PUSH_ORDER, REMOVAL_ORDER, StreamHost } from './stream-host';
import { versionOf, versionOfMap } from './versions';

interface TypeState {
  wildcard: boolean;
  names: Set<string>;
  /** What the last response held (for removals made after additions); snapshot maps are immutable, so shared. */
  sent: ReadonlyMap<string, EncodedResource>;
  sentVersion?: string;
  nonce?: string;
  /** Versions this proxy rejected: never sent to it again. */
  rejected: Set<string>;
}

const EMPTY: ReadonlyMap<string, EncodedResource> = new Map();

export class SotwStream implements AdsStream {
  session: ProxySession | undefined;
  private readonly types = new Map<TypeUrl, TypeState>();
  private readonly nextNonce = nonceCounter();
  private snapshot: ProxySnapshot | undefined;
  private closed = false;

  constructor(
    private readonly call: grpc.ServerDuplexStream<Buffer, Buffer>,
    private readonly host: StreamHost,
  ) {
    call.on('data', (bytes: Buffer) => this.onRequest(bytes));
    call.on('end', () => this.close());
    call.on('error', () => this.release());
    call.on('cancelled', () => this.release());
  }

  private onRequest(bytes: Buffer): void {
    if (this.closed) return;
    let request: DiscoveryRequest;
    try {
      request = decodeDiscoveryRequest(bytes);
    } catch (error) {
      return this.close(xdsErrors.undecodableRequest((error as Error).message));
    }
    try {
      this.handle(request);
    } catch (error) {
      if (error instanceof XdsStreamError) return this.close(error);
      throw error;
    }
  }

  private handle(request: DiscoveryRequest): void {
    const typeUrl = request.type_url;
    if (!this.session) {
      this.session = this.host.admit(this, request.node, 'sotw', typeUrl, request.resource_names);
      this.snapshot = this.host.snapshot(this.session);
    }
    // Types we do not serve (RTDS, ECDS, …) are left unanswered, as Envoy tolerates for optional types.
    if (!isServedType(typeUrl)) return;
    const session = this.session;
    let state = this.types.get(typeUrl);
    const first = state === undefined;
    if (!state) {
      state = { wildcard: false, names: new Set(), sent: new Map(), rejected: new Set() };
      this.types.set(typeUrl, state);
    }
    if (request.response_nonce) {
      if (request.response_nonce !== state.nonce) return; // answers an older response: ignore it
      if (request.error_detail) {
        const version = state.sentVersion ?? '';
        state.rejected.add(version);
        this.host.nacked(session, typeUrl, version, request.error_detail.message, request.error_detail.code);
      } else if (state.sentVersion !== undefined) {
        this.host.acked(session, typeUrl, state.sentVersion);
      }
    } else if (request.version_info) {
      // A reconnecting proxy tells what it runs; that is its ACKed version on this stream.
      this.host.acked(session, typeUrl, request.version_info);
    }
    const subscriptionChanged = this.subscribe(state, typeUrl, request.resource_names, first);
    if (first || subscriptionChanged) {
      const resources = this.select(typeUrl, state);
      const clientHas = request.response_nonce ? undefined : request.version_info;
      this.send(typeUrl, state, resources, clientHas);
    }
  }

  /** Applies the request's resource_names; true when the subscription changed. */
  private subscribe(state: TypeState, typeUrl: TypeUrl, names: readonly string[], first: boolean): boolean {
    const wildcard =
      names.includes('*') || (FULL_STATE_TYPES.has(typeUrl) && names.length === 0 && (first || state.wildcard));
    const explicit = new Set(names.filter((name) => name !== '*'));
    const changed = wildcard !== state.wildcard || explicit.size !== state.names.size || [...explicit].some((n) => !state.names.has(n));
    state.wildcard = wildcard;
    state.names = explicit;
    return changed;
  }

  private select(typeUrl: TypeUrl, state: TypeState): Map<string, EncodedResource> | ReadonlyMap<string, EncodedResource> {
    const all = this.snapshot?.resources.get(typeUrl) ?? EMPTY;
    if (state.wildcard) return all;
    const selected = new Map<string, EncodedResource>();
    for (const name of state.names) {
      const resource = all.get(name);
      if (resource) selected.set(name, resource);
    }
    return selected;
  }

  private send(typeUrl: TypeUrl, state: TypeState, resources: ReadonlyMap<string, EncodedResource>, clientHas?: string): void {
    const version = state.wildcard && resources === this.snapshot?.resources.get(typeUrl) ? versionOfMap(resources) : versionOf(resources.values());
    if (version === state.sentVersion || state.rejected.has(version)) return;
    state.sentVersion = version;
    state.sent = resources;
    if (clientHas === version) return; // it already runs exactly this (reconnect, or another replica)
    const nonce = this.nextNonce();
    state.nonce = nonce;
    this.call.write(encodeDiscoveryResponse(version, typeUrl, nonce, resources.values()));
    this.session!.sent(typeUrl, version);
  }

  push(): void {
    if (this.closed || !this.session) return;
    this.snapshot = this.host.snapshot(this.session);
    const removalsPending: TypeUrl[] = [];
    for (const typeUrl of PUSH_ORDER) {
      const state = this.types.get(typeUrl);
      if (!state) continue;
      const desired = this.select(typeUrl, state);
      if (FULL_STATE_TYPES.has(typeUrl)) {
        // Make before break: keep what is going away until the new listeners and routes are out.
        const kept = [...state.sent.values()].filter((resource) => !desired.has(resource.name));
        if (kept.length > 0) {
          const union = new Map(desired);
          for (const resource of kept) union.set(resource.name, resource);
          this.send(typeUrl, state, union);
          removalsPending.push(typeUrl);
          continue;
        }
      }
      this.send(typeUrl, state, desired);
    }
    for (const typeUrl of REMOVAL_ORDER) {
      if (removalsPending.includes(typeUrl)) this.send(typeUrl, this.types.get(typeUrl)!, this.select(typeUrl, this.types.get(typeUrl)!));
    }
  }

  close(error?: XdsStreamError): void {
    if (this.closed) return;
    this.closed = true;
    if (error) this.call.emit('error', { code: error.code, details: error.message });
    else this.call.end();
    this.release();
  }

  private released = false;
  private release(): void {
    this.closed = true;
    if (this.released) return;
    this.released = true;
    this.host.release(this);
  }
}
