// StreamAggregatedResources: state-of-the-world ADS for one proxy.
import { EncodedResource, TypeUrl } from '../../provider/envoy/snapshot';
import { decodeDiscoveryRequest, DiscoveryRequest, encodeDiscoveryResponse } from './discovery-messages';
import { AdsStreamBase } from './ads-stream-base';
import { NameList, nameList, NO_NAMES, sameNames } from './name-list';
import { servedType, typeSlot } from './per-type';
import { TypeMarks } from './proxy-session';
import { truncateNackText } from './stream-limits';
import { FULL_STATE_TYPES, PUSH_ORDER, REMOVAL_ORDER } from './stream-host';
import { versionOf, versionOfMap } from './versions';

const NOTHING_SENT: ReadonlyMap<string, EncodedResource> = new Map();

/** A proxy's state of one type: its subscription, what it was given, and (inherited) the session's marks. */
class TypeState extends TypeMarks {
  wildcard = false;
  names: NameList = NO_NAMES;
  /**
   * What the proxy was last given: the last response (for removals made after additions), or what
   * it said it runs. Snapshot maps are immutable, so shared.
   */
  given: ReadonlyMap<string, EncodedResource> = NOTHING_SENT;
  givenVersion: string | undefined = undefined;
  nonce: string | undefined = undefined;
  /** Versions this proxy rejected: never sent to it again (created on the first NACK). */
  rejected: Set<string> | undefined = undefined;
}

export class SotwStream extends AdsStreamBase<DiscoveryRequest, TypeState> {
  protected decode(bytes: Buffer): DiscoveryRequest {
    return decodeDiscoveryRequest(bytes);
  }

  protected handle(request: DiscoveryRequest): void {
    const typeUrl = servedType(request.type_url);
    let state = typeUrl && this.types[typeSlot(typeUrl)];
    let held = 0;
    for (const other of this.types) if (other && other !== state) held += other.names.length;
    this.checkSubscription(held, request.resource_names);
    const session = this.admitOnce(request.node, 'sotw', request.type_url, request.resource_names);
    // Types we do not serve (RTDS, ECDS, …) are left unanswered, as Envoy tolerates for optional types.
    if (!typeUrl) return;
    const first = state === undefined;
    if (!state) {
      state = new TypeState();
      this.types[typeSlot(typeUrl)] = state;
    }
    if (request.response_nonce) {
      if (request.response_nonce !== state.nonce) return; // answers an older response: ignore it
      if (request.error_detail) {
        const version = state.givenVersion ?? '';
        (state.rejected ??= new Set()).add(version);
        session.rejects(typeUrl, state.given.values(), truncateNackText(request.error_detail.message));
        this.nacked(session, typeUrl, version, request.error_detail.message, request.error_detail.code);
      } else if (state.givenVersion !== undefined) {
        // A state-of-the-world response is everything the proxy holds of the type.
        session.holdsExactly(typeUrl, state.given);
        this.host.acked(session, typeUrl, state.givenVersion);
      }
    } else if (request.version_info) {
      // A reconnecting proxy tells what it runs; that is its ACKed version on this stream.
      this.host.acked(session, typeUrl, request.version_info);
    }
    const subscriptionChanged = this.subscribe(state, typeUrl, request.resource_names, first);
    if (first || subscriptionChanged) {
      const resources = this.subscribed(typeUrl, state);
      const clientHas = request.response_nonce ? undefined : request.version_info;
      this.send(typeUrl, state, resources, clientHas);
    }
  }

  /** Applies the request's resource_names; true when the subscription changed. */
  private subscribe(state: TypeState, typeUrl: TypeUrl, names: readonly string[], first: boolean): boolean {
    const wildcard =
      names.includes('*') || (FULL_STATE_TYPES.has(typeUrl) && names.length === 0 && (first || state.wildcard));
    const explicit = nameList(names.filter((name) => name !== '*'));
    const changed = wildcard !== state.wildcard || !sameNames(explicit, state.names);
    state.wildcard = wildcard;
    // Kept only when it changed (a proxy repeats its names on every ACK), in the snapshot's strings.
    if (changed) state.names = explicit === NO_NAMES ? NO_NAMES : explicit.map((name) => this.snapshotName(typeUrl, name));
    return changed;
  }

  private send(typeUrl: TypeUrl, state: TypeState, resources: ReadonlyMap<string, EncodedResource>, clientHas?: string): void {
    const version = resources === this.snapshot?.resources.get(typeUrl) ? versionOfMap(resources) : versionOf(resources.values());
    if (version === state.givenVersion || state.rejected?.has(version)) return;
    state.givenVersion = version;
    state.given = resources;
    if (clientHas === version) {
      // It already runs exactly this (reconnect, or another replica).
      this.session!.holdsExactly(typeUrl, resources);
      return;
    }
    const nonce = this.nextNonce();
    state.nonce = nonce;
    this.call.write(encodeDiscoveryResponse(version, typeUrl, nonce, resources.values()));
    this.session!.sent(typeUrl, version);
  }

  push(): void {
    if (this.closed || !this.session) return;
    this.refreshSnapshot();
    const removalsPending: TypeUrl[] = [];
    for (const typeUrl of PUSH_ORDER) {
      const state = this.types[typeSlot(typeUrl)];
      if (!state) continue;
      const desired = this.subscribed(typeUrl, state);
      if (FULL_STATE_TYPES.has(typeUrl)) {
        // Make before break: keep what is going away until the new listeners and routes are out.
        const kept = [...state.given.values()].filter((resource) => !desired.has(resource.name));
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
      if (!removalsPending.includes(typeUrl)) continue;
      const state = this.types[typeSlot(typeUrl)]!;
      this.send(typeUrl, state, this.subscribed(typeUrl, state));
    }
  }
}
