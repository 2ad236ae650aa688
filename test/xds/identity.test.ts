// Proxy identity, authorization and limits: who may stream, and the status codes of refusals.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { ProxyIdentity, TYPE_URLS } from '../../provider/envoy/snapshot';
import { CertificateAuthenticator, TokenAuthenticator } from '../../reconciler/xds/proxy-auth';
import { parseNodeId } from '../../reconciler/xds/proxy-identity';
import { MemorySnapshotSource } from '../../reconciler/xds/snapshot-source';
import { XdsServer, XdsServerOptions } from '../../reconciler/xds/xds-server';
import { AdsTestClient, bearer, envoyNode } from './helpers/ads-client';
import { cluster, snapshotOf } from './helpers/envoy-resources';

const serviceA: ProxyIdentity = { kind: 'VirtualNode', meshName: 'apps', name: 'serviceA' };
const gateway: ProxyIdentity = { kind: 'VirtualGateway', meshName: 'apps', name: 'ingress-gw' };

describe('xds: node.id parsing', () => {
  const cases: { name: string; input: string; expected: ProxyIdentity | RegExp }[] = [
    { name: 'short virtual node', input: 'mesh/apps/virtualNode/serviceB', expected: { kind: 'VirtualNode', meshName: 'apps', name: 'serviceB' } },
    { name: 'short virtual gateway', input: 'mesh/apps/virtualGateway/ingress-gw', expected: gateway },
    {
      name: 'full ARN',
      input: 'arn:aws:appmesh:us-west-2:111122223333:mesh/apps/virtualNode/serviceA',
      expected: serviceA,
    },
    { name: 'preview ARN', input: 'arn:aws:appmesh-preview:us-west-2:111122223333:mesh/apps/virtualNode/serviceA', expected: serviceA },
    { name: 'a virtual service is not a proxy', input: 'mesh/apps/virtualService/serviceb.apps.local', expected: /not virtualNode or virtualGateway/ },
    { name: 'missing parts', input: 'serviceA', expected: /expected mesh\/<mesh>\/virtualNode\/<name>/ },
    { name: 'bad ARN', input: 'arn:aws:s3:::bucket', expected: /not an App Mesh ARN/ },
  ];
  for (const { name, input, expected } of cases) {
    it(name, () => {
      if (expected instanceof RegExp) assert.throws(() => parseNodeId(input), (e: Error & { code: number }) => expected.test(e.message) && e.code === grpc.status.INVALID_ARGUMENT);
      else assert.deepEqual(parseNodeId(input).proxy, expected);
    });
  }
});

describe('xds: proxy identity, authorization and limits', () => {
  let source: MemorySnapshotSource;
  let server: XdsServer | undefined;
  let client: AdsTestClient | undefined;

  async function start(options: Partial<XdsServerOptions> = {}, credentials?: grpc.ChannelCredentials, channelOptions?: grpc.ChannelOptions) {
    server = new XdsServer({ source, arnScope: { partition: 'aws', region: 'us-west-2', account: '111122223333' }, ...options });
    const port = await server.listen('127.0.0.1:0');
    client = new AdsTestClient(`127.0.0.1:${port}`, credentials, channelOptions);
    return client;
  }

  async function refusal(stream: ReturnType<AdsTestClient['sotw']>, nodeId: string) {
    stream.send({ node: envoyNode(nodeId), type_url: TYPE_URLS.cluster });
    return stream.status;
  }

  beforeEach(() => {
    source = new MemorySnapshotSource();
    source.update([
      { proxy: serviceA, snapshots: [snapshotOf(serviceA, 'envoy', [cluster('a')])] },
      { proxy: gateway, snapshots: [snapshotOf(gateway, 'envoy', [cluster('gw')])] },
    ]);
  });

  afterEach(async () => {
    client?.close();
    await server?.stop(1000);
    client = undefined;
    server = undefined;
  });

  it('refuses an unknown identity with NOT_FOUND naming it, and a malformed one with INVALID_ARGUMENT', async () => {
    const c = await start();
    const unknown = await refusal(c.sotw(), 'mesh/apps/virtualNode/serviceZ');
    assert.equal(unknown.code, grpc.status.NOT_FOUND);
    assert.match(unknown.details, /mesh\/apps\/virtualNode\/serviceZ.*VirtualNode serviceZ \(mesh apps\) does not exist/);
    const wrongAccount = await refusal(c.sotw(), 'arn:aws:appmesh:us-west-2:999999999999:mesh/apps/virtualNode/serviceA');
    assert.equal(wrongAccount.code, grpc.status.NOT_FOUND);
    assert.match(wrongAccount.details, /account 999999999999/);
    const malformed = await refusal(c.sotw(), 'serviceA');
    assert.equal(malformed.code, grpc.status.INVALID_ARGUMENT);
    const noNode = c.delta();
    noNode.send({ type_url: TYPE_URLS.cluster });
    assert.equal((await noNode.status).code, grpc.status.INVALID_ARGUMENT);
  });

  it('accepts the full ARN and the short form for the same proxy, on both protocols', async () => {
    const c = await start();
    const arn = c.sotw();
    arn.send({ node: envoyNode('arn:aws:appmesh:us-west-2:111122223333:mesh/apps/virtualNode/serviceA'), type_url: TYPE_URLS.cluster });
    const delta = c.delta();
    delta.send({ node: envoyNode('mesh/apps/virtualGateway/ingress-gw'), type_url: TYPE_URLS.cluster });
    assert.equal((await arn.next()).resources.length, 1);
    assert.deepEqual((await delta.next()).resources.map((r) => r.name), ['gw']);
    assert.deepEqual(server!.proxies().map((p) => p.identity), ['VirtualGateway/apps/ingress-gw', 'VirtualNode/apps/serviceA']);
    arn.close();
    delta.close();
  });

  it('with token auth: no token is UNAUTHENTICATED, another identity\'s token is PERMISSION_DENIED, the bound token streams', async () => {
    const tokens = new Map([
      ['VirtualNode/apps/serviceA', 'token-a'],
      ['VirtualGateway/apps/ingress-gw', 'token-gw'],
    ]);
    const c = await start({ authenticator: new TokenAuthenticator((key) => tokens.get(key)) });
    const missing = await refusal(c.sotw(), 'mesh/apps/virtualNode/serviceA');
    assert.equal(missing.code, grpc.status.UNAUTHENTICATED);
    assert.equal(missing.details, 'Missing Authentication Token');
    const wrong = await refusal(c.sotw(bearer('token-gw')), 'mesh/apps/virtualNode/serviceA');
    assert.equal(wrong.code, grpc.status.PERMISSION_DENIED);
    assert.match(wrong.details, /mesh\/apps\/virtualNode\/serviceA/);
    // Credentials are checked before existence: an unknown identity with a bad token learns nothing.
    assert.equal((await refusal(c.sotw(bearer('guess')), 'mesh/apps/virtualNode/nobody')).code, grpc.status.PERMISSION_DENIED);
    const ok = c.sotw(bearer('token-a'));
    ok.send({ node: envoyNode('mesh/apps/virtualNode/serviceA'), type_url: TYPE_URLS.cluster });
    assert.equal((await ok.next()).resources[0].type_url, TYPE_URLS.cluster);
    ok.close();
  });

  it('limits proxies per identity with RESOURCE_EXHAUSTED and never evicts the connected ones', async () => {
    const c = await start({ proxyLimit: 2 });
    const streams = [c.sotw(), c.sotw()];
    for (const s of streams) s.send({ node: envoyNode('mesh/apps/virtualNode/serviceA'), type_url: TYPE_URLS.cluster });
    await Promise.all(streams.map((s) => s.next()));
    const third = await refusal(c.sotw(), 'mesh/apps/virtualNode/serviceA');
    assert.equal(third.code, grpc.status.RESOURCE_EXHAUSTED);
    assert.match(third.details, /already has 2 connected proxies/);
    // The two connected proxies still get updates; another identity is not limited by them.
    source.update([{ proxy: serviceA, snapshots: [snapshotOf(serviceA, 'envoy', [cluster('a'), cluster('a2')])] }]);
    for (const s of streams) assert.equal((await s.next()).resources.length, 2);
    const other = c.sotw();
    other.send({ node: envoyNode('mesh/apps/virtualGateway/ingress-gw'), type_url: TYPE_URLS.cluster });
    await other.next();
    // When one disconnects, a new one fits.
    streams[0].close();
    await streams[0].status;
    await new Promise((r) => setTimeout(r, 50));
    const replacement = c.sotw();
    replacement.send({ node: envoyNode('mesh/apps/virtualNode/serviceA'), type_url: TYPE_URLS.cluster });
    await replacement.next();
    for (const s of [streams[1], other, replacement]) s.close();
  });

  it('closes the streams of an identity removed from the configuration with NOT_FOUND', async () => {
    const c = await start();
    const stream = c.sotw();
    stream.send({ node: envoyNode('mesh/apps/virtualGateway/ingress-gw'), type_url: TYPE_URLS.cluster });
    await stream.next();
    source.remove([gateway]);
    const status = await stream.status;
    assert.equal(status.code, grpc.status.NOT_FOUND);
    assert.match(status.details, /was removed/);
  });

  describe('with mTLS', () => {
    let dir: string;
    before(function () {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshplane-mtls-'));
      try {
        makeCertificates(dir);
      } catch (error) {
        fs.rmSync(dir, { recursive: true, force: true });
        this.skip(); // openssl is needed to issue test certificates
      }
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const read = (name: string) => fs.readFileSync(path.join(dir, name));

    it('streams when the client certificate SAN names the identity, PERMISSION_DENIED when it names another', async () => {
      const tls = { certificate: read('server.pem'), privateKey: read('server.key'), clientCa: read('ca.pem'), requireClientCertificate: true };
      const clientCredentials = grpc.credentials.createSsl(read('ca.pem'), read('client.key'), read('client.pem'));
      const c = await start({ authenticator: new CertificateAuthenticator(), tls }, clientCredentials, {
        'grpc.ssl_target_name_override': 'localhost',
      });
      const ok = c.sotw();
      ok.send({ node: envoyNode('arn:aws:appmesh:us-west-2:111122223333:mesh/apps/virtualNode/serviceA'), type_url: TYPE_URLS.cluster });
      assert.equal((await ok.next()).resources.length, 1);
      const denied = await refusal(c.sotw(), 'mesh/apps/virtualGateway/ingress-gw');
      assert.equal(denied.code, grpc.status.PERMISSION_DENIED);
      assert.match(denied.details, /spiffe:\/\/meshplane\/mesh\/apps\/virtualNode\/serviceA/);
      ok.close();
    });
  });
});

function makeCertificates(dir: string): void {
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  fs.writeFileSync(path.join(dir, 'server.ext'), 'subjectAltName=DNS:localhost\n');
  fs.writeFileSync(path.join(dir, 'client.ext'), 'subjectAltName=URI:spiffe://meshplane/mesh/apps/virtualNode/serviceA\n');
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=meshplane-test-ca']);
  for (const name of ['server', 'client']) {
    run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
    run(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`]);
  }
}
