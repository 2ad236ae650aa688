// Every bundled environment, the client-forms model and fixture walkthrough, translated for every proxy in both flavours.
import { EnvoyTranslator } from '../../provider/envoy/translator';
import { Flavour, ProxyIdentity, ProxySnapshot } from '../../provider/envoy/snapshot';
import { clientFormsModel, environmentModel, fixtureModel, FIXTURE_WALKTHROUGHS, GOLDEN_ENDPOINTS, TestModel } from './models';

export const ENVIRONMENTS = ['apps', 'ingress'];

export interface CorpusCase {
  name: string;
  translator: EnvoyTranslator;
  snapshots: Array<{ proxy: ProxyIdentity; flavour: Flavour; snapshot: ProxySnapshot }>;
}

export async function corpusModels(): Promise<TestModel[]> {
  const envs = await Promise.all(ENVIRONMENTS.map(environmentModel));
  return [...envs, await clientFormsModel(), ...FIXTURE_WALKTHROUGHS.map(fixtureModel)];
}

export function translateCase(m: TestModel): CorpusCase {
  const translator = new EnvoyTranslator({ retainSources: true });
  translator.update(m.model, m.config, GOLDEN_ENDPOINTS);
  const snapshots: CorpusCase['snapshots'] = [];
  for (const proxy of translator.proxies()) {
    for (const flavour of ['envoy', 'grpc'] as Flavour[]) {
      const snapshot = translator.snapshot(proxy, flavour);
      if (snapshot) snapshots.push({ proxy, flavour, snapshot });
    }
  }
  return { name: m.name, translator, snapshots };
}
