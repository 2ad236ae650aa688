import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WorkingTreeSource } from '../../reconciler/load/file-source';
import { listEnvironments, loadEnvironment } from '../../reconciler/load/load-environment';
import { MAX_NODES_PER_DOCUMENT } from '../../provider/load/parsed-document';
import { makeTempRepo } from '../helpers/temp-repo';
import { REPO_ROOT } from '../helpers/paths';

const ENV = 'environments/test';

async function loadFiles(files: Record<string, string | Buffer>) {
  const repo = makeTempRepo(files);
  try {
    return await loadEnvironment(new WorkingTreeSource(repo.dir), 'test');
  } finally {
    repo.remove();
  }
}

describe('loader', () => {
  it('loads the bundled apps environment with every value positioned', async () => {
    const loaded = await loadEnvironment(new WorkingTreeSource(REPO_ROOT), 'apps');
    assert.deepEqual(loaded.diagnostics, []);
    const keys = loaded.resources.map((r) => r.key).sort();
    assert.ok(keys.includes('Route/apps/serviceB/serviceB'));
    assert.ok(keys.includes('VirtualNode/apps/serviceBv2'));
    const route = loaded.resources.find((r) => r.kind === 'Route')!;
    assert.equal(route.source.file, 'environments/apps/routing/service-b.yaml');
    const text = fs.readFileSync(path.join(REPO_ROOT, route.source.file), 'utf8').split('\n');
    const at = route.source.locate('/spec/http2Route/action/weightedTargets/1/weight');
    assert.equal(text[at.line - 1].slice(at.column - 1), '25');
  });

  it('lists environments', async () => {
    const names = await listEnvironments(new WorkingTreeSource(REPO_ROOT));
    assert.ok(names.includes('apps') && names.includes('ingress'));
  });

  it('infers the kind of aws appmesh --cli-input-json files', async () => {
    const loaded = await loadFiles({
      [`${ENV}/route.json`]: JSON.stringify({ meshName: 'm', virtualRouterName: 'r', routeName: 'x', spec: {} }),
      [`${ENV}/node.json`]: JSON.stringify({ meshName: 'm', virtualNodeName: 'n', spec: {} }),
    });
    assert.deepEqual(loaded.diagnostics, []);
    assert.deepEqual(loaded.resources.map((r) => r.key).sort(), ['Route/m/r/x', 'VirtualNode/m/n']);
  });

  it('reads environment.yaml settings and rejects unknown ones', async () => {
    const loaded = await loadFiles({
      [`${ENV}/environment.yaml`]: 'account: "444455556666"\nregion: eu-west-1\nquotas:\n  virtualNodesPerMesh: 500\nflavour: x\n',
    });
    assert.equal(loaded.config.account, '444455556666');
    assert.equal(loaded.config.quotas.virtualNodesPerMesh, 500);
    assert.deepEqual(loaded.diagnostics.map((d) => [d.code, d.line]), [['ENV-1', 5]]);
  });

  const hostile: Array<{ name: string; files: Record<string, string | Buffer>; expected: Array<[string, number]> }> = [
    { name: 'malformed YAML', files: { [`${ENV}/a.yaml`]: 'kind: Mesh\nmeshName: [a\n' }, expected: [['LOAD-YAML', 3]] },
    { name: 'malformed JSON', files: { [`${ENV}/a.json`]: '{"kind": "Mesh", "meshName": }' }, expected: [['LOAD-YAML', 1]] },
    { name: 'duplicate keys', files: { [`${ENV}/a.yaml`]: 'kind: Mesh\nmeshName: a\nmeshName: b\n' }, expected: [['LOAD-DUPKEY', 3]] },
    { name: 'unknown kind', files: { [`${ENV}/a.yaml`]: 'kind: VirtualNodes\nmeshName: a\n' }, expected: [['LOAD-KIND', 1]] },
    { name: 'kind cannot be inferred', files: { [`${ENV}/a.yaml`]: 'spec: {}\n' }, expected: [['LOAD-KIND', 1]] },
    { name: 'document that is a list', files: { [`${ENV}/a.yaml`]: '- kind: Mesh\n' }, expected: [['LOAD-DOC', 1]] },
    { name: 'document that is a scalar', files: { [`${ENV}/a.yaml`]: '42\n' }, expected: [['LOAD-DOC', 1]] },
    {
      name: 'the same identity twice',
      files: { [`${ENV}/a.yaml`]: 'kind: Mesh\nmeshName: a\n---\nkind: Mesh\nmeshName: a\n' },
      expected: [['ID-5', 4]],
    },
    { name: 'a 10 MB file', files: { [`${ENV}/big.yaml`]: 'a: ' + 'x'.repeat(10 * 1024 * 1024) }, expected: [['LOAD-SIZE', 0]] },
    { name: 'a binary file', files: { [`${ENV}/blob.yaml`]: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]) }, expected: [['LOAD-BINARY', 0]] },
    { name: 'non-UTF-8 text', files: { [`${ENV}/latin1.yaml`]: Buffer.from('kind: Mesh\nmeshName: caf\xe9\n', 'latin1') }, expected: [['LOAD-ENCODING', 0]] },
    { name: '1,000-level flow nesting', files: { [`${ENV}/deep.yaml`]: 'a: ' + '['.repeat(1000) + ']'.repeat(1000) }, expected: [['LOAD-DEPTH', 1]] },
    {
      name: '1,000-level block nesting',
      files: { [`${ENV}/deep.yaml`]: Array.from({ length: 1000 }, (_, i) => ' '.repeat(i) + `k${i}:`).join('\n') + ' 1\n' },
      expected: [['LOAD-DEPTH', 65]],
    },
    {
      name: 'a YAML alias bomb',
      files: {
        [`${ENV}/bomb.yaml`]: [
          'a: &a [x, x, x, x, x, x, x, x, x]',
          'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
          'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
          'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
          'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
        ].join('\n'),
      },
      expected: [['LOAD-ALIAS', 1]],
    },
  ];

  for (const { name, files, expected } of hostile) {
    it(`reports ${name} as a diagnostic within a second`, async () => {
      const started = Date.now();
      const loaded = await loadFiles(files);
      assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
      assert.deepEqual(
        loaded.diagnostics.map((d) => [d.code, d.line]).slice(0, expected.length),
        expected,
        JSON.stringify(loaded.diagnostics, null, 1),
      );
      for (const d of loaded.diagnostics) assert.match(d.file, /^environments\/test\//);
    });
  }

  it('reports a duplicate key planted at the end of 1 MiB of map keys, at its line', async () => {
    const lines: string[] = [];
    let bytes = 0;
    while (bytes < 1024 * 1024 - 64) {
      const line = `key${lines.length}: value`;
      lines.push(line);
      bytes += line.length + 1;
    }
    lines.push('key7: again');
    const loaded = await loadFiles({ [`${ENV}/keys.yaml`]: lines.join('\n') + '\n' });
    assert.deepEqual(loaded.diagnostics.map((d) => [d.code, d.line, d.column]), [['LOAD-DUPKEY', lines.length, 1]]);
    assert.match(loaded.diagnostics[0].message, /"key7" is already a key of this mapping at line 8/);
  });

  it('finds duplicate keys in nested and flow mappings, and tells 1 from "1"', async () => {
    const loaded = await loadFiles({
      [`${ENV}/a.yaml`]: 'kind: Mesh\nmeshName: a\nspec:\n  egressFilter: {type: ALLOW_ALL, type: DROP_ALL}\n  1: x\n  "1": y\n',
    });
    assert.deepEqual(loaded.diagnostics.map((d) => [d.code, d.line, d.column]), [['LOAD-DUPKEY', 4, 35]]);
  });

  it('refuses a document of more values than MAX_NODES_PER_DOCUMENT before building them, at its start', async () => {
    const keys = Array.from({ length: MAX_NODES_PER_DOCUMENT / 2 }, (_, i) => `  key${i}: value`);
    const loaded = await loadFiles({ [`${ENV}/a.yaml`]: ['kind: Mesh', 'meshName: a', 'spec:', ...keys].join('\n') });
    assert.deepEqual(loaded.diagnostics.map((d) => [d.code, d.line]), [['LOAD-NODES', 1]]);
    assert.match(loaded.diagnostics[0].message, /this document has 10007 values; a document may have at most 10000/);
    assert.deepEqual(loaded.resources, []);
  });

  it('refuses a document with more aliases than the expansion cap before resolving them', async () => {
    const anchors = Array.from({ length: 2000 }, (_, i) => `a${i}: &a${i} x`);
    const aliases = Array.from({ length: 2000 }, (_, i) => `b${i}: *a${i}`);
    const loaded = await loadFiles({ [`${ENV}/aliases.yaml`]: [...anchors, ...aliases].join('\n') });
    assert.deepEqual(loaded.diagnostics.map((d) => [d.code, d.line]), [['LOAD-ALIAS', 1]]);
  });

  it('refuses a symlink that leaves the repository', async () => {
    const repo = makeTempRepo({ [`${ENV}/mesh.yaml`]: 'kind: Mesh\nmeshName: a\n' });
    const outside = makeTempRepo({ 'secret.yaml': 'kind: Mesh\nmeshName: stolen\n' });
    try {
      fs.symlinkSync(path.join(outside.dir, 'secret.yaml'), path.join(repo.dir, ENV, 'link.yaml'));
      const loaded = await loadEnvironment(new WorkingTreeSource(repo.dir), 'test');
      assert.deepEqual(loaded.diagnostics.map((d) => d.code), ['LOAD-SYMLINK']);
      assert.deepEqual(loaded.resources.map((r) => r.key), ['Mesh/a']);
    } finally {
      repo.remove();
      outside.remove();
    }
  });

  it('loads unicode names as they are (the name rules judge them)', async () => {
    const loaded = await loadFiles({ [`${ENV}/a.yaml`]: 'kind: Mesh\nmeshName: "メッシュ-🚀"\n' });
    assert.deepEqual(loaded.diagnostics, []);
    assert.equal(loaded.resources[0].identity.meshName, 'メッシュ-🚀');
  });
});
