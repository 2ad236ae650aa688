// Envoy translation benchmark: a generated mesh of 2,000 virtual nodes with 10 backends each,
// translated for every proxy; then one route changes and only the proxies that reach it are
// re-translated. Targets (issue 4): all proxies < 1 s, one route change < 50 ms. The floor is
// plain protobuf encoding of the same distinct resources, measured in the same run.
import { identityKey, identityOf } from '../provider/model/identity';
import { inferKind, isKind } from '../provider/model/kinds';
import { MeshModel } from '../provider/model/mesh-model';
import { Resource, ResourceDocument, syntheticSource } from '../provider/model/resource';
import { defaultEnvironment } from '../provider/environment/environment-config';
import { EnvoyTranslator } from '../provider/envoy/translator';
import { encodeMessage } from '../provider/envoy/proto-codec';
import { EncodedResource, EndpointSource } from '../provider/envoy/snapshot';
import { below, Report } from './report';
import { Document, syntheticMeshDocuments } from './synthetic-mesh';

const SERVICES = 2000;
const BACKENDS = 10;

function toResource(doc: Document, index: number): Resource {
  const kind = isKind(doc.kind) ? doc.kind : inferKind(doc)!;
  const identity = identityOf(kind, doc)!;
  return { kind, identity, key: identityKey(identity), doc: doc as ResourceDocument, source: syntheticSource(`bench/${index}.yaml`) };
}

const NO_ENDPOINTS: EndpointSource = { lookup: () => undefined };

function ms(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e6;
}

export async function run(report: Report): Promise<void> {
  const config = defaultEnvironment('bench');
  // Warm up (proto loading, generated codecs, JIT) on a small mesh: the daemon runs long.
  const small = new MeshModel(syntheticMeshDocuments({ services: 200, backendsPerNode: BACKENDS, meshName: 'warm' }).map(toResource));
  new EnvoyTranslator().update(small, config, NO_ENDPOINTS);

  const resources = syntheticMeshDocuments({ services: SERVICES, backendsPerNode: BACKENDS }).map(toResource);
  const model = new MeshModel(resources);
  const translator = new EnvoyTranslator({ retainSources: true });

  let started = process.hrtime.bigint();
  const first = translator.update(model, config, NO_ENDPOINTS);
  const fullMs = ms(started);

  const unique = new Set<EncodedResource>();
  let referenced = 0;
  let references = 0;
  for (const proxy of translator.proxies()) {
    for (const named of translator.snapshot(proxy, 'envoy')!.resources.values()) {
      for (const resource of named.values()) {
        unique.add(resource);
        referenced += resource.bytes.length;
        references++;
      }
    }
  }
  const encoded = [...unique].reduce((sum, r) => sum + r.bytes.length, 0);

  // Floor: encode each distinct resource once from its readable form, nothing else.
  started = process.hrtime.bigint();
  for (const resource of unique) encodeMessage(resource.typeUrl, translator.pool.sourceOf(resource)!, resource.name);
  const floorMs = ms(started);

  started = process.hrtime.bigint();
  for (const proxy of translator.proxies()) translator.snapshot(proxy, 'grpc');
  const grpcMs = ms(started);

  report({
    measurement: 'envoy: translate all proxies (envoy flavour)',
    value: fullMs,
    unit: 'ms',
    floor: floorMs,
    target: below(1000),
    details: {
      proxies: first.changedProxies.size,
      resources: unique.size,
      references,
      encoded_bytes: encoded,
      referenced_bytes: referenced,
      sharing_ratio: referenced / encoded,
    },
  });
  report({ measurement: 'envoy: translate all proxies (grpc flavour)', value: grpcMs, unit: 'ms', target: below(1000), details: { proxies: translator.proxies().length } });

  // One route changes its retry policy: only the clients of that service are touched.
  const changedIndex = resources.findIndex((r) => r.kind === 'Route' && r.identity.name === 'route-7');
  const route = resources[changedIndex];
  const spec = JSON.parse(JSON.stringify(route.doc.spec));
  spec.httpRoute.retryPolicy.maxRetries = 3;
  const next = [...resources];
  next[changedIndex] = { ...route, doc: { ...route.doc, spec } };
  started = process.hrtime.bigint();
  const second = translator.update(new MeshModel(next), config, NO_ENDPOINTS);
  report({ measurement: 'envoy: re-translate after one route change', value: ms(started), unit: 'ms', target: below(50), details: { changed_proxies: second.changedProxies.size } });
}
