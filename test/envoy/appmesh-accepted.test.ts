// Meshes App Mesh accepted although meshplane warns about them (docs/validation-rules.md
// "Accepted by App Mesh"): they validate without errors, translate for every proxy in both
// flavours into resources Envoy accepts, and serve what App Mesh's Envoy config served.
import * as assert from 'node:assert/strict';
import { decodeMessage, messageType, typeNameOf } from '../../provider/envoy/proto-codec';
import { EnvoyTranslator } from '../../provider/envoy/translator';
import { Flavour, ProxySnapshot, TYPE_URLS, TypeUrl } from '../../provider/envoy/snapshot';
import { defaultEnvironment } from '../../provider/environment/environment-config';
import { identityKey, identityOf } from '../../provider/model/identity';
import { inferKind } from '../../provider/model/kinds';
import { MeshModel } from '../../provider/model/mesh-model';
import { Resource, ResourceDocument, syntheticSource } from '../../provider/model/resource';
import { validateEnvironment } from '../../provider/validate/validate';
import { GOLDEN_ENDPOINTS } from './models';
import { checkMessage } from './pgv';

type Json = Record<string, any>;

const http = (port: number) => ({ portMapping: { port, protocol: 'http' } });
const listener = (port: number, protocol: string) => ({ portMapping: { port, protocol } });
const dns = (name: string) => ({ dns: { hostname: `${name}.m.local` } });
const targets = (...list: Array<[string, number]>) => ({ weightedTargets: list.map(([virtualNode, weight]) => ({ virtualNode, weight })) });

const DOCS: Json[] = [
  { kind: 'Mesh', meshName: 'm', spec: { egressFilter: { type: 'DROP_ALL' } } },
  { kind: 'VirtualNode', meshName: 'm', virtualNodeName: 'web', spec: { listeners: [http(8080)], serviceDiscovery: dns('web') } },
  { kind: 'VirtualNode', meshName: 'm', virtualNodeName: 'api', spec: { listeners: [listener(8080, 'http2')], serviceDiscovery: dns('api') } },
  { kind: 'VirtualNode', meshName: 'm', virtualNodeName: 'db', spec: { listeners: [listener(5432, 'tcp')], serviceDiscovery: dns('db') } },
  { kind: 'VirtualNode', meshName: 'm', virtualNodeName: 'idle', spec: { serviceDiscovery: dns('idle') } },
  { kind: 'VirtualNode', meshName: 'm', virtualNodeName: 'orders', spec: { listeners: [listener(9000, 'grpc')], serviceDiscovery: dns('orders') } },
  {
    kind: 'VirtualNode', meshName: 'm', virtualNodeName: 'client',
    // R8: missing.m.local is defined nowhere (in another stack, or never).
    spec: { backends: [{ virtualService: { virtualServiceName: 'web.m.local' } }, { virtualService: { virtualServiceName: 'missing.m.local' } }, { virtualService: { virtualServiceName: 'quiet.m.local' } }] },
  },
  { kind: 'VirtualRouter', meshName: 'm', virtualRouterName: 'r', spec: { listeners: [http(80)] } },
  // RT-T-4 (protocol): an httpRoute to an http2 node listener.
  { kind: 'Route', meshName: 'm', virtualRouterName: 'r', routeName: 'to-http2', spec: { httpRoute: { match: { prefix: '/api' }, action: targets(['api', 100]) } } },
  // RT-T-4 (no listener): its weight goes to the other target.
  { kind: 'Route', meshName: 'm', virtualRouterName: 'r', routeName: 'half-idle', spec: { httpRoute: { match: { prefix: '/half' }, action: targets(['idle', 50], ['web', 50]) } } },
  // RT-T-5: the same target twice gets the sum of the weights.
  { kind: 'Route', meshName: 'm', virtualRouterName: 'r', routeName: 'twice', spec: { httpRoute: { match: { prefix: '/twice' }, action: targets(['web', 30], ['web', 70]) } } },
  // RT-P-2: a tcpRoute and a grpcRoute on the http listener: never matched.
  { kind: 'Route', meshName: 'm', virtualRouterName: 'r', routeName: 'tcp-on-http', spec: { tcpRoute: { action: targets(['db', 100]) } } },
  { kind: 'Route', meshName: 'm', virtualRouterName: 'r', routeName: 'grpc-on-http', spec: { grpcRoute: { match: { serviceName: 'x.v1.X' }, action: targets(['orders', 100]) } } },
  { kind: 'Route', meshName: 'm', virtualRouterName: 'r', routeName: 'web', spec: { httpRoute: { match: { prefix: '/' }, action: targets(['web', 100]) } } },
  { kind: 'VirtualService', meshName: 'm', virtualServiceName: 'web.m.local', spec: { provider: { virtualRouter: { virtualRouterName: 'r' } } } },
  // VR-1: a router with a route but no listener; its service gets no route.
  { kind: 'VirtualRouter', meshName: 'm', virtualRouterName: 'quiet', spec: {} },
  { kind: 'Route', meshName: 'm', virtualRouterName: 'quiet', routeName: 'never', spec: { httpRoute: { match: { prefix: '/' }, action: targets(['web', 100]) } } },
  { kind: 'VirtualService', meshName: 'm', virtualServiceName: 'quiet.m.local', spec: { provider: { virtualRouter: { virtualRouterName: 'quiet' } } } },
  // VS-4: a virtual service provided by a node (no finding at all).
  { kind: 'VirtualService', meshName: 'm', virtualServiceName: 'orders.m.local', spec: { provider: { virtualNode: { virtualNodeName: 'orders' } } } },
  { kind: 'VirtualGateway', meshName: 'm', virtualGatewayName: 'gw', spec: { listeners: [listener(8443, 'grpc')] } },
  // GR-5: a gRPC gateway route matching only on its port takes every gRPC request.
  { kind: 'GatewayRoute', meshName: 'm', virtualGatewayName: 'gw', gatewayRouteName: 'any-grpc', spec: { grpcRoute: { match: { port: 8443 }, action: { target: { virtualService: { virtualServiceName: 'orders.m.local' } } } } } },
];

function model(): MeshModel {
  return new MeshModel(DOCS.map((doc, i): Resource => {
    const kind = inferKind(doc as ResourceDocument)!;
    const identity = identityOf(kind, doc as ResourceDocument)!;
    return { kind, identity, key: identityKey(identity), doc: doc as ResourceDocument, source: syntheticSource(`accepted/${i}.yaml`) };
  }));
}

function decoded(s: ProxySnapshot, type: TypeUrl): Json[] {
  return [...(s.resources.get(type)?.values() ?? [])].map((r) => decodeMessage(type, r.bytes));
}

describe('envoy translation of meshes App Mesh accepted (docs/validation-rules.md)', () => {
  const config = defaultEnvironment('accepted');

  it('validate with warnings only: RT-T-4, RT-T-5, RT-P-2, R8, GR-5, VR-1, and no VS-4', () => {
    const result = validateEnvironment({ config, resources: model().resources });
    assert.deepEqual(result.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.ok(result.valid);
    const codes = [...new Set(result.diagnostics.map((d) => d.code))].sort();
    for (const code of ['GR-5', 'R8', 'RT-P-2', 'RT-T-4', 'RT-T-5', 'VR-1']) assert.ok(codes.includes(code), `${code} in ${codes.join(', ')}`);
    assert.ok(!codes.includes('VS-4'));
  });

  const translator = new EnvoyTranslator();
  translator.update(model(), config, GOLDEN_ENDPOINTS);
  const snap = (kind: 'VirtualNode' | 'VirtualGateway', name: string, flavour: Flavour = 'envoy') => translator.snapshot({ kind, meshName: 'm', name }, flavour)!;

  it('translate every proxy in both flavours into resources that satisfy the Envoy protos', () => {
    const problems: string[] = [];
    let count = 0;
    for (const proxy of translator.proxies()) {
      for (const flavour of ['envoy', 'grpc'] as Flavour[]) {
        const snapshot = translator.snapshot(proxy, flavour);
        assert.ok(snapshot, `${proxy.name} ${flavour}`);
        for (const [typeUrl, named] of snapshot.resources) {
          for (const [name, resource] of named) {
            count++;
            checkMessage(messageType(typeNameOf(typeUrl)), decodeMessage(typeUrl, resource.bytes), `${proxy.name}/${flavour}/${name}`, problems);
          }
        }
      }
    }
    assert.deepEqual(problems, []);
    assert.ok(count > 20, `${count} resources`);
  });

  it("serve the router's routes as App Mesh did: mismatched route types never match, targets keep their weights", () => {
    const routes = decoded(snap('VirtualNode', 'client'), TYPE_URLS.routeConfiguration).flatMap((rc) => rc.virtual_hosts ?? []).filter((vh: Json) => vh.domains.includes('web.m.local'));
    assert.equal(routes.length, 1);
    const byName = new Map<string, Json>(routes[0].routes.map((r: Json) => [r.name, r]));
    assert.deepEqual([...byName.keys()].sort(), ['half-idle', 'to-http2', 'twice', 'web'], 'tcp-on-http and grpc-on-http are not served');
    assert.equal(byName.get('to-http2')!.route.cluster, 'cds_egress_m_api_http2_8080', 'forwarded to the http2 listener, speaking http2');
    assert.equal(byName.get('half-idle')!.route.cluster, 'cds_egress_m_web_http_8080', 'the listener-less target gets nothing');
    assert.equal(byName.get('twice')!.route.cluster, 'cds_egress_m_web_http_8080', 'one cluster with the summed weight');
    const clusters = decoded(snap('VirtualNode', 'client'), TYPE_URLS.cluster);
    const api = clusters.find((c) => c.name === 'cds_egress_m_api_http2_8080');
    assert.ok(api?.typed_extension_protocol_options, 'the http2 target cluster speaks HTTP/2');
  });

  it('give a missing backend, and a service of a router without listener, no route: the DROP_ALL egress filter refuses them', () => {
    const client = snap('VirtualNode', 'client');
    const text = JSON.stringify(decoded(client, TYPE_URLS.routeConfiguration)) + JSON.stringify(decoded(client, TYPE_URLS.listener));
    assert.ok(!text.includes('missing.m.local'));
    assert.ok(!text.includes('quiet.m.local'));
    assert.ok(text.includes('web.m.local'));
  });

  it('route every gRPC request on the gateway listener by a port-only gRPC gateway route', () => {
    const routes = decoded(snap('VirtualGateway', 'gw'), TYPE_URLS.routeConfiguration).flatMap((rc) => (rc.virtual_hosts ?? []).flatMap((vh: Json) => vh.routes ?? []));
    const anyGrpc = routes.find((r: Json) => r.name === 'any-grpc');
    assert.ok(anyGrpc, `routes: ${routes.map((r: Json) => r.name).join(', ')}`);
    assert.equal(anyGrpc.match.prefix, '/');
  });
});
