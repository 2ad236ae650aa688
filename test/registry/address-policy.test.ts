// The registry's address policy: loopback, link-local (the cloud metadata service) and unspecified
// addresses are refused through the API and in environment.yaml, unless the operator allows them.
import { strict as assert } from 'node:assert';
import { RunningHttpServer, startHttpServer } from '../../reconciler/http/http-server';
import { readEnvironment } from '../../provider/environment/read-environment';
import { parseFile } from '../../provider/load/parsed-document';
import { AddressPolicy, specialRange } from '../../reconciler/registry/address-policy';
import { readDiscoverySettings } from '../../reconciler/registry/discovery-settings';
import { EndpointRegistry } from '../../reconciler/registry/endpoint-registry';
import { registryRoutes } from '../../reconciler/registry/registry-api';

describe('registry: special address ranges', () => {
  const cases: { address: string; range: ReturnType<typeof specialRange> }[] = [
    { address: '10.0.0.7', range: undefined },
    { address: '127.0.0.1', range: 'loopback' },
    { address: '127.255.0.9', range: 'loopback' },
    { address: '::1', range: 'loopback' },
    { address: '0:0:0:0:0:0:0:1', range: 'loopback' },
    { address: '::ffff:127.0.0.1', range: 'loopback' },
    { address: '::ffff:7f00:1', range: 'loopback' },
    { address: '169.254.169.254', range: 'link-local' },
    { address: '::ffff:169.254.169.254', range: 'link-local' },
    { address: 'fe80::1', range: 'link-local' },
    { address: 'febf::1', range: 'link-local' },
    { address: 'fec0::1', range: undefined },
    { address: '0.0.0.0', range: 'unspecified' },
    { address: '::', range: 'unspecified' },
    { address: '2001:db8::1', range: undefined },
    { address: '169.253.1.1', range: undefined },
  ];
  for (const { address, range } of cases) it(`${address} is ${range ?? 'routable'}`, () => assert.equal(specialRange(address), range));
});

describe('registry API: address policy', () => {
  let http: RunningHttpServer | undefined;
  afterEach(() => http?.close());

  async function put(policy: AddressPolicy | undefined, body: unknown): Promise<{ status: number; error?: string }> {
    await http?.close();
    http = await startHttpServer(registryRoutes(new EndpointRegistry(), { writeToken: 'w', ...(policy ? { addressPolicy: policy } : {}) }));
    const response = await fetch(`${http.url}/api/registry/namespaces/apps.local/services/serviceb/instances/b-1`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: 'Bearer w' },
      body: JSON.stringify(body),
    });
    return { status: response.status, error: ((await response.json()) as { error?: string }).error };
  }

  const none = { allowLoopback: false, allowLinkLocal: false };
  const cases: { name: string; policy?: AddressPolicy; body: unknown; status: number; error?: RegExp }[] = [
    { name: 'refuses the metadata service by default', body: { address: '169.254.169.254', port: 80 }, status: 403, error: /link-local.*registry\.allowLinkLocal: true/ },
    { name: 'refuses loopback by default', body: { address: '127.0.0.1', port: 80 }, status: 403, error: /loopback.*registry\.allowLoopback: true/ },
    { name: 'refuses loopback given as a Cloud Map attribute', policy: none, body: { attributes: { AWS_INSTANCE_IPV4: '127.0.0.1', AWS_INSTANCE_PORT: '80' } }, status: 403 },
    { name: 'refuses an IPv4-mapped loopback', policy: none, body: { address: '::ffff:127.0.0.1', port: 80 }, status: 403 },
    { name: 'refuses the unspecified address even with both allowed', policy: { allowLoopback: true, allowLinkLocal: true }, body: { address: '0.0.0.0', port: 80 }, status: 403, error: /never accepted/ },
    { name: 'accepts loopback when the operator allows it', policy: { allowLoopback: true, allowLinkLocal: false }, body: { address: '127.0.0.1', port: 80 }, status: 201 },
    { name: 'still refuses link-local when only loopback is allowed', policy: { allowLoopback: true, allowLinkLocal: false }, body: { address: 'fe80::1', port: 80 }, status: 403 },
    { name: 'accepts a routable address', policy: none, body: { address: '10.0.0.7', port: 80 }, status: 201 },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const reply = await put(c.policy, c.body);
      assert.equal(reply.status, c.status, reply.error);
      if (c.error) assert.match(reply.error ?? '', c.error);
    });
  }
});

describe('registry: address policy for instances in environment.yaml', () => {
  const text = [
    'discovery:',
    '  instances:',
    '    - {namespace: apps.local, service: serviceb, address: 10.0.1.1, port: 80}',
    '    - {namespace: apps.local, service: serviceb, address: 169.254.169.254, port: 80}',
    '    - {namespace: apps.local, service: serviceb, address: 127.0.0.1, port: 80}',
    '',
  ].join('\n');
  const read = (policy?: AddressPolicy) => {
    const document = parseFile(text).documents[0];
    const at = { file: 'environments/apps/environment.yaml', locate: document.locate };
    return readDiscoverySettings(readEnvironment('apps', document.value, at.file, at.locate).config, at, policy);
  };

  it('reports a refused address at its line, and keeps only the accepted instances', () => {
    const { settings, diagnostics } = read({ allowLoopback: false, allowLinkLocal: false });
    assert.deepEqual(settings.instances.map((i) => i.address), ['10.0.1.1']);
    assert.deepEqual(
      diagnostics.map((d) => `${d.code}:${d.line}:${d.pointer}`),
      ['ENV-DISCOVERY:4:/discovery/instances/1/address', 'ENV-DISCOVERY:5:/discovery/instances/2/address'],
    );
    assert.match(diagnostics[1].message, /registry\.allowLoopback: true in meshplane\.yaml/);
  });

  it('accepts them as the operator allows, and any address without a policy (meshplane validate)', () => {
    assert.equal(read({ allowLoopback: true, allowLinkLocal: false }).settings.instances.length, 2);
    assert.equal(read(undefined).settings.instances.length, 3);
  });
});
