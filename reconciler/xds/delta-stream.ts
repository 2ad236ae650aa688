// DeltaAggregatedResources: incremental ADS for one proxy. Resource versions are content hashes, so a
// reconnecting proxy's initial_resource_versions spare it every resource it already has.
import { EncodedResource, TypeUrl } from '../../provider/envoy/snapshot';
import { decodeDeltaDiscoveryRequest, DeltaDiscoveryRequest, encodeDeltaDiscoveryResponse } from './discovery-messages';
import { AdsStreamBase } from './ads-stream-base';
import { truncateNackText } from './stream-limits';
import { FULL_STATE_TYPES, isServedType, PUSH_ORDER, REMOVAL_ORDER } from './stream-host';
import { versionOf } from './versions';

interface TypeState {
  wildcard: boolean;
  names: Set<string>;
  /** name → version (content hash) the proxy holds, as far as we know. */
  client: Map<string, string>;
  /** Explicitly subscribed names we told the proxy do not exist. */
  toldAbsent: Set<string>;
  /** `name@hash` the proxy rejected: never sent to it again (created on the first NACK). */
  rejected?: Set<string>;
  nonce?: string;
  /** The last response: its version, what it carried, and the versions it replaced (restored if the proxy rejects it). */
  last?: { version: string; updates: EncodedResource[]; removals: string[]; replaced: Map<string, string | undefined> };
}

interface Delta {
  version: string;
  updates: EncodedResource[];
  removals: string[];
}

export class DeltaStream extends AdsStreamBase<DeltaDiscoveryRequest, TypeState> {
  protected decode(bytes: Buffer): DeltaDiscoveryRequest {
    return decodeDeltaDiscoveryRequest(bytes);
  }

  protected handle(request: DeltaDiscoveryRequest): void {
    const typeUrl = request.type_url;
    let state = this.types.get(typeUrl as TypeUrl);
    const first = state === undefined;
    const initial = first ? Object.keys(request.initial_resource_versions) : [];
    this.checkSubscription(this.subscriptionCount(), initial.length > 0 ? [...request.resource_names_subscribe, ...initial] : request.resource_names_subscribe);
    const session = this.admitOnce(request.node, 'delta', typeUrl, request.resource_names_subscribe);
    if (!isServedType(typeUrl)) return;
    if (!state) {
      state = { wildcard: false, names: new Set(), client: new Map(), toldAbsent: new Set() };
      this.types.set(typeUrl, state);
      for (const [name, version] of Object.entries(request.initial_resource_versions)) state.client.set(name, version);
      // A reconnecting proxy holds what it lists (versions are content hashes).
      session.holds(typeUrl, Object.entries(request.initial_resource_versions).map(([name, hash]) => ({ name, hash })));
    }
    if (request.response_nonce) {
      if (request.response_nonce !== state.nonce) return; // answers an older response: ignore it
      const last = state.last!;
      if (request.error_detail) {
        // The proxy keeps what it had: restore our view of it, and never resend what it rejected.
        for (const [name, previous] of last.replaced) {
          const rejectedHash = state.client.get(name);
          if (rejectedHash !== undefined) (state.rejected ??= new Set()).add(`${name}@${rejectedHash}`);
          if (previous === undefined) state.client.delete(name);
          else state.client.set(name, previous);
        }
        // The text is kept per rejected resource: cut to 4 KiB like every stored NACK text.
        session.rejects(typeUrl, last.updates, truncateNackText(request.error_detail.message));
        this.nacked(session, typeUrl, last.version, request.error_detail.message, request.error_detail.code);
      } else {
        session.holds(typeUrl, last.updates);
        session.drops(typeUrl, last.removals);
        this.host.acked(session, typeUrl, last.version);
      }
    }
    const subscribe = request.resource_names_subscribe;
    const unsubscribe = request.resource_names_unsubscribe;
    if (subscribe.length === 0 && unsubscribe.length === 0 && !first) return;
    if (first && subscribe.length === 0 && FULL_STATE_TYPES.has(typeUrl)) state.wildcard = true;
    for (const name of subscribe) {
      if (name === '*') state.wildcard = true;
      else state.names.add(name);
    }
    for (const name of unsubscribe) {
      if (name === '*') state.wildcard = false;
      else {
        state.names.delete(name);
        state.toldAbsent.delete(name);
        if (!state.wildcard) state.client.delete(name); // the proxy drops it itself
      }
    }
    const delta = this.compute(typeUrl, state);
    // The first request of a type always gets an answer, so a proxy with nothing to receive still initialises.
    if (first || delta.updates.length > 0 || delta.removals.length > 0) this.send(typeUrl, state, delta.version, delta.updates, delta.removals);
  }

  /** Names this stream holds subscribed, all types together. */
  private subscriptionCount(): number {
    let count = 0;
    for (const state of this.types.values()) count += state.names.size;
    return count;
  }

  private compute(typeUrl: TypeUrl, state: TypeState): Delta {
    const desired = this.subscribed(typeUrl, state);
    const updates: EncodedResource[] = [];
    for (const resource of desired.values()) {
      if (state.client.get(resource.name) !== resource.hash && !state.rejected?.has(`${resource.name}@${resource.hash}`)) updates.push(resource);
    }
    const removals: string[] = [];
    for (const name of state.client.keys()) if (!desired.has(name)) removals.push(name);
    for (const name of state.names) {
      if (!desired.has(name) && !state.client.has(name) && !state.toldAbsent.has(name)) removals.push(name);
    }
    return { version: versionOf(desired.values()), updates, removals };
  }

  private send(typeUrl: TypeUrl, state: TypeState, version: string, updates: EncodedResource[], removals: string[]): void {
    const replaced = new Map<string, string | undefined>();
    for (const resource of updates) {
      replaced.set(resource.name, state.client.get(resource.name));
      state.client.set(resource.name, resource.hash);
      state.toldAbsent.delete(resource.name);
    }
    for (const name of removals) {
      state.client.delete(name);
      if (state.names.has(name)) state.toldAbsent.add(name);
    }
    const nonce = this.nextNonce();
    state.nonce = nonce;
    state.last = { version, updates, removals, replaced };
    this.call.write(encodeDeltaDiscoveryResponse(version, typeUrl, nonce, updates, removals));
    this.session!.sent(typeUrl, version);
  }

  push(): void {
    if (this.closed || !this.session) return;
    this.refreshSnapshot();
    const pending: { typeUrl: TypeUrl; state: TypeState; delta: Delta }[] = [];
    for (const typeUrl of PUSH_ORDER) {
      const state = this.types.get(typeUrl);
      if (!state) continue;
      const delta = this.compute(typeUrl, state);
      if (delta.updates.length > 0) this.send(typeUrl, state, delta.version, delta.updates, []);
      if (delta.removals.length > 0) pending.push({ typeUrl, state, delta });
    }
    // Make before break: removals only after every addition and update is out.
    for (const typeUrl of REMOVAL_ORDER) {
      const entry = pending.find((p) => p.typeUrl === typeUrl);
      if (entry) this.send(typeUrl, entry.state, entry.delta.version, [], entry.delta.removals);
    }
  }
}
