// What the translation produces for App Mesh semantics (defaults, discovery, scoping, egress
// filter, TLS, gateways, the proxyless flavour) and how the translator reacts to changes.
import * as assert from 'node:assert/strict';
import { EnvoyTranslator } from '../../provider/envoy/translator';
import { decodeMessage } from '../../provider/envoy/proto-codec';
import { EndpointSource, Flavour, ProxySnapshot, TYPE_URLS, TypeUrl } from '../../provider/envoy/snapshot';
import { MeshModel } from '../../provider/model/mesh-model';
import { Resource } from '../../provider/model/resource';
import { clientFormsModel, environmentModel, fixtureModel, mapEndpoints, TestModel } from './models';

type Json = Record<string, any>;
const NONE: EndpointSource = { lookup: () => undefined };

function translate(m: TestModel, endpoints: EndpointSource = NONE, config = m.config): EnvoyTranslator {
  const translator = new EnvoyTranslator();
  translator.update(m.model, config, endpoints);
  return translator;
}

function snap(t: EnvoyTranslator, kind: 'VirtualNode' | 'VirtualGateway', meshName: string, name: string, flavour: Flavour = 'envoy'): ProxySnapshot {
  const s = t.snapshot({ kind, meshName, name }, flavour);
  assert.ok(s, `no snapshot for ${name}`);
  return s;
}

function resource(s: ProxySnapshot, type: TypeUrl, name: string): Json {
  const r = s.resources.get(type)?.get(name);
  assert.ok(r, `${name} missing; have ${[...(s.resources.get(type)?.keys() ?? [])].join(', ')}`);
  return decodeMessage(type, r.bytes);
}

function names(s: ProxySnapshot, type: TypeUrl): string[] {
  return [...(s.resources.get(type)?.keys() ?? [])].sort();
}

function withDoc(m: TestModel, key: string, edit: (doc: Json) => void): TestModel {
  const resources = m.model.resources.map((r): Resource => {
    if (r.key !== key) return r;
    const doc = JSON.parse(JSON.stringify(r.doc));
    edit(doc);
    return { ...r, doc };
  });
  return { ...m, model: new MeshModel(resources) };
}

describe('envoy translation: App Mesh semantics', () => {
  let apps: TestModel;
  let ingress: TestModel;
  before(async () => {
    apps = await environmentModel('apps');
    ingress = await environmentModel('ingress');
  });

  it('names listeners, clusters and route tables as App Mesh does, and scopes a proxy to its backends', () => {
    const a = snap(translate(apps), 'VirtualNode', 'apps', 'serviceA');
    assert.deepEqual(names(a, TYPE_URLS.listener), ['lds_egress_0.0.0.0_15001', 'lds_ingress_0.0.0.0_15000']);
    assert.deepEqual(names(a, TYPE_URLS.cluster), [
      'cds_egress_apps_amazonaws',
      'cds_egress_apps_serviceB_http2_80',
      'cds_egress_apps_serviceBv2_http2_80',
      'cds_ingress_apps_serviceA_http2_80',
    ]);
    assert.deepEqual(names(a, TYPE_URLS.routeConfiguration), ['rds_egress_http2_80', 'rds_ingress_http2_80']);
    const b = snap(translate(apps), 'VirtualNode', 'apps', 'serviceB');
    assert.deepEqual(names(b, TYPE_URLS.cluster), ['cds_egress_apps_amazonaws', 'cds_ingress_apps_serviceB_http2_80']);
  });

  it('applies the default retry policy, 15 s / 300 s timeouts and unlimited circuit breakers', () => {
    const a = snap(translate(apps), 'VirtualNode', 'apps', 'serviceA');
    const route = resource(a, TYPE_URLS.routeConfiguration, 'rds_egress_http2_80').virtual_hosts[0].routes[0].route;
    assert.deepEqual(route.retry_policy, {
      retry_on: 'connect-failure,refused-stream,reset,unavailable,retriable-status-codes',
      num_retries: { value: 2 },
      retriable_status_codes: [503],
    });
    assert.deepEqual([route.timeout, route.idle_timeout], [{ seconds: 15 }, { seconds: 300 }]);
    assert.deepEqual(route.weighted_clusters.clusters.map((c: Json) => c.weight.value), [75, 25]);
    const cluster = resource(a, TYPE_URLS.cluster, 'cds_egress_apps_serviceB_http2_80');
    assert.equal(cluster.circuit_breakers.thresholds[0].max_requests.value, 2147483647);
    const noDefault = snap(translate(apps, NONE, { ...apps.config, defaultRetryPolicy: false }), 'VirtualNode', 'apps', 'serviceA');
    assert.equal(resource(noDefault, TYPE_URLS.routeConfiguration, 'rds_egress_http2_80').virtual_hosts[0].routes[0].route.retry_policy, undefined);
  });

  const discoveryCases = [
    { name: 'LOADBALANCER DNS → LOGICAL_DNS', node: 'serviceB', endpoints: NONE, expected: 'LOGICAL_DNS' },
    {
      name: 'endpoints from the source → EDS',
      node: 'serviceB',
      endpoints: mapEndpoints({ 'serviceb.apps.local': [{ address: '10.0.0.7', port: 80, healthy: true }] }),
      expected: 'EDS',
    },
  ];
  for (const c of discoveryCases) {
    it(`discovery: ${c.name}`, () => {
      const a = snap(translate(apps, c.endpoints), 'VirtualNode', 'apps', 'serviceA');
      const name = `cds_egress_apps_${c.node}_http2_80`;
      assert.equal(resource(a, TYPE_URLS.cluster, name).type, c.expected);
      if (c.expected === 'EDS') {
        const cla = resource(a, TYPE_URLS.clusterLoadAssignment, name);
        assert.equal(cla.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address, '10.0.0.7');
      }
    });
  }

  it('discovery: ENDPOINTS DNS → STRICT_DNS for Envoy, LOGICAL_DNS for gRPC', () => {
    const t = translate(ingress);
    assert.equal(resource(snap(t, 'VirtualNode', 'bookstore', 'web'), TYPE_URLS.cluster, 'cds_egress_bookstore_books-v1_http_8080').type, 'STRICT_DNS');
    assert.equal(resource(snap(t, 'VirtualNode', 'bookstore', 'web', 'grpc'), TYPE_URLS.cluster, 'cds_egress_bookstore_books-v1_http_8080').type, 'LOGICAL_DNS');
  });

  it('egress ALLOW_ALL adds the passthrough chain and cluster; DROP_ALL has none', () => {
    const open = withDoc(apps, 'Mesh/apps', (doc) => (doc.spec.egressFilter.type = 'ALLOW_ALL'));
    const a = snap(translate(open), 'VirtualNode', 'apps', 'serviceA');
    const egress = resource(a, TYPE_URLS.listener, 'lds_egress_0.0.0.0_15001');
    assert.equal(egress.default_filter_chain.filters[0].typed_config.cluster, 'cds_egress_apps_mesh-allow-all');
    assert.equal(resource(a, TYPE_URLS.cluster, 'cds_egress_apps_mesh-allow-all').type, 'ORIGINAL_DST');
    const closed = snap(translate(apps), 'VirtualNode', 'apps', 'serviceA');
    assert.equal(resource(closed, TYPE_URLS.listener, 'lds_egress_0.0.0.0_15001').default_filter_chain, undefined);
  });

  it('gateway: longest prefix first, Host → the virtual service, matched prefix → /', () => {
    const gw = snap(translate(ingress), 'VirtualGateway', 'bookstore', 'ingress-gw');
    const routes = resource(gw, TYPE_URLS.routeConfiguration, 'rds_ingress_http_9080').virtual_hosts[0].routes;
    assert.deepEqual(routes.map((r: Json) => r.match.prefix), ['/books', '/']);
    assert.equal(routes[0].route.host_rewrite_literal, 'books.bookstore.local');
    assert.deepEqual(routes[0].route.regex_rewrite, { pattern: { regex: '^/books/?' }, substitution: '/' });
    assert.equal(routes[0].route.cluster, 'cds_ingress_bookstore_ingress-gw_self_redirect_http_15001');
    assert.ok(names(gw, TYPE_URLS.listener).includes('lds_ingress_0.0.0.0_port_9080'));
  });

  it('mTLS from files: the server requires client certificates, the gateway presents one and checks SANs', () => {
    const t = translate(fixtureModel('howto-mutual-tls-file-provided'));
    const server = snap(t, 'VirtualNode', 'ColorApp-MutualTLS', 'colorteller-vn');
    const chain = resource(server, TYPE_URLS.listener, 'lds_ingress_0.0.0.0_15000').filter_chains[0];
    const downstream = chain.transport_socket.typed_config;
    assert.deepEqual(downstream.require_client_certificate, { value: true });
    assert.ok(downstream.common_tls_context.tls_certificates[0].certificate_chain.filename);
    const gw = snap(t, 'VirtualGateway', 'ColorApp-MutualTLS', 'gateway-vgw');
    const cluster = [...gw.resources.get(TYPE_URLS.cluster)!.values()].map((r) => decodeMessage(r.typeUrl, r.bytes) as Json).find((c) => c.transport_socket);
    assert.ok(cluster, 'the gateway originates TLS');
    const upstream = cluster!.transport_socket.typed_config.common_tls_context;
    assert.ok(upstream.tls_certificates, 'client certificate presented');
    assert.ok(upstream.validation_context.match_typed_subject_alt_names.length > 0);
  });

  it('proxyless gRPC: an API listener per backend port with RDS over ADS, gRPC retry codes and max_stream_duration', () => {
    const a = snap(translate(apps), 'VirtualNode', 'apps', 'serviceA', 'grpc');
    assert.deepEqual(names(a, TYPE_URLS.listener), ['serviceb.apps.local', 'serviceb.apps.local:80']);
    const hcm = resource(a, TYPE_URLS.listener, 'serviceb.apps.local:80').api_listener.api_listener;
    assert.equal(hcm['@type'], 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager');
    assert.deepEqual(hcm.rds.config_source.ads, {});
    assert.equal(hcm.http_filters[0].name, 'envoy.filters.http.router');
    const route = resource(a, TYPE_URLS.routeConfiguration, hcm.rds.route_config_name).virtual_hosts[0].routes[0].route;
    assert.deepEqual(route.retry_policy, { retry_on: 'unavailable', num_retries: { value: 2 } });
    assert.deepEqual(route.max_stream_duration, { max_stream_duration: { seconds: 15 } });
    assert.equal(route.timeout, undefined);
    assert.equal(names(a, TYPE_URLS.cluster).join(), 'cds_egress_apps_serviceB_http2_80,cds_egress_apps_serviceBv2_http2_80');
  });
});

describe('envoy translation: translator updates', () => {
  let ingress: TestModel;
  before(async () => {
    ingress = await environmentModel('ingress');
  });

  it('shares identical resources between proxies (the same object)', () => {
    const t = translate(ingress);
    const name = 'cds_egress_bookstore_books-v1_http_8080';
    const fromWeb = snap(t, 'VirtualNode', 'bookstore', 'web').resources.get(TYPE_URLS.cluster)!.get(name);
    const fromGateway = snap(t, 'VirtualGateway', 'bookstore', 'ingress-gw').resources.get(TYPE_URLS.cluster)!.get(name);
    assert.ok(fromWeb && fromWeb === fromGateway);
  });

  it('writes relative weights with total_weight = their sum, and header matches in the fields each flavour\'s clients read', async () => {
    const forms = await clientFormsModel();
    const t = translate(forms);
    const routeOf = (flavour: Flavour, name: string) => {
      const s = snap(t, 'VirtualNode', 'apps', 'serviceA', flavour);
      return resource(s, TYPE_URLS.routeConfiguration, name).virtual_hosts[0].routes[0];
    };
    const grpc = routeOf('grpc', 'rds_egress_serviceb.apps.local_80');
    const envoy = routeOf('envoy', 'rds_egress_http2_80');
    for (const route of [grpc, envoy]) {
      assert.equal(route.name, 'by-header');
      assert.deepEqual(route.route.weighted_clusters.clusters.map((c: Json) => c.weight.value), [3, 1]);
      assert.deepEqual(route.route.weighted_clusters.total_weight, { value: 4 });
    }
    // C-core 1.51 reads only the legacy fields (it NACKs string_match); Envoy gets string_match.
    assert.deepEqual(grpc.match.headers, [
      { name: 'x-exact', exact_match: 'yes' },
      { name: 'x-prefix', prefix_match: 'pre' },
      { name: 'x-suffix', suffix_match: 'fix' },
      { name: 'x-regex', safe_regex_match: { regex: 'v[0-9]+' } },
      { name: 'x-range', range_match: { start: 1, end: 10 } },
      { name: 'x-present', present_match: true },
      { name: 'x-inverted', exact_match: 'no', invert_match: true },
      { name: ':method', exact_match: 'POST' },
    ]);
    assert.deepEqual(envoy.match.headers, [
      { name: 'x-exact', string_match: { exact: 'yes' } },
      { name: 'x-prefix', string_match: { prefix: 'pre' } },
      { name: 'x-suffix', string_match: { suffix: 'fix' } },
      { name: 'x-regex', string_match: { safe_regex: { regex: 'v[0-9]+' } } },
      { name: 'x-range', range_match: { start: 1, end: 10 } },
      { name: 'x-present', present_match: true },
      { name: 'x-inverted', string_match: { exact: 'no' }, invert_match: true },
      { name: ':method', string_match: { exact: 'POST' } },
    ]);
  });

  it('re-translates only the proxies that reach a changed route, and reports unchanged input as no change', () => {
    const t = new EnvoyTranslator();
    t.update(ingress.model, ingress.config, NONE);
    for (const p of t.proxies()) t.snapshot(p, 'grpc');
    const before = snap(t, 'VirtualNode', 'bookstore', 'books-v1');
    assert.equal(t.update(ingress.model, ingress.config, NONE).changedProxies.size, 0);
    const edited = withDoc(ingress, 'Route/bookstore/books/books', (doc) => (doc.spec.httpRoute.action.weightedTargets[0].weight = 50));
    const result = t.update(edited.model, edited.config, NONE);
    assert.deepEqual([...result.changedProxies].sort(), ['VirtualGateway/bookstore/ingress-gw', 'VirtualNode/bookstore/web']);
    assert.equal(snap(t, 'VirtualNode', 'bookstore', 'books-v1'), before, 'an unaffected proxy keeps its snapshot');
    const route = resource(snap(t, 'VirtualNode', 'bookstore', 'web', 'grpc'), TYPE_URLS.routeConfiguration, 'rds_egress_books.bookstore.local_8080');
    assert.equal(route.virtual_hosts[0].routes[0].route.weighted_clusters.clusters[0].weight.value, 50);
  });

  it('notices endpoint changes and removed proxies', () => {
    const t = new EnvoyTranslator();
    let endpoints = mapEndpoints({ 'books-v1.bookstore.local': [{ address: '10.0.0.1', port: 8080, healthy: true }] });
    t.update(ingress.model, ingress.config, endpoints);
    endpoints = mapEndpoints({ 'books-v1.bookstore.local': [{ address: '10.0.0.2', port: 8080, healthy: true }] });
    assert.deepEqual([...t.update(ingress.model, ingress.config, endpoints).changedProxies].sort(), ['VirtualGateway/bookstore/ingress-gw', 'VirtualNode/bookstore/web']);
    const without = new MeshModel(ingress.model.resources.filter((r) => r.key !== 'VirtualNode/bookstore/books-v2'));
    const result = t.update(without, ingress.config, endpoints);
    assert.ok(result.changedProxies.has('VirtualNode/bookstore/books-v2'));
    assert.equal(t.snapshot({ kind: 'VirtualNode', meshName: 'bookstore', name: 'books-v2' }, 'envoy'), undefined);
  });
});
