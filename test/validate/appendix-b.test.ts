// resource-model.md Appendix B: the B.2 mesh is valid, and each B.3 semantic negative (and
// each listed warning case) applied on top of it yields its rule at the right file and line.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { Severity } from '../../provider/model/diagnostic';
import { loadApps, markerLine, repositoryWithVariant, summarize, validateLoaded } from './validate-fixtures';

describe('Appendix B fixtures through the kind-rule and graph layers', () => {
  it('B.2: the valid mesh "apps" has no errors, only the notes the spec asks for', async () => {
    const env = await loadApps();
    assert.equal(env.resources.length, 22);
    const diagnostics = validateLoaded(env);
    assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), [], summarize(diagnostics));
    // VS-6: servicea.apps.local has a two-listener node provider; VN-SD-3: serviceA uses ENDPOINTS.
    // No VS-4: a virtual service provided by a node is the most common pattern there is.
    assert.deepEqual(diagnostics.map((d) => d.code).sort(), ['VN-SD-3', 'VS-6']);
  });

  interface Case {
    name: string;
    input: { variant: string; replaces?: string };
    expected: Array<{ code: string; severity: Severity }>;
  }
  const error = (code: string) => ({ code, severity: 'error' as const });
  const warning = (code: string) => ({ code, severity: 'warning' as const });

  const cases: Case[] = [
    { name: 'NEG-01 two route types', input: { variant: 'neg-01-two-route-types.yaml' }, expected: [error('RT-1')] },
    { name: 'NEG-11 listeners without serviceDiscovery', input: { variant: 'neg-11-listener-without-discovery.yaml' }, expected: [error('VN-SD-2')] },
    { name: 'NEG-12 http2 pool on an http listener', input: { variant: 'neg-12-pool-protocol.yaml', replaces: 'vnode-servicea.yaml' }, expected: [error('CP-2')] },
    { name: 'NEG-13 scheme on an httpRoute of an http2 router', input: { variant: 'neg-13-scheme-on-http-route.yaml', replaces: 'route-http2-canary.yaml' }, expected: [error('RT-M-3'), warning('RT-P-2')] },
    { name: 'NEG-14 methodName without serviceName', input: { variant: 'neg-14-method-without-service.yaml', replaces: 'route-grpc.yaml' }, expected: [error('RT-M-5')] },
    { name: 'NEG-15 prefix and path', input: { variant: 'neg-15-prefix-and-path.yaml', replaces: 'route-http2-weighted.yaml' }, expected: [error('RT-M-1')] },
    { name: 'NEG-16 target of a two-listener node without port', input: { variant: 'neg-16-target-without-port.yaml', replaces: 'route-grpc.yaml' }, expected: [error('RT-T-3')] },
    { name: 'NEG-17 reserved gateway prefix', input: { variant: 'neg-17-reserved-prefix.yaml', replaces: 'gwroute-http-prefix.yaml' }, expected: [error('GR-4')] },
    { name: 'NEG-18 prefix and path rewrite', input: { variant: 'neg-18-prefix-and-path-rewrite.yaml', replaces: 'gwroute-http-prefix.yaml' }, expected: [error('GR-7')] },
    { name: 'NEG-19 rewrite prefix value without trailing slash', input: { variant: 'neg-19-rewrite-value-slash.yaml', replaces: 'gwroute-http-prefix.yaml' }, expected: [error('GR-8')] },
    { name: 'NEG-20 wildcard SAN with enforce: true', input: { variant: 'neg-20-wildcard-san-enforced.yaml', replaces: 'vnode-servicea.yaml' }, expected: [error('TLS-2')] },
    { name: 'NEG-21 no match.port on a two-listener gateway', input: { variant: 'neg-21-no-match-port.yaml', replaces: 'gwroute-http-prefix.yaml' }, expected: [error('GR-11')] },
    { name: 'NEG-22 no target.port towards a two-listener provider', input: { variant: 'neg-22-no-target-port.yaml', replaces: 'gwroute-grpc.yaml' }, expected: [error('GR-12')] },
    // App Mesh accepted NEG-26 (the spec lists it as negative; App Mesh's API never compared the protocols).
    { name: 'NEG-26 tcp route to an http2 node', input: { variant: 'neg-26-tcp-route-to-http2-node.yaml', replaces: 'route-tcp.yaml' }, expected: [warning('RT-T-4')] },
    { name: 'NEG-27 perRequest on a tcp listener', input: { variant: 'neg-27-tcp-per-request.yaml', replaces: 'vnode-db.yaml' }, expected: [error('VN-L-2')] },
    { name: 'NEG-28 the same route twice', input: { variant: 'neg-28-duplicate-route.yaml' }, expected: [error('ID-5')] },
    { name: 'NEG-29 weights add up to 125', input: { variant: 'neg-29-weights-over-100.yaml', replaces: 'route-http2-weighted.yaml' }, expected: [error('RT-T-2')] },
    { name: 'NEG-30 tcp pool on a gateway listener', input: { variant: 'neg-30-tcp-pool-on-gateway.yaml', replaces: 'vgateway-ingress.yaml' }, expected: [error('VG-2')] },
    { name: 'warning OD-2 outlier detection with LOADBALANCER', input: { variant: 'warn-od-2-loadbalancer.yaml', replaces: 'vnode-servicea.yaml' }, expected: [warning('OD-2')] },
    { name: 'warning RT-R-2 retries outlast the request', input: { variant: 'warn-rt-r-2-retry-budget.yaml', replaces: 'route-http2-weighted.yaml' }, expected: [warning('RT-R-2')] },
    { name: 'warning RT-TO-1 route timeout above the nodes', input: { variant: 'warn-rt-to-1-route-timeout.yaml', replaces: 'route-http2-weighted.yaml' }, expected: [warning('RT-TO-1')] },
    { name: 'warning RT-T-2 weights add up to 60', input: { variant: 'warn-rt-t-2-weights-60.yaml', replaces: 'route-http2-weighted.yaml' }, expected: [warning('RT-T-2')] },
    { name: 'warning HC-3 path on a tcp health check', input: { variant: 'warn-hc-3-path-on-tcp.yaml', replaces: 'vnode-db.yaml' }, expected: [warning('HC-3')] },
  ];

  for (const { name, input, expected } of cases) {
    it(name, async () => {
      const repo = repositoryWithVariant(input.variant, input.replaces);
      try {
        const diagnostics = validateLoaded(await loadApps(repo));
        const file = `environments/apps/variants/${input.variant}`;
        for (const { code, severity } of expected) {
          const line = markerLine(input.variant, code);
          const found = diagnostics.find((d) => d.code === code && d.file === file && d.line === line);
          assert.ok(found, `expected ${code} at ${file}:${line}, got:\n${summarize(diagnostics)}`);
          assert.equal(found.severity, severity);
          assert.match(found.message, /; |\. /, 'the message says what is wrong and how to fix it');
        }
        if (expected.every((e) => e.severity === 'warning')) {
          assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), [], 'warning cases are accepted');
        }
      } finally {
        fs.rmSync(repo, { recursive: true, force: true });
      }
    });
  }
});
