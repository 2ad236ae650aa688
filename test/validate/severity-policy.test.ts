// environment.yaml `validation.strict` and `validation.rules` (and the older `missingBackend`):
// what App Mesh accepted is a warning by default, strict makes every warning an error, a rule's
// warnings can be raised or silenced, and errors are never lowered. Read from the file, through
// validateEnvironment (validate, plan, review) and the daemon's validateRevision.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Diagnostic } from '../../provider/model/diagnostic';
import { validateEnvironment } from '../../provider/validate/validate';
import { validateRevision } from '../../reconciler/daemon/load-revision';
import { WorkingTreeSource } from '../../reconciler/load/file-source';
import { runMeshplane } from '../helpers/run-meshplane';
import { loadApps, repositoryWithVariant } from './validate-fixtures';

// NEG-26: a tcpRoute targeting an http2 node listener (RT-T-4, accepted by App Mesh); NEG-13 adds an
// App Mesh error (RT-M-3) next to a warning (RT-P-2).
const MISMATCH = { variant: 'neg-26-tcp-route-to-http2-node.yaml', replaces: 'route-tcp.yaml' };
const SCHEME = { variant: 'neg-13-scheme-on-http-route.yaml', replaces: 'route-http2-canary.yaml' };

function withEnvironment(repo: string, yaml: string): void {
  fs.appendFileSync(path.join(repo, 'environments', 'apps', 'environment.yaml'), yaml);
}

function summary(diagnostics: readonly Diagnostic[], codes: readonly string[]): string[] {
  return diagnostics.filter((d) => codes.includes(d.code)).map((d) => `${d.code} ${d.severity}`);
}

interface Case {
  name: string;
  input: { variant: { variant: string; replaces: string }; environment: string };
  expected: { findings: string[]; valid: boolean };
}

const cases: Case[] = [
  { name: 'by default what App Mesh accepted is a warning', input: { variant: MISMATCH, environment: '' }, expected: { findings: ['RT-T-4 warning'], valid: true } },
  { name: 'strict makes it an error', input: { variant: MISMATCH, environment: 'validation:\n  strict: true\n' }, expected: { findings: ['RT-T-4 error'], valid: false } },
  { name: 'rules raise one rule', input: { variant: MISMATCH, environment: 'validation:\n  rules: {RT-T-4: error}\n' }, expected: { findings: ['RT-T-4 error'], valid: false } },
  { name: 'rules silence one rule', input: { variant: MISMATCH, environment: 'validation:\n  rules: {RT-T-4: off}\n' }, expected: { findings: [], valid: true } },
  { name: 'a rule set to warning stays a warning under strict', input: { variant: MISMATCH, environment: 'validation:\n  strict: true\n  rules: {RT-T-4: warning, VS-6: off, VN-SD-3: off}\n' }, expected: { findings: ['RT-T-4 warning'], valid: true } },
  { name: "silencing a rule leaves App Mesh's errors", input: { variant: SCHEME, environment: 'validation:\n  rules: {RT-P-2: off}\n' }, expected: { findings: ['RT-M-3 error', 'RT-T-4 warning'], valid: false } },
];

describe('validation severities from environment.yaml (severity-policy.ts)', () => {
  for (const { name, input, expected } of cases) {
    it(name, async () => {
      const repo = repositoryWithVariant(input.variant.variant, input.variant.replaces);
      try {
        withEnvironment(repo, input.environment);
        const loaded = await loadApps(repo);
        assert.deepEqual(loaded.diagnostics, [], 'environment.yaml is valid');
        const result = validateEnvironment(loaded);
        assert.deepEqual(summary(result.diagnostics, ['RT-T-4', 'RT-P-2', 'RT-M-3']), expected.findings);
        assert.equal(result.valid, expected.valid);
        // The daemon validates a revision through the same policy.
        const revision = (await validateRevision(new WorkingTreeSource(repo), 'apps'))!;
        assert.deepEqual(summary(revision.diagnostics, ['RT-T-4', 'RT-P-2', 'RT-M-3']), expected.findings);
        assert.equal(revision.valid, expected.valid);
      } finally {
        fs.rmSync(repo, { recursive: true, force: true });
      }
    });
  }

  it('strict turns every warning into an error, and leaves notes alone', async () => {
    const repo = repositoryWithVariant(MISMATCH.variant, MISMATCH.replaces);
    try {
      withEnvironment(repo, 'validation:\n  strict: true\n');
      const diagnostics = validateEnvironment(await loadApps(repo)).diagnostics;
      assert.deepEqual(diagnostics.filter((d) => d.severity === 'warning'), []);
      assert.deepEqual(summary(diagnostics, ['VS-6', 'VN-SD-3']).sort(), ['VN-SD-3 info', 'VS-6 error']);
    } finally {
      fs.rmSync(repo, { recursive: true, force: true });
    }
  });

  it('missingBackend: error is rules: {R8: error}; an R8 entry in rules wins', async () => {
    const repo = repositoryWithVariant(MISMATCH.variant, MISMATCH.replaces);
    try {
      const client = path.join(repo, 'environments', 'apps', 'vnode-client-only.yaml');
      fs.writeFileSync(client, fs.readFileSync(client, 'utf8').replace(/virtualServiceName: \S+/, 'virtualServiceName: nope.apps.local'));
      const r8 = async () => summary(validateEnvironment(await loadApps(repo)).diagnostics, ['R8']);
      assert.deepEqual(await r8(), ['R8 warning']);
      withEnvironment(repo, 'validation:\n  missingBackend: error\n');
      assert.deepEqual(await r8(), ['R8 error']);
      withEnvironment(repo, '  rules: {R8: warning}\n');
      assert.deepEqual(await r8(), ['R8 warning']);
    } finally {
      fs.rmSync(repo, { recursive: true, force: true });
    }
  });

  it('meshplane validate reads them from environment.yaml', async () => {
    const repo = repositoryWithVariant(MISMATCH.variant, MISMATCH.replaces);
    try {
      const accepted = await runMeshplane('validate', '--env', 'apps', '--repo', repo);
      assert.equal(accepted.code, 0, accepted.stdout);
      assert.match(accepted.stdout, /neg-26-tcp-route-to-http2-node\.yaml:\d+:\d+: warning RT-T-4: /);
      withEnvironment(repo, 'validation:\n  strict: true\n');
      const refused = await runMeshplane('validate', '--env', 'apps', '--repo', repo);
      assert.equal(refused.code, 1);
      assert.match(refused.stdout, /neg-26-tcp-route-to-http2-node\.yaml:\d+:\d+: error RT-T-4: /);
    } finally {
      fs.rmSync(repo, { recursive: true, force: true });
    }
  });
});
