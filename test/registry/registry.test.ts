// The embedded endpoint registry: Cloud Map lookups, DNS names of registered services, change
// notifications, the HTTP API on a real server, and instances declared in environment.yaml.
import { strict as assert } from 'node:assert';
import { DiscoveryQuery } from '../../provider/envoy/snapshot';
import { startHttpServer, RunningHttpServer } from '../../reconciler/http/http-server';
import { readDiscoverySettings } from '../../reconciler/registry/discovery-settings';
import { EndpointRegistry } from '../../reconciler/registry/endpoint-registry';
import { registryRoutes } from '../../reconciler/registry/registry-api';
import { parseFile } from '../../provider/load/parsed-document';
import { readEnvironment } from '../../provider/environment/read-environment';

function seeded(): EndpointRegistry {
  const registry = new EndpointRegistry();
  registry.register('apps.local', 'serviceb', 'b-1', { address: '10.0.0.1', port: 80, attributes: { version: 'v1' } });
  registry.register('apps.local', 'serviceb', 'b-2', { attributes: { AWS_INSTANCE_IPV4: '10.0.0.2', AWS_INSTANCE_PORT: '80', version: 'v2' } });
  registry.register('apps.local', 'serviceb', 'b-3', { address: '10.0.0.3', port: 8080, attributes: { version: 'v2', zone: 'a' }, healthy: false });
  return registry;
}

describe('registry: lookups', () => {
  const cases: { name: string; query: DiscoveryQuery; expected: string[] | undefined }[] = [
    { name: 'cloud map service, no filter', query: { type: 'cloudMap', namespaceName: 'apps.local', serviceName: 'serviceb', attributes: {} }, expected: ['10.0.0.1:80+', '10.0.0.2:80+', '10.0.0.3:8080-'] },
    { name: 'attribute filter matches all pairs', query: { type: 'cloudMap', namespaceName: 'apps.local', serviceName: 'serviceb', attributes: { version: 'v2', zone: 'a' } }, expected: ['10.0.0.3:8080-'] },
    { name: 'filter matching nothing', query: { type: 'cloudMap', namespaceName: 'apps.local', serviceName: 'serviceb', attributes: { version: 'v9' } }, expected: [] },
    { name: 'unknown service', query: { type: 'cloudMap', namespaceName: 'apps.local', serviceName: 'nope', attributes: {} }, expected: undefined },
    { name: 'dns name of a registered service, any case', query: { type: 'dns', hostname: 'serviceB.Apps.local' }, expected: ['10.0.0.1:80+', '10.0.0.2:80+', '10.0.0.3:8080-'] },
    { name: 'dns name the registry does not hold (resolved by the proxy)', query: { type: 'dns', hostname: 'serviceb.other.local' }, expected: undefined },
  ];
  for (const { name, query, expected } of cases) {
    it(name, () => {
      const found = seeded().lookup(query);
      assert.deepEqual(found?.map((e) => `${e.address}:${e.port}${e.healthy ? '+' : '-'}`), expected);
    });
  }

  it('rejects instances without a usable address or port, with the fix in the message', () => {
    const registry = new EndpointRegistry();
    assert.throws(() => registry.register('apps.local', 'b', 'x', { address: 'not-an-ip', port: 80 }), /AWS_INSTANCE_IPV4/);
    assert.throws(() => registry.register('apps.local', 'b', 'x', { address: '10.0.0.1', port: 70000 }), /1–65535/);
    assert.throws(() => registry.register('bad name!', 'b', 'x', { address: '10.0.0.1', port: 80 }), /namespace/);
  });
});

describe('registry: change notifications', () => {
  it('batches changes per tick, names the services, and stays silent for no-op writes', async () => {
    const registry = seeded();
    const seen: string[][] = [];
    registry.subscribe((changed) => seen.push([...changed].sort()));
    await Promise.resolve();
    seen.length = 0; // the seeding itself
    registry.register('apps.local', 'serviceb', 'b-1', { address: '10.0.0.1', port: 80, attributes: { version: 'v1' } }); // unchanged
    registry.setHealth('apps.local', 'serviceB', 'b-3', true);
    registry.register('apps.local', 'servicec', 'c-1', { address: '10.0.0.9', port: 80 });
    await Promise.resolve();
    assert.deepEqual(seen, [['apps.local/serviceb', 'apps.local/servicec']]);
    registry.deregister('apps.local', 'servicec', 'c-1');
    await Promise.resolve();
    assert.deepEqual(seen[1], ['apps.local/servicec']);
    assert.equal(registry.lookup({ type: 'cloudMap', namespaceName: 'apps.local', serviceName: 'servicec', attributes: {} }), undefined);
  });
});

describe('registry: HTTP API', () => {
  let registry: EndpointRegistry;
  let http: RunningHttpServer;
  const base = '/api/registry/namespaces/apps.local/services/serviceb/instances';

  beforeEach(async () => {
    registry = new EndpointRegistry();
    http = await startHttpServer(registryRoutes(registry, { writeToken: 'w', addressPolicy: { allowLoopback: true, allowLinkLocal: false } }));
  });
  afterEach(() => http.close());

  const call = (method: string, path: string, body?: unknown, token = 'w') =>
    fetch(`${http.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('registers, lists, health-marks and deregisters instances', async () => {
    let response = await call('PUT', `${base}/b-1`, { address: '127.0.0.1', port: 9001, attributes: { version: 'v1' } });
    assert.equal(response.status, 201);
    response = await call('PUT', `${base}/b-1`, { address: '127.0.0.1', port: 9002 });
    assert.equal(response.status, 200);
    const listed = (await (await call('GET', base)).json()) as { instances: { id: string; port: number }[] };
    assert.deepEqual(listed.instances.map((i) => `${i.id}:${i.port}`), ['b-1:9002']);
    response = await call('PUT', `${base}/b-1/health`, { status: 'UNHEALTHY' });
    assert.equal(response.status, 200);
    assert.equal(registry.lookup({ type: 'dns', hostname: 'serviceb.apps.local' })![0].healthy, false);
    const namespaces = (await (await call('GET', '/api/registry/namespaces')).json()) as { namespaces: unknown };
    assert.deepEqual(namespaces.namespaces, [{ namespace: 'apps.local', services: [{ service: 'serviceb', instances: 1 }] }]);
    assert.equal((await call('DELETE', `${base}/b-1`)).status, 204);
    assert.equal((await call('DELETE', `${base}/b-1`)).status, 404);
  });

  it('answers bad input with 400 and a message, unauthenticated writes with 401, wrong methods with 405', async () => {
    const bad = await call('PUT', `${base}/b-1`, { address: 'nowhere', port: 80 });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /not an IPv4 or IPv6 address/);
    const badJson = await fetch(`${http.url}${base}/b-1`, { method: 'PUT', headers: { authorization: 'Bearer w' }, body: '{' });
    assert.equal(badJson.status, 400);
    assert.equal((await call('PUT', `${base}/b-1`, { address: '127.0.0.1', port: 80 }, '')).status, 401);
    assert.equal((await call('PUT', `${base}/b-1`, { address: '127.0.0.1', port: 80 }, 'nope')).status, 401);
    const wrongMethod = await call('POST', `${base}/b-1`, {});
    assert.equal(wrongMethod.status, 405);
    assert.match(wrongMethod.headers.get('allow') ?? '', /PUT/);
  });
});

describe('registry: instances declared in environment.yaml', () => {
  const text = [
    'account: "111122223333"',
    'discovery:',
    '  instances:',
    '    - {namespace: apps.local, service: serviceb, address: 10.0.1.1, port: 80, attributes: {version: v1}}',
    '    - {namespace: apps.local, service: serviceb, address: 10.0.1.2, port: 80, id: b-2}',
    '    - {namespace: apps.local, service: serviceb, address: somewhere, port: 80}',
    '    - {namespace: apps.local, service: serviceb, address: 10.0.1.2, port: 81, id: b-2}',
    '',
  ].join('\n');
  const read = (yaml: string) => {
    const document = parseFile(yaml).documents[0];
    const at = { file: 'environments/apps/environment.yaml', locate: document.locate };
    const { config, diagnostics } = readEnvironment('apps', document.value, at.file, at.locate);
    const discovery = readDiscoverySettings(config, at);
    return { settings: discovery.settings, diagnostics: [...diagnostics, ...discovery.diagnostics] };
  };

  it('reads valid instances and reports each bad one at its line', () => {
    const { settings, diagnostics } = read(text);
    assert.equal(settings.instances.length, 2);
    assert.deepEqual(
      diagnostics.map((d) => `${d.code}:${d.line}:${d.pointer}:${d.message.slice(0, 40)}`),
      [
        'ENV-DISCOVERY:6:/discovery/instances/2:the instance address "somewhere" is not ',
        'ENV-DISCOVERY:7:/discovery/instances/3:instance "b-2" of apps.local/serviceb is',
      ],
    );
  });

  it('reports a misspelled instance key at its line, with the key it meant', () => {
    const { settings, diagnostics } = read('discovery:\n  instances:\n    - {namespace: apps.local, service: serviceb, adress: 10.0.1.3, port: 80}\n');
    assert.deepEqual(settings.instances, []);
    assert.deepEqual(
      diagnostics.map((d) => `${d.code}:${d.line}:${d.pointer}`),
      ['ENV-DISCOVERY:3:/discovery/instances/0/adress'],
    );
    assert.match(diagnostics[0].message, /unknown key "adress" in discovery\.instances\[0\].*Did you mean "address"\?/);
  });

  it('serves declared instances, keeps runtime health marks, refuses API deregistration, and drops removed ones', async () => {
    const registry = new EndpointRegistry();
    registry.setStatic([{ namespace: 'apps.local', service: 'serviceb', address: '10.0.1.1', port: 80, id: 'b-1' }]);
    registry.setHealth('apps.local', 'serviceb', 'b-1', false);
    assert.throws(() => registry.deregister('apps.local', 'serviceb', 'b-1'), /declared in environment.yaml/);
    registry.setStatic([
      { namespace: 'apps.local', service: 'serviceb', address: '10.0.1.1', port: 80, id: 'b-1' },
      { namespace: 'apps.local', service: 'serviceb', address: '10.0.1.2', port: 80, id: 'b-2' },
    ]);
    assert.deepEqual(registry.lookup({ type: 'dns', hostname: 'serviceb.apps.local' })!.map((e) => `${e.address}${e.healthy ? '+' : '-'}`), ['10.0.1.1-', '10.0.1.2+']);
    registry.setStatic([]);
    assert.equal(registry.lookup({ type: 'dns', hostname: 'serviceb.apps.local' }), undefined);
  });
});
