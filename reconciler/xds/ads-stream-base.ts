// What the state-of-the-world and the delta ADS streams share: the call's lifecycle, decoding a
// request and closing the stream on a protocol error, choosing a proxy's resources of a type, and
// the per-stream bounds (idle timeout, subscription count and name length, NACK reporting).
import { EncodedResource, ProxySnapshot, TypeUrl } from '../../provider/envoy/snapshot';
import { XdsStreamError, xdsErrors } from './errors';
import { CallHandler, GrpcCall } from './grpc/grpc-call';
import { NackBudget } from './nack-budget';
import { hasName, NameList } from './name-list';
import { ProxySession, ServedView, TypeMarks } from './proxy-session';
import { perType, PerType } from './per-type';
import { AdsStream, StreamHost } from './stream-host';
import { isV2TypeUrl } from './v2-services';
import { truncateNackText } from './stream-limits';

const EMPTY: ReadonlyMap<string, EncodedResource> = new Map();

/** A proxy's subscription to one type: every resource (wildcard) and/or the names it asked for. */
export interface Subscription {
  wildcard: boolean;
  names: NameList;
}

export abstract class AdsStreamBase<Request, State extends Subscription & TypeMarks> implements AdsStream, ServedView, CallHandler {
  session: ProxySession | undefined;
  /** Per type the proxy asked for: its subscription, the protocol's bookkeeping and the session's marks. */
  readonly types: PerType<State> = perType();
  /** Nonces are short and unique per stream; a stale nonce is any but the last one sent for a type. */
  private nonces = 0;
  protected snapshot: ProxySnapshot | undefined;
  protected closed = false;
  private released = false;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Created at the stream's first NACK: most streams never send one. */
  private nackBudget: NackBudget | undefined;

  constructor(
    readonly call: GrpcCall,
    protected readonly host: StreamHost,
    readonly connectionId: string,
  ) {
    const { idleTimeoutMs } = host.limits;
    if (idleTimeoutMs > 0) {
      this.idleTimer = setTimeout(() => this.close(xdsErrors.idleStream(idleTimeoutMs)), idleTimeoutMs);
      this.idleTimer.unref();
    }
    call.listen(this);
  }

  message(bytes: Buffer): void {
    this.onRequest(bytes);
  }

  halfClosed(): void {
    this.close();
  }

  gone(): void {
    this.release();
  }

  protected abstract decode(bytes: Buffer): Request;
  protected abstract handle(request: Request): void;
  abstract push(): void;

  private onRequest(bytes: Buffer): void {
    if (this.closed) return;
    let request: Request;
    try {
      request = this.decode(bytes);
    } catch (error) {
      return this.close(xdsErrors.undecodableRequest((error as Error).message));
    }
    try {
      this.handle(request);
    } catch (error) {
      if (error instanceof XdsStreamError) return this.close(error);
      throw error;
    } finally {
      // The session's dependency closure reads the subscriptions.
      this.session?.changed();
    }
  }

  /** Takes the proxy's current snapshot (before a push). */
  protected refreshSnapshot(): void {
    this.snapshot = this.host.snapshot(this.session!);
    this.session!.changed();
  }

  /** On every request: refuses v2 types; on the stream's first request: admits the proxy (identity, auth, limits) and takes its snapshot. */
  protected admitOnce(node: Parameters<StreamHost['admit']>[1], protocol: 'sotw' | 'delta', typeUrl: string, names: readonly string[]): ProxySession {
    // A v2 resource type on the v3 stream (a client half-switched to v3): say what to change, before anything else.
    if (isV2TypeUrl(typeUrl)) throw xdsErrors.xdsV2(`type_url "${typeUrl}" is an xDS v2 resource type`);
    if (!this.session) {
      this.session = this.host.admit(this, node, protocol, typeUrl, names);
      this.snapshot = this.host.snapshot(this.session);
      // The stream itself is the session's view (no closures per proxy).
      this.session.serve(this);
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    return this.session;
  }

  served(): ProxySnapshot | undefined {
    return this.snapshot;
  }

  protected nextNonce(): string {
    return (++this.nonces).toString(36);
  }

  /** A requested name as the snapshot's own string when it has the resource (the request's copy would be kept per proxy). */
  protected snapshotName(typeUrl: TypeUrl, name: string): string {
    return this.snapshot?.resources.get(typeUrl)?.get(name)?.name ?? name;
  }

  /**
   * Refuses (by throwing) names longer than the limit, and a subscription that would grow past the
   * per-stream limit; `held` is what the stream holds before this request, `names` what it adds.
   */
  protected checkSubscription(held: number, names: Iterable<string>): void {
    const { maxSubscriptionsPerStream, maxResourceNameBytes } = this.host.limits;
    let added = 0;
    for (const name of names) {
      // Length in UTF-16 units bounds the byte length from below and is free to read.
      if (name.length > maxResourceNameBytes || Buffer.byteLength(name) > maxResourceNameBytes) throw xdsErrors.nameTooLong(Buffer.byteLength(name), maxResourceNameBytes);
      added++;
    }
    if (held + added > maxSubscriptionsPerStream) throw xdsErrors.tooManySubscriptions(held + added, maxSubscriptionsPerStream);
  }

  /** A NACK: recorded on the session (its text cut to 4 KiB); reported to the server within the stream's NACK budget. */
  protected nacked(session: ProxySession, typeUrl: TypeUrl, version: string, message: string, code: number): void {
    const text = truncateNackText(message);
    session.nacked(typeUrl, version, text, code);
    this.nackBudget ??= new NackBudget(this.host.limits.nacksPerMinute);
    const budget = this.nackBudget.take();
    session.nacksSuppressed = this.nackBudget.suppressed;
    if (budget.report) this.host.nacked(session, typeUrl, version, text, code, budget.suppressedBefore);
  }

  /**
   * The resources of a type this proxy should hold under its subscription: the snapshot's own map
   * (shared, not a per-proxy copy) when it subscribed to all of them, by wildcard or by name.
   */
  protected subscribed(typeUrl: TypeUrl, subscription: Subscription): ReadonlyMap<string, EncodedResource> {
    const all = this.snapshot?.resources.get(typeUrl) ?? EMPTY;
    if (subscription.wildcard || namesAll(subscription.names, all)) return all;
    const selected = new Map<string, EncodedResource>();
    for (const name of subscription.names) {
      const resource = all.get(name);
      if (resource) selected.set(name, resource);
    }
    return selected;
  }

  close(error?: XdsStreamError): void {
    if (this.closed) return;
    this.closed = true;
    if (error) this.call.fail(error);
    else this.call.end();
    this.release();
  }

  private release(): void {
    this.closed = true;
    clearTimeout(this.idleTimer);
    if (this.released) return;
    this.released = true;
    this.host.release(this);
  }
}

function namesAll(names: NameList, resources: ReadonlyMap<string, EncodedResource>): boolean {
  if (names.length < resources.size) return false;
  for (const name of resources.keys()) if (!hasName(names, name)) return false;
  return true;
}
