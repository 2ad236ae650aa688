// The xds section of environment.yaml (the server's options: test/operator/xds-options.test.ts).
import { strict as assert } from 'node:assert';
import { parseFile } from '../../provider/load/parsed-document';
import { readXdsSettings } from '../../reconciler/xds/xds-settings';

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
