// The graph layer kept across revisions (GraphFindingsCache) gives exactly what validateGraph
// gives on the whole model, on random edit sequences over the Appendix B.2 mesh: resources renamed
// while others reference them, removed, copied (duplicates, names differing in case), moved,
// listeners, TLS on both sides, backends, targets, providers, meshes and quotas changed. Unchanged
// documents keep their Resource objects, as the daemon's loader gives them.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { EnvironmentConfig } from '../../provider/environment/environment-config';
import { identityKey, identityOf } from '../../provider/model/identity';
import { KIND_INFO } from '../../provider/model/kinds';
import { MeshModel } from '../../provider/model/mesh-model';
import { Resource, ResourceDocument } from '../../provider/model/resource';
import { GraphFindingsCache } from '../../provider/validate/graph-findings-cache';
import { validateGraph } from '../../provider/validate/graph-layer';
import { loadApps } from './validate-fixtures';

type Doc = Record<string, any>;

type Edit =
  | { op: 'rename' | 'reparent' | 'copy'; slot: number; name: number; at: number }
  | { op: 'remove'; slot: number }
  | { op: 'move'; slot: number; at: number }
  | { op: 'listener'; slot: number; second: boolean; protocol: number; port: number; tls: number }
  | { op: 'clientTls'; slot: number; enforce: boolean; certificate: boolean; ports: boolean }
  | { op: 'backend'; slot: number; name: number; remove: boolean; arn: boolean }
  | { op: 'target'; slot: number; name: number; port: number; timeout: boolean }
  | { op: 'provider'; slot: number; name: number; kind: number }
  | { op: 'mesh'; slot: number; name: number; egress: boolean }
  | { op: 'quotas'; value: number };

const n = fc.nat({ max: 40 });
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constantFrom('rename' as const, 'reparent' as const, 'copy' as const), slot: n, name: n, at: n }),
  fc.record({ op: fc.constant('remove' as const), slot: n }),
  fc.record({ op: fc.constant('move' as const), slot: n, at: n }),
  fc.record({ op: fc.constant('listener' as const), slot: n, second: fc.boolean(), protocol: n, port: n, tls: n }),
  fc.record({ op: fc.constant('clientTls' as const), slot: n, enforce: fc.boolean(), certificate: fc.boolean(), ports: fc.boolean() }),
  fc.record({ op: fc.constant('backend' as const), slot: n, name: n, remove: fc.boolean(), arn: fc.boolean() }),
  fc.record({ op: fc.constant('target' as const), slot: n, name: n, port: n, timeout: fc.boolean() }),
  fc.record({ op: fc.constant('provider' as const), slot: n, name: n, kind: n }),
  fc.record({ op: fc.constant('mesh' as const), slot: n, name: n, egress: fc.boolean() }),
  fc.record({ op: fc.constant('quotas' as const), value: fc.integer({ min: 1, max: 8 }) }),
);

const PROTOCOLS = ['http', 'http2', 'grpc', 'tcp'];
const PORTS = [80, 8080, 9090, 5432];
const CERTIFICATE = { file: { certificateChain: '/certs/chain.pem', privateKey: '/certs/key.pem' } };
const TRUST = { trust: { file: { certificateChain: '/certs/ca.pem' } } };
const LISTENER_TLS = [undefined, { mode: 'STRICT', certificate: CERTIFICATE, validation: TRUST }, { mode: 'DISABLED', certificate: CERTIFICATE }, { mode: 'PERMISSIVE', certificate: CERTIFICATE }];

function withQuotas(config: EnvironmentConfig, value: number): EnvironmentConfig {
  const environment = structuredClone(config);
  Object.assign(environment.quotas, {
    virtualNodesPerMesh: value + 3,
    virtualServicesPerMesh: value + 3,
    virtualRoutersPerMesh: value + 1,
    virtualGatewaysPerMesh: 1,
    routesPerVirtualRouter: value,
    gatewayRoutesPerVirtualGateway: value,
    backendsPerVirtualNode: value,
    meshesPerAccount: 1,
  });
  return environment;
}

/** A resource for an edited document (a new object, as the loader gives for a changed file). */
function resourceOf(doc: Doc, like: Resource): Resource {
  const kind = like.kind;
  const info = KIND_INFO[kind];
  const identity = identityOf(kind, doc) ?? { kind, meshName: String(doc.meshName ?? ''), name: String(doc[info.nameKey] ?? ''), parentName: info.parentKind ? String(doc[info.identityKeys[1]] ?? '') : undefined };
  return { kind, identity, key: identityKey(identity), doc: { ...doc, kind } as ResourceDocument, source: like.source };
}

describe('incremental graph findings (GraphFindingsCache)', () => {
  let base: Resource[];
  let config: EnvironmentConfig;
  /** Names in use per kind, their upper-case spellings, and one unknown name: what edits pick from. */
  let names: Map<string, string[]>;
  before(async () => {
    const apps = await loadApps();
    base = apps.resources;
    config = withQuotas(apps.config, 3);
    names = new Map();
    for (const r of base) names.set(r.kind, [...(names.get(r.kind) ?? []), r.identity.name, r.identity.name.toUpperCase()]);
    for (const list of names.values()) list.push('missing');
  });

  function applyEdit(resources: Resource[], e: Edit, environment: { config: EnvironmentConfig }): void {
    if (e.op === 'quotas') {
      environment.config = withQuotas(config, e.value);
      return;
    }
    if (resources.length === 0) return;
    const slot = e.slot % resources.length;
    const old = resources[slot];
    const doc = structuredClone(old.doc) as Doc;
    const spec: Doc = (doc.spec ??= {});
    const pick = (kind: string, i: number) => {
      const list = names.get(kind) ?? ['missing'];
      return list[i % list.length];
    };
    const nameKey = KIND_INFO[old.kind].nameKey;
    switch (e.op) {
      case 'remove':
        resources.splice(slot, 1);
        return;
      case 'move':
        resources.splice(slot, 1);
        resources.splice(e.at % (resources.length + 1), 0, resourceOf(doc, old));
        return;
      case 'rename':
        if (old.kind === 'Mesh') doc.meshName = pick('Mesh', e.name);
        else doc[nameKey] = pick(old.kind, e.name);
        break;
      case 'copy':
        if (old.kind !== 'Mesh') doc[nameKey] = pick(old.kind, e.name);
        resources.splice(e.at % (resources.length + 1), 0, resourceOf(doc, old));
        return;
      case 'reparent': {
        const parentKind = KIND_INFO[old.kind].parentKind;
        if (!parentKind) return;
        doc[KIND_INFO[old.kind].identityKeys[1]] = pick(parentKind, e.name);
        break;
      }
      case 'listener': {
        if (!['VirtualNode', 'VirtualRouter', 'VirtualGateway'].includes(old.kind)) return;
        const listeners: Doc[] = (spec.listeners ??= []);
        const listener: Doc = { portMapping: { port: PORTS[e.port % PORTS.length], protocol: PROTOCOLS[e.protocol % PROTOCOLS.length] } };
        const tls = LISTENER_TLS[e.tls % LISTENER_TLS.length];
        if (tls && old.kind !== 'VirtualRouter') listener.tls = tls;
        if (e.second && listeners.length === 1) listeners.push(listener);
        else if (e.second) listeners.pop();
        else listeners[0] = listener;
        break;
      }
      case 'clientTls': {
        if (old.kind !== 'VirtualNode' && old.kind !== 'VirtualGateway') return;
        const tls: Doc = { enforce: e.enforce, validation: TRUST };
        if (e.certificate) tls.certificate = CERTIFICATE;
        if (e.ports) tls.ports = [80];
        spec.backendDefaults = { clientPolicy: { tls } };
        break;
      }
      case 'backend': {
        if (old.kind !== 'VirtualNode') return;
        const backends: Doc[] = (spec.backends ??= []);
        const service = pick('VirtualService', e.name);
        if (e.remove) backends.shift();
        else backends.push({ virtualService: { virtualServiceName: e.arn ? `arn:aws:appmesh:us-west-2:111122223333:mesh/apps/virtualService/${service}` : service } });
        break;
      }
      case 'target': {
        const body = Object.values(spec).find((v) => typeof v === 'object' && v !== null && 'action' in v) as Doc | undefined;
        if (!body) return;
        const port = e.port % 3 === 0 ? undefined : PORTS[e.port % PORTS.length];
        if (old.kind === 'Route') {
          body.action = { weightedTargets: [{ virtualNode: pick('VirtualNode', e.name), weight: 100, ...(port ? { port } : {}) }] };
          body.timeout = e.timeout ? { perRequest: { unit: 's', value: 30 } } : undefined;
        } else if (old.kind === 'GatewayRoute') {
          body.action = { target: { virtualService: { virtualServiceName: pick('VirtualService', e.name) }, ...(port ? { port } : {}) } };
        } else return;
        break;
      }
      case 'provider': {
        if (old.kind !== 'VirtualService') return;
        const kind = e.kind % 3;
        spec.provider = kind === 0 ? undefined : kind === 1 ? { virtualNode: { virtualNodeName: pick('VirtualNode', e.name) } } : { virtualRouter: { virtualRouterName: pick('VirtualRouter', e.name) } };
        break;
      }
      case 'mesh':
        if (old.kind === 'Mesh') spec.egressFilter = { type: e.egress ? 'ALLOW_ALL' : 'DROP_ALL' };
        else doc.meshName = pick('Mesh', e.name);
        break;
    }
    resources[slot] = resourceOf(doc, old);
  }

  it('equals validateGraph on the whole model after every edit', () => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 25 }), (edits) => {
        const resources = [...base];
        const environment = { config };
        const cache = new GraphFindingsCache();
        for (const e of [{ op: 'quotas', value: 3 } as Edit, ...edits]) {
          applyEdit(resources, e, environment);
          const model = new MeshModel([...resources]);
          const ctx = { environment: environment.config };
          assert.deepEqual(cache.findings(model, ctx), validateGraph(model, ctx), `after ${JSON.stringify(e)}`);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('checks again only what a change can affect', () => {
    const cache = new GraphFindingsCache();
    const ctx = { environment: config };
    cache.findings(new MeshModel(base), ctx);
    const everything = cache.checked;
    // A new target node for one route: the route, and the gateway route and node whose calls reach it through serviceb.apps.local.
    const slot = base.findIndex((r) => r.key === 'Route/apps/serviceB/serviceB-canary');
    const resources = [...base];
    applyEdit(resources, { op: 'target', slot, name: 0, port: 0, timeout: false }, { config });
    const checkedBefore = cache.checked;
    assert.deepEqual(cache.findings(new MeshModel(resources), ctx), validateGraph(new MeshModel(resources), ctx));
    const checked = cache.checked - checkedBefore;
    assert.ok(checked < everything / 3, `checked ${checked} owners of ${everything}`);
    // Nothing changed: nothing checked.
    const again = cache.checked;
    cache.findings(new MeshModel(resources), ctx);
    assert.equal(cache.checked, again);
  });
});
