// `meshplane route` answers from the translated Envoy configuration: table-driven cases over the
// test mesh in repo/ (priorities, header/query/method/regex matches, gRPC service/method/metadata,
// gateway rewrites default and explicit, App Mesh's default retry policy and timeouts).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { MeshModel } from '../../provider/model/mesh-model';
import { main } from '../../reconciler/cli/main';
import { EnvironmentConfig } from '../../provider/environment/environment-config';
import { WorkingTreeSource } from '../../reconciler/load/file-source';
import { loadEnvironment } from '../../reconciler/load/load-environment';
import { explainRoute, parseRequest, RouteExplanation } from '../../reconciler/route-explain';
import { regexReplaceAll } from '../../reconciler/route-explain/envoy-matchers';
import { captureTerminal } from '../helpers/capture-terminal';
import { REPO_ROOT } from '../helpers/paths';

const TEST_REPO = path.join(REPO_ROOT, 'test', 'route-explain', 'repo');

interface Expected {
  outcome: RouteExplanation['outcome'];
  /** The chosen route of each hop, in order. */
  routes?: string[];
  /** Priority of the App Mesh route chosen at the last hop (null: none set). */
  priority?: number | null;
  /** Weighted targets of the last hop: virtual node → share. */
  targets?: Record<string, string>;
  timeout?: string;
  maxStreamDuration?: string;
  /** The last hop's retry policy; null when there is none. */
  retry?: { retryOn: string; numRetries: number; perTryTimeout?: string } | null;
  retrySource?: 'route' | 'default';
  /** Path and Host the target receives. */
  path?: string;
  authority?: string;
  notes?: RegExp[];
  problem?: RegExp;
  /** A reason given for a route that did not match: [route, pattern]. */
  rejected?: [string, RegExp];
}

interface Case {
  name: string;
  from: string;
  args: string[];
  headers?: string[];
  grpc?: string;
  client?: 'envoy' | 'grpc';
  expected: Expected;
}

const DEFAULT_RETRY = { retryOn: 'connect-failure,refused-stream,reset,unavailable,retriable-status-codes', numRetries: 2 };

const CASES: Case[] = [
  // Priorities and HTTP matches (client → catalog.shop.local, a router with nine routes).
  {
    name: 'a header match at priority 0 wins',
    from: 'client',
    args: ['GET', 'http://catalog.shop.local:8080/api/items'],
    headers: ['x-canary: true'],
    expected: { outcome: 'routed', routes: ['canary-header'], priority: 0, targets: { 'catalog-v2': '100%' }, timeout: '15s', retry: DEFAULT_RETRY, retrySource: 'default' },
  },
  {
    name: 'priority 0 beats a later matching route',
    from: 'client',
    args: ['GET', 'http://catalog.shop.local:8080/api/items'],
    headers: ['x-canary: true', 'tenant: acme-7'],
    expected: { outcome: 'routed', routes: ['canary-header'], priority: 0 },
  },
  {
    name: 'a header with another value falls through to the default route',
    from: 'client',
    args: ['GET', 'http://catalog.shop.local:8080/api/items'],
    headers: ['x-canary: false'],
    expected: { outcome: 'routed', routes: ['default'], priority: null, targets: { 'catalog-v1': '90%', 'catalog-v2': '10%' }, rejected: ['canary-header', /x-canary is "false"/] },
  },
  {
    name: 'a query parameter match',
    from: 'client',
    args: ['GET', 'http://catalog.shop.local:8080/api/list?beta=1&x=2'],
    expected: { outcome: 'routed', routes: ['beta-query'], priority: 1, targets: { 'catalog-v1': '50%', 'catalog-v2': '50%' } },
  },
  {
    name: 'a query parameter with another value does not match',
    from: 'client',
    args: ['GET', 'http://catalog.shop.local:8080/api/list?beta=2'],
    expected: { outcome: 'routed', routes: ['default'], rejected: ['beta-query', /query parameter beta is "2"/] },
  },
  {
    name: 'a header prefix match with its own timeout and retry policy, and the shorter listener timeout noted',
    from: 'client',
    args: ['GET', 'http://catalog.shop.local:8080/api/items'],
    headers: ['Tenant: acme-42'],
    expected: {
      outcome: 'routed',
      routes: ['tenant-prefix'],
      priority: 2,
      targets: { 'catalog-v1': '100%' },
      timeout: '30s',
      retry: { retryOn: '5xx', numRetries: 4, perTryTimeout: '500ms' },
      retrySource: 'route',
      notes: [/catalog-v1's listener http:8080 ends requests after 10s/],
    },
  },
  { name: 'a method match', from: 'client', args: ['POST', 'http://catalog.shop.local:8080/api/orders'], expected: { outcome: 'routed', routes: ['writes'], priority: 3 } },
  { name: 'a path regex matches the whole path', from: 'client', args: ['GET', 'http://catalog.shop.local:8080/items/42'], expected: { outcome: 'routed', routes: ['items-regex'] } },
  {
    name: 'a path regex does not match part of the path',
    from: 'client',
    args: ['GET', 'http://catalog.shop.local:8080/items/42/reviews'],
    expected: { outcome: 'routed', routes: ['default'], rejected: ['items-regex', /does not satisfy path matches/] },
  },
  { name: 'an exact path', from: 'client', args: ['GET', 'http://catalog.shop.local:8080/health'], expected: { outcome: 'routed', routes: ['health'], priority: null } },
  { name: 'an exact path is not a prefix', from: 'client', args: ['GET', 'http://catalog.shop.local:8080/health/live'], expected: { outcome: 'routed', routes: ['default'] } },
  {
    name: 'paths are normalised before matching (dot segments, double slashes)',
    from: 'client',
    args: ['GET', 'http://catalog.shop.local:8080/api/..//health'],
    expected: { outcome: 'routed', routes: ['health'], path: '/health' },
  },
  {
    name: 'an inverted header match needs the header present',
    from: 'client',
    args: ['GET', 'http://catalog.shop.local:8080/internal/x'],
    expected: { outcome: 'routed', routes: ['default'], rejected: ['not-internal', /inverted match never matches a missing header/] },
  },
  { name: 'an inverted header match with another value', from: 'client', args: ['GET', 'http://catalog.shop.local:8080/internal/x'], headers: ['x-internal: no'], expected: { outcome: 'routed', routes: ['not-internal'] } },
  { name: 'an inverted header match with the value', from: 'client', args: ['GET', 'http://catalog.shop.local:8080/internal/x'], headers: ['x-internal: yes'], expected: { outcome: 'routed', routes: ['default'] } },
  { name: 'a header range includes its start', from: 'client', args: ['GET', 'http://catalog.shop.local:8080/shard/a'], headers: ['x-shard: 0'], expected: { outcome: 'routed', routes: ['shard-range'] } },
  { name: 'a header range excludes its end', from: 'client', args: ['GET', 'http://catalog.shop.local:8080/shard/a'], headers: ['x-shard: 10'], expected: { outcome: 'routed', routes: ['default'] } },
  { name: 'a header range needs an integer', from: 'client', args: ['GET', 'http://catalog.shop.local:8080/shard/a'], headers: ['x-shard: five'], expected: { outcome: 'routed', routes: ['default'] } },

  // gRPC: service, method and metadata.
  {
    name: 'gRPC service, method and metadata prefix',
    from: 'client',
    args: ['orders.shop.local:9000'],
    grpc: 'orders.v1.OrderService/GetOrder',
    headers: ['tenant: acme-1'],
    expected: { outcome: 'routed', routes: ['get-order-acme'], priority: 0, targets: { 'orders-v2': '100%' }, path: '/orders.v1.OrderService/GetOrder' },
  },
  {
    name: 'gRPC metadata that does not match falls to the service route with its retry policy and timeout',
    from: 'client',
    args: ['orders.shop.local:9000'],
    grpc: 'orders.v1.OrderService/GetOrder',
    headers: ['tenant: globex'],
    expected: { outcome: 'routed', routes: ['order-service'], priority: 1, timeout: '5s', retry: { retryOn: 'unavailable,resource-exhausted', numRetries: 3, perTryTimeout: '1s' }, retrySource: 'route' },
  },
  {
    name: 'another gRPC service takes the catch-all route',
    from: 'client',
    args: ['orders.shop.local:9000'],
    grpc: 'payments.v1.Payments/Charge',
    expected: { outcome: 'routed', routes: ['anything'], priority: null, targets: { 'orders-v1': '75%', 'orders-v2': '25%' } },
  },
  {
    name: 'a proxyless gRPC client: API listener, max_stream_duration, gRPC retry codes',
    from: 'client',
    client: 'grpc',
    args: ['orders.shop.local:9000'],
    grpc: 'orders.v1.OrderService/ListOrders',
    expected: { outcome: 'routed', routes: ['order-service'], maxStreamDuration: '5s', retry: { retryOn: 'unavailable,resource-exhausted', numRetries: 3 } },
  },
  {
    name: 'a proxyless gRPC client without the port uses the one-port listener name',
    from: 'client',
    client: 'grpc',
    args: ['orders.shop.local'],
    grpc: 'orders.v1.OrderService/GetOrder',
    headers: ['tenant: acme-2'],
    expected: { outcome: 'routed', routes: ['get-order-acme'] },
  },

  // Defaults: a node-provided service has one synthetic route with the listener's timeout and App Mesh's retry policy.
  {
    name: 'a virtual-node provider: listener timeout and the default retry policy',
    from: 'client',
    args: ['GET', 'http://legacy.shop.local:8080/anything'],
    expected: {
      outcome: 'routed',
      routes: ['legacy.shop.local'],
      targets: { legacy: '100%' },
      timeout: '5s',
      retry: { ...DEFAULT_RETRY },
      retrySource: 'default',
      notes: [/provided by virtual node legacy directly/],
    },
  },

  // Gateway: stage one (gateway routes, rewrites), stage two (the target's routes).
  {
    name: 'gateway default rewrites: the matched prefix becomes / and Host the virtual service',
    from: 'edge',
    args: ['GET', 'http://shop.example.com:8443/catalog/items/7'],
    expected: { outcome: 'routed', routes: ['catalog', 'items-regex'], path: '/items/7', authority: 'catalog.shop.local', targets: { 'catalog-v2': '100%' } },
  },
  {
    name: 'gateway explicit prefix rewrite',
    from: 'edge',
    args: ['GET', 'http://shop.example.com:8443/v1/catalog/list?beta=1'],
    expected: { outcome: 'routed', routes: ['catalog-v1-api', 'beta-query'], path: '/api/list' },
  },
  { name: 'gateway prefix rewrite disabled keeps the path', from: 'edge', args: ['GET', 'http://shop.example.com:8443/keep/health'], expected: { outcome: 'routed', routes: ['keep-path', 'default'], path: '/keep/health' } },
  { name: 'gateway exact path rewrite', from: 'edge', args: ['GET', 'http://shop.example.com:8443/status'], expected: { outcome: 'routed', routes: ['status', 'health'], path: '/health' } },
  {
    name: 'gateway hostname match at priority 0 with the hostname rewrite disabled',
    from: 'edge',
    args: ['GET', 'http://edge.shop.internal:8443/catalog/x'],
    headers: ['Host: Legacy.Example.com'],
    expected: { outcome: 'routed', routes: ['legacy-host', 'legacy.shop.local'], authority: 'legacy.example.com', path: '/catalog/x', timeout: '5s' },
  },
  {
    name: 'gateway gRPC listener',
    from: 'edge',
    args: ['shop.example.com:9443'],
    grpc: 'orders.v1.OrderService/GetOrder',
    headers: ['tenant: acme-3'],
    expected: { outcome: 'routed', routes: ['orders-grpc', 'get-order-acme'], targets: { 'orders-v2': '100%' } },
  },
  { name: 'a gateway without a listener on the port', from: 'edge', args: ['GET', 'http://shop.example.com/catalog'], expected: { outcome: 'no-listener', problem: /listens on port 8443, 9443, not 80/ } },

  // Why a request is not routed.
  {
    name: 'a service that is not a backend of the sender',
    from: 'catalog-v1',
    args: ['GET', 'http://orders.shop.local:9000/'],
    expected: { outcome: 'no-filter-chain', problem: /No matching filter chain found/, notes: [/not a backend of catalog-v1: add it to spec.backends/] },
  },
  {
    name: 'a host no virtual service has',
    from: 'client',
    args: ['GET', 'http://nothing.shop.local:8080/'],
    expected: { outcome: 'no-virtual-host', problem: /404 \(NR\)/, notes: [/no virtual service named nothing.shop.local/] },
  },
  { name: 'the wrong port', from: 'client', args: ['GET', 'http://catalog.shop.local:9090/'], expected: { outcome: 'no-filter-chain', problem: /Ports with a chain: 8080, 9000/ } },
  { name: 'the port left out (80) where the service listens on 8080', from: 'client', args: ['GET', 'http://catalog.shop.local/api'], expected: { outcome: 'no-filter-chain' } },
];

describe('meshplane route: where does this request go?', () => {
  let model: MeshModel;
  let config: EnvironmentConfig;

  before(async () => {
    const loaded = await loadEnvironment(new WorkingTreeSource(TEST_REPO), 'shop');
    assert.deepEqual(loaded.diagnostics.filter((d) => d.severity === 'error'), []);
    model = new MeshModel(loaded.resources);
    config = loaded.config;
  });

  for (const c of CASES) {
    it(c.name, () => {
      const request = parseRequest({ args: c.args, headers: c.headers, grpc: c.grpc });
      const x = explainRoute({ model, config, from: c.from, request, flavour: c.client });
      const e = c.expected;
      assert.equal(x.outcome, e.outcome, x.problem);
      if (e.problem) assert.match(x.problem ?? '', e.problem);
      const last = x.hops[x.hops.length - 1];
      if (e.routes) assert.deepEqual(x.hops.map((h) => h.route?.name), e.routes);
      if (e.priority !== undefined) {
        assert.ok(last.source && last.source.kind === 'Route', `the route comes from a Route, got ${JSON.stringify(last.source)}`);
        assert.equal(last.source.priority ?? null, e.priority);
      }
      if (e.targets) assert.deepEqual(Object.fromEntries((last.targets ?? []).map((t) => [t.virtualNode, t.share])), e.targets);
      if (e.timeout) assert.equal(last.route?.action.timeout, e.timeout);
      if (e.maxStreamDuration) {
        assert.equal(last.route?.action.maxStreamDuration, e.maxStreamDuration);
        assert.equal(last.route?.action.timeout, undefined, 'gRPC clients get max_stream_duration, not an Envoy timeout');
      }
      if (e.retry !== undefined) {
        const retry = last.route?.action.retryPolicy;
        if (e.retry === null) assert.equal(retry, undefined);
        else {
          assert.equal(retry?.retryOn, e.retry.retryOn);
          assert.equal(retry?.numRetries, e.retry.numRetries);
          assert.equal(retry?.perTryTimeout, e.retry.perTryTimeout);
        }
      }
      if (e.retrySource) assert.equal(last.source?.retryPolicy, e.retrySource);
      if (e.path) assert.equal(last.request.path, e.path, 'the path the last hop routes on (after rewrites and normalisation)');
      if (e.authority) assert.equal(last.request.authority, e.authority);
      for (const note of e.notes ?? []) assert.ok(x.notes.some((n) => note.test(n)), `a note matching ${note} in ${JSON.stringify(x.notes)}`);
      if (e.rejected) {
        const candidate = x.hops.flatMap((h) => h.candidates).find((k) => k.name === e.rejected![0]);
        assert.equal(candidate?.matched, false);
        assert.match(candidate?.reason ?? '', e.rejected[1]);
      }
    });
  }

  it('lists the routes in Envoy order: priorities first, then unprioritised ones most specific first', () => {
    const x = explainRoute({ model, config, from: 'client', request: parseRequest({ args: ['GET', 'http://catalog.shop.local:8080/'] }) });
    assert.deepEqual(
      x.hops[0].candidates.map((c) => c.name),
      ['canary-header', 'beta-query', 'tenant-prefix', 'writes', 'items-regex', 'not-internal', 'shard-range', 'health', 'default'],
    );
  });

  it('a gateway stage two shows only the chosen target’s routes, without the internal target header', () => {
    const x = explainRoute({ model, config, from: 'edge', request: parseRequest({ args: ['GET', 'http://shop.example.com:8443/catalog/'] }) });
    const stageTwo = x.hops[1];
    assert.equal(stageTwo.virtualService, 'catalog.shop.local');
    assert.equal(stageTwo.candidates.length, 9);
    assert.ok(stageTwo.candidates.every((c) => !c.match.includes('x-meshplane-target')));
    assert.deepEqual(stageTwo.route?.action.headersRemoved, ['x-meshplane-target']);
  });

  describe('request syntax', () => {
    const bad: Array<{ name: string; input: Parameters<typeof parseRequest>[0]; message: RegExp }> = [
      { name: 'no request', input: { args: [] }, message: /give the request to explain/ },
      { name: 'unknown method', input: { args: ['FETCH', 'http://a/'] }, message: /"FETCH" is not an HTTP method/ },
      { name: 'header without colon', input: { args: ['http://a/'], headers: ['x-canary true'] }, message: /write it as "name: value"/ },
      { name: 'bad port', input: { args: ['http://a:99999/'] }, message: /not a number 1–65535/ },
      { name: 'other scheme', input: { args: ['ftp://a/'] }, message: /scheme ftp: is not http: or https:/ },
      { name: 'gRPC without method', input: { args: ['a:80'], grpc: 'orders.v1.OrderService' }, message: /is not <service>\/<method>/ },
      { name: 'gRPC with GET', input: { args: ['GET', 'a:80'], grpc: 'a.B/C' }, message: /always POST/ },
    ];
    for (const b of bad) it(`refuses ${b.name}`, () => assert.throws(() => parseRequest(b.input), b.message));

    it('reads host, port, path, query and headers', () => {
      const r = parseRequest({ args: ['post', 'https://API.example.com/a//b?x=1&y'], headers: ['X-Canary: true', 'x-canary: again'] });
      assert.deepEqual(
        { method: r.method, scheme: r.scheme, authority: r.authority, port: r.port, path: r.path, query: r.query, headers: r.headers },
        { method: 'POST', scheme: 'https', authority: 'api.example.com', port: 443, path: '/a//b', query: 'x=1&y', headers: { 'x-canary': 'true,again' } },
      );
    });
  });

  it('applies RE2 regex rewrites with capture groups like Envoy', () => {
    const cases: Array<[string, string, string, string]> = [
      ['^/books/?', '/books/1', '/', '/1'],
      ['^/v([0-9]+)/(.*)$', '/v2/items', '/api/\\2?v=\\1', '/api/items?v=2'],
      ['^.*$', '/anything', '/health', '/health'],
      ['a', 'banana', 'o', 'bonono'],
    ];
    for (const [pattern, input, substitution, expected] of cases) assert.equal(regexReplaceAll(pattern, input, substitution), expected, `${pattern} on ${input}`);
  });

  describe('the command', () => {
    async function run(...args: string[]) {
      const terminal = captureTerminal();
      const code = await main(['node', 'meshplane', 'route', '--repo', TEST_REPO, '--env', 'shop', ...args], terminal);
      return { code, ...terminal };
    }

    it('prints the hops, the chosen route and the targets', async () => {
      const result = await run('--from', 'client', 'GET', 'http://catalog.shop.local:8080/api/items', '-H', 'tenant: acme-1');
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^GET http:\/\/catalog\.shop\.local:8080\/api\/items from VirtualNode client \(mesh shop\), Envoy sidecar$/m);
      assert.match(result.stdout, /virtual host catalog\.shop\.local:8080 \(Host catalog\.shop\.local:8080 matched domain catalog\.shop\.local:8080\)/);
      assert.match(result.stdout, /✓ tenant-prefix .*← chosen/);
      assert.match(result.stdout, /route tenant-prefix: Route catalog\/tenant-prefix, priority 2 \(environments\/shop\/catalog-routes\.yaml\)/);
      assert.match(result.stdout, /timeout: 30s per request, idle 300s/);
      assert.match(result.stdout, /retries: up to 4 on 5xx, 500ms per try/);
      assert.match(result.stdout, /^routed → catalog-v1 100%$/m);
    });

    it('prints JSON', async () => {
      const result = await run('--from', 'VirtualGateway/shop/edge', '--format', 'json', 'GET', 'http://x:8443/catalog/a');
      assert.equal(result.code, 0);
      const parsed = JSON.parse(result.stdout) as RouteExplanation;
      assert.equal(parsed.proxy.key, 'VirtualGateway/shop/edge');
      assert.deepEqual(parsed.hops.map((h) => h.stage), ['gateway-listener', 'gateway-egress']);
    });

    it('exits 1 when the request is not routed', async () => {
      const result = await run('--from', 'mesh/shop/virtualNode/client', 'GET', 'http://nothing.shop.local:8080/');
      assert.equal(result.code, 1);
      assert.match(result.stdout, /^not routed: no virtual host/m);
    });

    it('names the proxies when --from is unknown (exit 2)', async () => {
      const result = await run('--from', 'clinet', 'GET', 'http://a/');
      assert.equal(result.code, 2);
      assert.match(result.stderr, /no virtual node or virtual gateway named "clinet"; did you mean "client"\? Proxies: /);
    });

    it('names the environments when --env is unknown (exit 2)', async () => {
      const result = await run('--from', 'client', '--env', 'nope', 'GET', 'http://a/');
      assert.equal(result.code, 2);
      assert.match(result.stderr, /unknown environment "nope".*environments: shop/);
    });
  });
});
