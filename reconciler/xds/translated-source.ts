// The SnapshotSource the daemon serves: the Envoy translation of the applied model, with endpoints
// from the registry. A registry change re-runs the translation on the same model, which re-builds
// only the proxies that read the changed service, so EDS goes only to the proxies that use it.
import { EnvoyTranslator } from '../../provider/envoy/translator';
import { EndpointSource, Flavour, ProxyIdentity, ProxySnapshot, proxyKey } from '../../provider/envoy/snapshot';
import { MeshModel } from '../../provider/model/mesh-model';
import { EnvironmentConfig } from '../../provider/environment/environment-config';
import { SnapshotSource } from './snapshot-source';

/** An endpoint source that says when its answers may have changed (the registry does). */
export interface ObservableEndpointSource extends EndpointSource {
  subscribe(listener: (changed: ReadonlySet<string>) => void): () => void;
}

export class TranslatedSnapshotSource implements SnapshotSource {
  private readonly listeners = new Set<(changed: ReadonlySet<string>) => void>();
  private known = new Set<string>();
  private applied: { model: MeshModel; config: EnvironmentConfig } | undefined;
  private readonly unsubscribeEndpoints: () => void;

  constructor(
    private readonly endpoints: ObservableEndpointSource,
    readonly translator: EnvoyTranslator = new EnvoyTranslator(),
  ) {
    this.unsubscribeEndpoints = endpoints.subscribe(() => this.translate());
  }

  /** Serves a newly applied model; returns (and announces) the proxies whose configuration changed. */
  apply(model: MeshModel, config: EnvironmentConfig): ReadonlySet<string> {
    this.applied = { model, config };
    return this.translate();
  }

  knows(proxy: ProxyIdentity): boolean {
    return this.known.has(proxyKey(proxy));
  }

  snapshot(proxy: ProxyIdentity, flavour: Flavour): ProxySnapshot | undefined {
    return this.translator.snapshot(proxy, flavour);
  }

  subscribe(listener: (changed: ReadonlySet<string>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.unsubscribeEndpoints();
    this.listeners.clear();
  }

  private translate(): ReadonlySet<string> {
    if (!this.applied) return new Set();
    const { changedProxies } = this.translator.update(this.applied.model, this.applied.config, this.endpoints);
    this.known = new Set(this.translator.proxies().map(proxyKey));
    if (changedProxies.size > 0) for (const listener of this.listeners) listener(changedProxies);
    return changedProxies;
  }
}
