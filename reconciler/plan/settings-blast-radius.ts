// Which proxies a settings change reaches: the desired model is translated with the applied
// settings and with the desired ones, for both client flavours, and proxies whose resources differ
// are affected. Exact for any setting the translation reads (defaultRetryPolicy, region, static
// instances, …), without a list of who reads what to keep up to date.
import { defaultEnvironment, EnvironmentConfig } from '../../provider/environment/environment-config';
import { arnResourcePath } from '../../provider/model/identity';
import { MeshModel } from '../../provider/model/mesh-model';
import { syntheticSource } from '../../provider/model/resource';
import { EnvoyTranslator, sameSnapshot } from '../../provider/envoy/translator';
import { EndpointRegistry } from '../registry/endpoint-registry';
import { compareStrings } from './canonical';
import { PlanResource, ProxyRef } from './plan-types';
import { ServedSettings } from './served-settings';

function translate(name: string, model: MeshModel, settings: ServedSettings): EnvoyTranslator {
  const config: EnvironmentConfig = { ...defaultEnvironment(name), ...settings };
  const endpoints = new EndpointRegistry();
  endpoints.setStatic(settings.discovery.instances);
  const translator = new EnvoyTranslator();
  translator.update(model, config, endpoints);
  return translator;
}

export function settingsBlastRadius(environment: string, desired: readonly PlanResource[], before: ServedSettings, after: ServedSettings): ProxyRef[] {
  const model = new MeshModel(desired.map((r) => ({ kind: r.identity.kind, identity: r.identity, key: r.key, doc: r.doc, source: r.source ?? syntheticSource('plan') })));
  const old = translate(environment, model, before);
  const next = translate(environment, model, after);
  const affected: ProxyRef[] = [];
  for (const proxy of next.proxies()) {
    if ((['envoy', 'grpc'] as const).every((flavour) => sameSnapshot(old.snapshot(proxy, flavour), next.snapshot(proxy, flavour)))) continue;
    affected.push({ kind: proxy.kind, meshName: proxy.meshName, name: proxy.name, id: arnResourcePath({ kind: proxy.kind, meshName: proxy.meshName, name: proxy.name }) });
  }
  return affected.sort((a, b) => compareStrings(a.id, b.id));
}
