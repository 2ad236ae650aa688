// DeltaAggregatedResources: incremental ADS for one proxy. Resource versions are content hashes, so a
// reconnecting proxy's initial_resource_versions spare it every resource it already has.
import { EncodedResource, TypeUrl } from '../../provider/envoy/snapshot';
import { decodeDeltaDiscoveryRequest, DeltaDiscoveryRequest, encodeDeltaDiscoveryResponse } from './discovery-messages';
import { AdsStreamBase } from './ads-stream-base';
import { Held, heldHash, heldNames, HeldSet } from './held-set';
import { hasName, NameList, nameList, NO_NAMES } from './name-list';
import { servedType, typeSlot } from './per-type';
import { TypeMarks } from './proxy-session';
import { truncateNackText } from './stream-limits';
import { FULL_STATE_TYPES, PUSH_ORDER, REMOVAL_ORDER } from './stream-host';
import { versionOf, versionOfMap } from './versions';

/** A proxy's state of one type: its subscription, what it holds as far as we know, and (inherited) the session's marks. */
class TypeState extends TypeMarks {
  wildcard = false;
  /** Explicitly subscribed names. */
  names: NameList = NO_NAMES;
  /** Explicitly subscribed names we told the proxy do not exist (created on the first). */
  toldAbsent: Set<string> | undefined = undefined;
  /** `name@hash` the proxy rejected: never sent to it again (created on the first NACK). */
  rejected: Set<string> | undefined = undefined;
  nonce: string | undefined = undefined;
  /**
   * The last response until it is ACKed: what it carried, and the versions it replaced (restored if
   * the proxy rejects it).
   */
  last: { version: string; updates: EncodedResource[]; replaced: Map<string, string | undefined> } | undefined = undefined;

  constructor(
    /**
     * name → version (content hash) the proxy holds, as far as we know: after each response expressed
     * against what the proxy should hold, so a proxy in sync holds its snapshot's map itself (no
     * object of its own); a HeldSet while it differs.
     */
    public client: Held,
  ) {
    super();
  }
}

/** The stream's view of what the proxy holds, as a set to change. */
function changing(state: TypeState): HeldSet {
  if (!(state.client instanceof HeldSet)) state.client = HeldSet.of(state.client);
  return state.client;
}

interface Delta {
  /** What the proxy should hold. */
  desired: ReadonlyMap<string, EncodedResource>;
  version: string;
  updates: EncodedResource[];
  removals: string[];
}

export class DeltaStream extends AdsStreamBase<DeltaDiscoveryRequest, TypeState> {
  protected decode(bytes: Buffer): DeltaDiscoveryRequest {
    return decodeDeltaDiscoveryRequest(bytes);
  }

  protected handle(request: DeltaDiscoveryRequest): void {
    const typeUrl = servedType(request.type_url);
    let state = typeUrl && this.types[typeSlot(typeUrl)];
    const first = state === undefined;
    const initial = first ? Object.entries(request.initial_resource_versions) : [];
    const subscribe = request.resource_names_subscribe;
    this.checkSubscription(this.subscriptionCount(), initial.length > 0 ? [...subscribe, ...initial.map(([name]) => name)] : subscribe);
    const session = this.admitOnce(request.node, 'delta', request.type_url, subscribe);
    if (!typeUrl) return;
    if (!state) {
      // A reconnecting proxy holds what it lists (versions are content hashes).
      state = new TypeState(HeldSet.fromHashes(initial).settled());
      this.types[typeSlot(typeUrl)] = state;
      session.holds(typeUrl, state.client);
    }
    if (request.response_nonce) {
      // Answers an older response, or repeats the ACK of the last one: ignore it.
      if (request.response_nonce !== state.nonce || !state.last) return;
      const last = state.last;
      if (request.error_detail) {
        // The proxy keeps what it had: restore our view of it, and never resend what it rejected.
        const client = changing(state);
        for (const [name, previous] of last.replaced) {
          const rejectedHash = client.hash(name);
          if (rejectedHash !== undefined) (state.rejected ??= new Set()).add(`${name}@${rejectedHash}`);
          if (previous === undefined) client.delete(name);
          else client.set(name, previous);
        }
        state.client = client.settled();
        // The text is kept per rejected resource: cut to 4 KiB like every stored NACK text.
        session.rejects(typeUrl, last.updates, truncateNackText(request.error_detail.message));
        this.nacked(session, typeUrl, last.version, request.error_detail.message, request.error_detail.code);
      } else {
        // The ACK of the latest response: the proxy holds what we sent it, this one and the ones before.
        state.last = undefined;
        session.holds(typeUrl, state.client);
        this.host.acked(session, typeUrl, last.version);
      }
    }
    const unsubscribe = request.resource_names_unsubscribe;
    if (subscribe.length === 0 && unsubscribe.length === 0 && !first) return;
    if (first && subscribe.length === 0 && FULL_STATE_TYPES.has(typeUrl)) state.wildcard = true;
    const names = new Set(state.names);
    for (const name of subscribe) {
      if (name === '*') state.wildcard = true;
      else if (!names.has(name)) names.add(this.snapshotName(typeUrl, name));
    }
    for (const name of unsubscribe) {
      if (name === '*') state.wildcard = false;
      else {
        names.delete(name);
        state.toldAbsent?.delete(name);
        if (!state.wildcard && heldHash(state.client, name) !== undefined) changing(state).delete(name); // the proxy drops it itself
      }
    }
    state.names = nameList(names);
    const delta = this.compute(typeUrl, state);
    // The first request of a type always gets an answer, so a proxy with nothing to receive still initialises.
    if (first || delta.updates.length > 0 || delta.removals.length > 0) this.send(typeUrl, state, delta, delta.updates, delta.removals);
  }

  /** Names this stream holds subscribed, all types together. */
  private subscriptionCount(): number {
    let count = 0;
    for (const state of this.types) if (state) count += state.names.length;
    return count;
  }

  private compute(typeUrl: TypeUrl, state: TypeState): Delta {
    const desired = this.subscribed(typeUrl, state);
    const updates: EncodedResource[] = [];
    for (const resource of desired.values()) {
      if (heldHash(state.client, resource.name) !== resource.hash && !state.rejected?.has(`${resource.name}@${resource.hash}`)) updates.push(resource);
    }
    const removals: string[] = [];
    for (const name of heldNames(state.client)) if (!desired.has(name)) removals.push(name);
    for (const name of state.names) {
      if (!desired.has(name) && heldHash(state.client, name) === undefined && !state.toldAbsent?.has(name)) removals.push(name);
    }
    const version = desired === this.snapshot?.resources.get(typeUrl) ? versionOfMap(desired) : versionOf(desired.values());
    return { desired, version, updates, removals };
  }

  private send(typeUrl: TypeUrl, state: TypeState, delta: Delta, updates: EncodedResource[], removals: string[]): void {
    const client = changing(state);
    const replaced = new Map<string, string | undefined>();
    for (const resource of updates) {
      replaced.set(resource.name, client.hash(resource.name));
      client.set(resource.name, resource.hash);
      state.toldAbsent?.delete(resource.name);
    }
    for (const name of removals) {
      client.delete(name);
      if (hasName(state.names, name)) (state.toldAbsent ??= new Set()).add(name);
    }
    // Once the proxy is sent all it should hold, its view is the snapshot's map and no copy.
    client.rebase(delta.desired);
    state.client = client.settled();
    const nonce = this.nextNonce();
    state.nonce = nonce;
    state.last = { version: delta.version, updates, replaced };
    this.call.write(encodeDeltaDiscoveryResponse(delta.version, typeUrl, nonce, updates, removals));
    this.session!.sent(typeUrl, delta.version);
  }

  push(): void {
    if (this.closed || !this.session) return;
    this.refreshSnapshot();
    const pending: { typeUrl: TypeUrl; state: TypeState; delta: Delta }[] = [];
    for (const typeUrl of PUSH_ORDER) {
      const state = this.types[typeSlot(typeUrl)];
      if (!state) continue;
      const delta = this.compute(typeUrl, state);
      if (delta.updates.length > 0) this.send(typeUrl, state, delta, delta.updates, []);
      if (delta.removals.length > 0) pending.push({ typeUrl, state, delta });
    }
    // Make before break: removals only after every addition and update is out.
    for (const typeUrl of REMOVAL_ORDER) {
      const entry = pending.find((p) => p.typeUrl === typeUrl);
      if (entry) this.send(typeUrl, entry.state, entry.delta, [], entry.delta.removals);
    }
  }
}
