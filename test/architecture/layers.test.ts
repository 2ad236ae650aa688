import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../helpers/paths';
import { importsOf, layerViolations, LayerRule, reachViolations, sourceFiles } from './import-scan';

// The floors of docs/architecture.md: a folder imports only from its own floor and the ones below.
const LAYER_RULES: LayerRule[] = [
  { from: 'schemas/', mayNotImport: 'provider/', why: 'generated types are the lowest floor' },
  { from: 'schemas/', mayNotImport: 'reconciler/', why: 'generated types are the lowest floor' },
  { from: 'provider/', mayNotImport: 'reconciler/', why: 'provider/ is the pure core' },
  { from: 'provider/', mayNotImport: 'test/', why: 'shipped code never needs the tests' },
  { from: 'provider/', mayNotImport: 'bench/', why: 'shipped code never needs the benchmarks' },
  { from: 'reconciler/', mayNotImport: 'test/', why: 'shipped code never needs the tests' },
  { from: 'reconciler/', mayNotImport: 'bench/', why: 'shipped code never needs the benchmarks' },
  { from: 'reconciler/dashboard/', mayNotImport: 'reconciler/daemon/', why: 'the dashboard reads the DashboardSource the daemon provides', transitive: true },
];

const SHIPPED_FOLDERS = ['schemas', 'provider', 'reconciler'];

describe('architecture: import layers', () => {
  it('no shipped source imports from a floor above its own', () => {
    const files = sourceFiles(REPO_ROOT, SHIPPED_FOLDERS);
    assert.ok(files.some((f) => f.startsWith('provider/')) && files.some((f) => f.startsWith('reconciler/')), 'the scan reads the sources');
    const edges = files.flatMap((file) => importsOf(file, fs.readFileSync(path.join(REPO_ROOT, file), 'utf8')));
    assert.deepEqual(layerViolations(edges, LAYER_RULES), []);
    assert.deepEqual(reachViolations(edges, LAYER_RULES), []);
  });

  it('scanner: a transitive rule names the chain by which a folder still reaches the forbidden one', () => {
    const files: Record<string, string> = {
      'reconciler/dashboard/a.ts': `import { B } from '../ha';\n`,
      'reconciler/ha/index.ts': `export { C } from './c';\n`,
      'reconciler/ha/c.ts': `import type { Daemon } from '../daemon/daemon';\n`,
      'reconciler/daemon/daemon.ts': `import { A } from '../dashboard/a';\n`,
    };
    const edges = Object.entries(files).flatMap(([file, text]) => importsOf(file, text));
    assert.deepEqual(layerViolations(edges, LAYER_RULES), [], 'no direct import breaks a rule');
    assert.deepEqual(reachViolations(edges, LAYER_RULES), [
      'reconciler/dashboard/a → reconciler/ha/index → reconciler/ha/c → reconciler/daemon/daemon: reconciler/dashboard/ may not reach reconciler/daemon/ even indirectly (the dashboard reads the DashboardSource the daemon provides)',
    ]);
  });

  const cases: { name: string; file: string; text: string; expected: string[] }[] = [
    {
      name: 'a static import from provider/ into reconciler/, named by file, line and specifier',
      file: 'provider/envoy/x.ts',
      text: `// header\nimport { A } from '../../reconciler/environment/config';\n`,
      expected: [`provider/envoy/x.ts:2 imports '../../reconciler/environment/config': provider/ may not import reconciler/ (provider/ is the pure core)`],
    },
    {
      name: 'type-only imports, re-exports, import() and require() count too',
      file: 'provider/a.ts',
      text: [
        `import type { A } from '../reconciler/a';`,
        `export * from '../reconciler/b';`,
        `const c = import('../reconciler/c');`,
        `const d = require('../reconciler/d');`,
      ].join('\n'),
      expected: ['a', 'b', 'c', 'd'].map(
        (x, i) => `provider/a.ts:${i + 1} imports '../reconciler/${x}': provider/ may not import reconciler/ (provider/ is the pure core)`,
      ),
    },
    {
      name: 'imports within the core, of packages and from reconciler/ down into provider/ are allowed',
      file: 'provider/envoy/x.ts',
      text: `import * as fs from 'node:fs';\nimport { Y } from './y';\nimport { Z } from '../model/z';\nimport { R } from 'reconciler';\n`,
      expected: [],
    },
    {
      name: 'the dashboard importing the daemon, even for a type',
      file: 'reconciler/dashboard/x.ts',
      text: `import type { Daemon } from '../daemon/daemon';\n`,
      expected: [`reconciler/dashboard/x.ts:1 imports '../daemon/daemon': reconciler/dashboard/ may not import reconciler/daemon/ (the dashboard reads the DashboardSource the daemon provides)`],
    },
    {
      name: 'a folder whose name merely starts like a forbidden one is not it',
      file: 'provider/x.ts',
      text: `import { A } from '../reconciler-tools/a';\n`,
      expected: [],
    },
  ];
  for (const { name, file, text, expected } of cases) {
    it(`scanner: ${name}`, () => {
      assert.deepEqual(layerViolations(importsOf(file, text), LAYER_RULES), expected);
    });
  }
});
