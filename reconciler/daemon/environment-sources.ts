// One xDS server serves every environment: each environment has its own translation (a
// TranslatedSnapshotSource), and a proxy is served by the environment whose applied model has
// its virtual node or gateway. A mesh defined by two environments is served by the first.
import { Flavour, ProxyIdentity, ProxySnapshot } from '../../provider/envoy/snapshot';
import { SnapshotSource } from '../xds/snapshot-source';
import { ObservableEndpointSource, TranslatedSnapshotSource } from '../xds/translated-source';

export class EnvironmentSources implements SnapshotSource {
  private readonly sources = new Map<string, TranslatedSnapshotSource>();
  private readonly listeners = new Set<(changed: ReadonlySet<string>) => void>();

  constructor(private readonly endpoints: ObservableEndpointSource) {}

  /** The environment's translation (created on first use). */
  of(environment: string): TranslatedSnapshotSource {
    let source = this.sources.get(environment);
    if (!source) {
      source = new TranslatedSnapshotSource(this.endpoints);
      source.subscribe((changed) => {
        for (const listener of this.listeners) listener(changed);
      });
      this.sources.set(environment, source);
    }
    return source;
  }

  /** The environment serving a proxy, or undefined when none knows it. */
  environmentOf(proxy: ProxyIdentity): string | undefined {
    for (const [environment, source] of this.sources) if (source.knows(proxy)) return environment;
    return undefined;
  }

  knows(proxy: ProxyIdentity): boolean {
    return this.environmentOf(proxy) !== undefined;
  }

  snapshot(proxy: ProxyIdentity, flavour: Flavour): ProxySnapshot | undefined {
    const environment = this.environmentOf(proxy);
    return environment === undefined ? undefined : this.sources.get(environment)!.snapshot(proxy, flavour);
  }

  subscribe(listener: (changed: ReadonlySet<string>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    for (const source of this.sources.values()) source.close();
    this.listeners.clear();
  }
}
