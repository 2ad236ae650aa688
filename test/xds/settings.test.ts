// The xds section of environment.yaml, server options built from it, and GET /api/proxies.
import { strict as assert } from 'node:assert';
import * as grpc from '@grpc/grpc-js';
import { ProxyIdentity, TYPE_URLS } from '../../provider/envoy/snapshot';
import { defaultEnvironment } from '../../provider/environment/environment-config';
import { startHttpServer } from '../../reconciler/http/http-server';
import { parseFile } from '../../provider/load/parsed-document';
import { proxiesRoutes } from '../../reconciler/xds/proxies-api';
import { MemorySnapshotSource } from '../../reconciler/xds/snapshot-source';
import { readXdsSettings, xdsServerOptions } from '../../reconciler/xds/xds-settings';
import { XdsServer } from '../../reconciler/xds/xds-server';
import { AdsTestClient, bearer, envoyNode } from './helpers/ads-client';
import { cluster, snapshotOf } from './helpers/envoy-resources';

function read(yamlText: string) {
  const document = parseFile(yamlText).documents[0];
  return readXdsSettings((document.value as Record<string, unknown>).xds, { file: 'environments/apps/environment.yaml', locate: document.locate });
}

describe('xds settings', () => {
  it('reads a complete section', () => {
    const { settings, diagnostics } = read(
      [
        'xds:',
        '  listen: 0.0.0.0:15128',
        '  auth:',
        '    mode: token',
        '    tokens:',
        '      mesh/apps/virtualNode/serviceA: env:SERVICE_A_TOKEN',
        '      arn:aws:appmesh:us-west-2:111122223333:mesh/apps/virtualGateway/gw: file:/run/secrets/gw',
        '  proxyLimit: true',
        '  keepalive: {timeSeconds: 20, timeoutSeconds: 5}',
      ].join('\n'),
    );
    assert.deepEqual(diagnostics, []);
    assert.equal(settings.listen, '0.0.0.0:15128');
    assert.deepEqual([...settings.auth.tokens], [
      ['VirtualNode/apps/serviceA', 'env:SERVICE_A_TOKEN'],
      ['VirtualGateway/apps/gw', 'file:/run/secrets/gw'],
    ]);
    assert.equal(settings.proxyLimit, 'quota');
    assert.deepEqual(settings.keepalive, { timeMs: 20000, timeoutMs: 5000 });
  });

  const bad: { name: string; yaml: string; expected: string[] }[] = [
    { name: 'bad listen and unknown key', yaml: 'xds:\n  listen: 18000\n  port: 1\n', expected: ['2:/xds/listen:xds.listen must be host:port', '3:/xds/port:unknown xds setting "port"'] },
    { name: 'token mode without tokens', yaml: 'xds:\n  auth:\n    mode: token\n', expected: ['2:/xds/auth:xds.auth.mode token needs xds.auth.tokens'] },
    { name: 'token for a non-proxy and a bad reference', yaml: 'xds:\n  auth:\n    tokens:\n      mesh/apps/virtualService/x: env:A\n      mesh/apps/virtualNode/a: plain-token\n', expected: ['4:/xds/auth/tokens/mesh~1apps~1virtualService~1x:node.id "mesh/apps/virtualService/x" is not', '5:/xds/auth/tokens/mesh~1apps~1virtualNode~1a:secret reference "plain-token" is not'] },
    { name: 'mtls without a client CA', yaml: 'xds:\n  auth: {mode: mtls}\n', expected: ['2:/xds/auth:xds.auth.mode mtls needs xds.tls'] },
    { name: 'limit that is not a number', yaml: 'xds:\n  proxyLimit: lots\n', expected: ['2:/xds/proxyLimit:xds.proxyLimit must be a whole number'] },
  ];
  for (const { name, yaml, expected } of bad) {
    it(`reports ${name} at its line`, () => {
      const { diagnostics } = read(yaml);
      assert.deepEqual(
        diagnostics.map((d) => `${d.line}:${d.pointer}:${d.message}`.slice(0, expected[diagnostics.indexOf(d)]?.length ?? 0)),
        expected,
      );
    });
  }
});

describe('xds: options from settings, and GET /api/proxies', () => {
  const serviceA: ProxyIdentity = { kind: 'VirtualNode', meshName: 'apps', name: 'serviceA' };

  it('authenticates with a token read from the environment at connect time and lists the proxy with its versions', async () => {
    const source = new MemorySnapshotSource();
    source.update([{ proxy: serviceA, snapshots: [snapshotOf(serviceA, 'envoy', [cluster('a')])] }]);
    const { settings } = read('xds:\n  auth:\n    mode: token\n    tokens:\n      mesh/apps/virtualNode/serviceA: env:MESHPLANE_TEST_TOKEN_A\n  proxyLimit: 1\n');
    const secretErrors: string[] = [];
    const server = new XdsServer(xdsServerOptions(settings, defaultEnvironment('apps'), { source }, (m) => secretErrors.push(m)));
    const client = new AdsTestClient(`127.0.0.1:${await server.listen('127.0.0.1:0')}`);
    const http = await startHttpServer(proxiesRoutes(server));
    try {
      const unset = client.sotw(bearer('t0ken'));
      unset.send({ node: envoyNode('mesh/apps/virtualNode/serviceA'), type_url: TYPE_URLS.cluster });
      assert.equal((await unset.status).code, grpc.status.PERMISSION_DENIED);
      assert.match(secretErrors[0], /MESHPLANE_TEST_TOKEN_A is not set/);
      process.env.MESHPLANE_TEST_TOKEN_A = 't0ken';
      const stream = client.sotw(bearer('t0ken'));
      stream.send({ node: envoyNode('mesh/apps/virtualNode/serviceA'), type_url: TYPE_URLS.cluster });
      const response = await stream.next();
      stream.send({ type_url: TYPE_URLS.cluster, version_info: response.version_info, response_nonce: response.nonce });
      await stream.expectSilence(100);
      const second = client.sotw(bearer('t0ken'));
      second.send({ node: envoyNode('mesh/apps/virtualNode/serviceA'), type_url: TYPE_URLS.cluster });
      assert.equal((await second.status).code, grpc.status.RESOURCE_EXHAUSTED);
      const body = (await (await fetch(`${http.url}/api/proxies?mesh=apps`)).json()) as { count: number; proxies: { identity: string; flavour: string; connectedSince: string; types: Record<string, { sent: { version: string }; acked: { version: string }; state: string }> }[] };
      assert.equal(body.count, 1);
      const [proxy] = body.proxies;
      assert.equal(proxy.identity, 'VirtualNode/apps/serviceA');
      assert.equal(proxy.flavour, 'envoy');
      assert.ok(Date.parse(proxy.connectedSince) > 0);
      assert.equal(proxy.types.cluster.sent.version, response.version_info);
      assert.equal(proxy.types.cluster.acked.version, response.version_info);
      assert.equal(proxy.types.cluster.state, 'synced');
      assert.equal(((await (await fetch(`${http.url}/api/proxies?mesh=other`)).json()) as { count: number }).count, 0);
      stream.close();
    } finally {
      delete process.env.MESHPLANE_TEST_TOKEN_A;
      client.close();
      await http.close();
      await server.stop(500);
    }
  });
});
