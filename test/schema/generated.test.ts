import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import { generateAll, readApiModel } from '../../provider/schema/generate-schemas';
import { apiModelPath, findRepoRoot, schemasDir } from '../../provider/schema/schema-location';

const REPO_ROOT = findRepoRoot(__dirname);
const SCHEMAS_DIR = schemasDir(REPO_ROOT);

describe('generated schemas', () => {
  let generated: Map<string, string>;
  before(async () => {
    generated = await generateAll(readApiModel(apiModelPath(REPO_ROOT)));
  });

  it('match what the generator produces from the API model', () => {
    const stale = [...generated].filter(([name, content]) => {
      const file = path.join(SCHEMAS_DIR, name);
      return !fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== content;
    });
    const leftovers = fs
      .readdirSync(SCHEMAS_DIR)
      .filter((name) => name.endsWith('.schema.json') && !generated.has(name));
    const problems = [...stale.map(([name]) => `schemas/${name} is stale`), ...leftovers.map((name) => `schemas/${name} is no longer generated`)];
    assert.deepEqual(problems, [], `${problems.join('; ')}. Run \`npm run gen:schemas\` and commit the result.`);
  });

  describe('carry the constraints of the API model', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validators = new Map<string, ValidateFunction>();
    const validate = (file: string, doc: unknown) => {
      if (!validators.has(file)) validators.set(file, ajv.compile(JSON.parse(generated.get(file)!)));
      const ok = validators.get(file)!(doc);
      return ok ? [] : validators.get(file)!.errors!.map((e) => `${e.instancePath} ${e.keyword}`);
    };
    const route = (http2Route: unknown, priority = 1) => ({
      kind: 'Route',
      meshName: 'apps',
      virtualRouterName: 'r',
      routeName: 'x',
      spec: { priority, http2Route },
    });
    const target = (weight: number) => ({ match: { prefix: '/' }, action: { weightedTargets: [{ virtualNode: 'n', weight }] } });
    const cases: Array<{ name: string; file: string; input: unknown; expected: string[] }> = [
      { name: 'weight 100 is allowed', file: 'route.schema.json', input: route(target(100)), expected: [] },
      { name: 'weight 101 is not', file: 'route.schema.json', input: route(target(101)), expected: ['/spec/http2Route/action/weightedTargets/0/weight maximum'] },
      { name: 'priority 1000 is allowed', file: 'route.schema.json', input: route(target(1), 1000), expected: [] },
      { name: 'priority -1 is not', file: 'route.schema.json', input: route(target(1), -1), expected: ['/spec/priority minimum'] },
      {
        name: 'a provider sets exactly one member',
        file: 'virtual-service.schema.json',
        input: { meshName: 'apps', virtualServiceName: 's', spec: { provider: { virtualNode: { virtualNodeName: 'a' }, virtualRouter: { virtualRouterName: 'b' } } } },
        expected: ['/spec/provider maxProperties'],
      },
      {
        name: 'an empty provider sets none',
        file: 'virtual-service.schema.json',
        input: { meshName: 'apps', virtualServiceName: 's', spec: { provider: {} } },
        expected: ['/spec/provider minProperties'],
      },
      { name: 'unknown keys are rejected', file: 'mesh.schema.json', input: { meshName: 'apps', spec: { egress: {} } }, expected: ['/spec additionalProperties'] },
      { name: 'a mesh needs no spec', file: 'mesh.schema.json', input: { meshName: 'apps' }, expected: [] },
      { name: 'a virtual node needs a spec', file: 'virtual-node.schema.json', input: { meshName: 'apps', virtualNodeName: 'n' }, expected: [' required'] },
      { name: 'meshOwner is 12 characters', file: 'virtual-node.schema.json', input: { meshName: 'apps', virtualNodeName: 'n', spec: {}, meshOwner: '1' }, expected: ['/meshOwner minLength'] },
      { name: 'tags are at most 50', file: 'mesh.schema.json', input: { meshName: 'apps', tags: Array(51).fill({ key: 'k', value: 'v' }) }, expected: ['/tags maxItems'] },
      { name: 'virtual service names are at most 255 (ID-1)', file: 'virtual-service.schema.json', input: { meshName: 'apps', virtualServiceName: 'a'.repeat(256), spec: {} }, expected: ['/virtualServiceName maxLength'] },
    ];
    for (const { name, file, input, expected } of cases) {
      it(name, () => assert.deepEqual(validate(file, input), expected));
    }
  });

  it('name their source and have stable ids', () => {
    const schema = JSON.parse(generated.get('virtual-node.schema.json')!);
    assert.equal(schema.$id, 'https://meshplane.dev/schemas/virtual-node.schema.json');
    assert.match(schema.$comment, /npm run gen:schemas.*appmesh-api-model\.json.*2019-01-25/);
    assert.match(generated.get('types.ts')!, /export interface VirtualNodeDocument[\s\S]*export interface Listener \{/);
  });
});
