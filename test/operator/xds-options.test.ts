// The xDS server's options from the operator configuration: token auth with secrets taken from
// their cache on connect (no read on the connect path), the environment's proxy limit, and GET /api/proxies.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { ProxyIdentity, TYPE_URLS } from '../../provider/envoy/snapshot';
import { defaultEnvironment } from '../../provider/environment/environment-config';
import { startHttpServer } from '../../reconciler/http/http-server';
import { operatorConfig } from '../../reconciler/operator/operator-config';
import { SecretSources } from '../../reconciler/operator/secret-source';
import { xdsServerOptions } from '../../reconciler/operator/xds-options';
import { proxiesRoutes } from '../../reconciler/xds/proxies-api';
import { MemorySnapshotSource } from '../../reconciler/xds/snapshot-source';
import { XdsServer } from '../../reconciler/xds/xds-server';
import { cleanupAfterEach } from '../helpers/cleanups';
import { eventually } from '../helpers/eventually';
import { AdsTestClient, bearer, envoyNode } from '../xds/helpers/ads-client';
import { cluster, snapshotOf } from '../xds/helpers/envoy-resources';

describe('operator config: xDS server options', () => {
  const cleanups = cleanupAfterEach();
  const serviceA: ProxyIdentity = { kind: 'VirtualNode', meshName: 'apps', name: 'serviceA' };

  it('authenticates with the token of the identity, picks up a rotated secret file, and lists the proxy with its versions', async () => {
    const dir = cleanups.tempDir('meshplane-xds-secret-');
    const tokenFile = path.join(dir, 'service-a');
    fs.writeFileSync(tokenFile, 't0ken\n');
    const source = new MemorySnapshotSource();
    source.update([{ proxy: serviceA, snapshots: [snapshotOf(serviceA, 'envoy', [cluster('a')])] }]);
    const operator = operatorConfig({ xds: { auth: { mode: 'token', tokens: { 'mesh/apps/virtualNode/serviceA': { file: tokenFile } } } } });
    const secrets = new SecretSources({ recheckMs: 50 });
    assert.deepEqual(await secrets.load([['token', { file: tokenFile }]]), []);
    const server = new XdsServer(xdsServerOptions(operator.xds, (ref) => secrets.of(ref), { config: defaultEnvironment('apps'), proxyLimit: 1 }, { source }));
    const client = new AdsTestClient(`127.0.0.1:${await server.listen('127.0.0.1:0')}`);
    const http = await startHttpServer(proxiesRoutes(server));
    cleanups.push(async () => {
      client.close();
      await http.close();
      await server.stop(500);
    });
    const wrong = client.sotw(bearer('other'));
    wrong.send({ node: envoyNode('mesh/apps/virtualNode/serviceA'), type_url: TYPE_URLS.cluster });
    assert.equal((await wrong.status).code, grpc.status.PERMISSION_DENIED);
    const stream = client.sotw(bearer('t0ken'));
    stream.send({ node: envoyNode('mesh/apps/virtualNode/serviceA'), type_url: TYPE_URLS.cluster });
    const response = await stream.next();
    stream.send({ type_url: TYPE_URLS.cluster, version_info: response.version_info, response_nonce: response.nonce });
    await stream.expectSilence(100);
    const second = client.sotw(bearer('t0ken'));
    second.send({ node: envoyNode('mesh/apps/virtualNode/serviceA'), type_url: TYPE_URLS.cluster });
    assert.equal((await second.status).code, grpc.status.RESOURCE_EXHAUSTED, 'the environment\'s proxyLimit 1 applies');
    const body = (await (await fetch(`${http.url}/api/proxies?mesh=apps`)).json()) as { count: number; proxies: { identity: string; flavour: string; types: Record<string, { sent: { version: string }; acked: { version: string }; state: string }> }[] };
    assert.equal(body.count, 1);
    assert.equal(body.proxies[0].identity, 'VirtualNode/apps/serviceA');
    assert.equal(body.proxies[0].types.cluster.acked.version, response.version_info);
    assert.equal(body.proxies[0].types.cluster.state, 'synced');
    stream.close();

    // Rotation: the file changes; after the re-check interval the new token is accepted and the old one is not.
    fs.writeFileSync(tokenFile, 'n3w-token-value\n');
    await eventually('the rotated token to be read', async () => {
      secrets.of({ file: tokenFile }).current();
      await new Promise((resolve) => setTimeout(resolve, 60));
      return secrets.of({ file: tokenFile }).current() === 'n3w-token-value';
    });
    const old = client.sotw(bearer('t0ken'));
    old.send({ node: envoyNode('mesh/apps/virtualNode/serviceA'), type_url: TYPE_URLS.cluster });
    assert.equal((await old.status).code, grpc.status.PERMISSION_DENIED);
  });

  it('an identity without a token configured accepts none', async () => {
    const source = new MemorySnapshotSource();
    source.update([{ proxy: serviceA, snapshots: [snapshotOf(serviceA, 'envoy', [cluster('a')])] }]);
    const operator = operatorConfig({ xds: { auth: { mode: 'token', tokens: { 'mesh/apps/virtualNode/serviceB': { env: 'MESHPLANE_TEST_B' } } } } });
    const secrets = new SecretSources({ variables: { MESHPLANE_TEST_B: 'b' } });
    const server = new XdsServer(xdsServerOptions(operator.xds, (ref) => secrets.of(ref), undefined, { source }));
    const client = new AdsTestClient(`127.0.0.1:${await server.listen('127.0.0.1:0')}`);
    cleanups.push(async () => {
      client.close();
      await server.stop(500);
    });
    const stream = client.sotw(bearer('b'));
    stream.send({ node: envoyNode('mesh/apps/virtualNode/serviceA'), type_url: TYPE_URLS.cluster });
    assert.equal((await stream.status).code, grpc.status.PERMISSION_DENIED);
  });
});
