// Golden files: every proxy's resources, per bundled environment and fixture walkthrough, as
// readable JSON under test/envoy/golden/<case>/<mesh>.<proxy>.<flavour>.json. A translation
// change shows up as a reviewable diff. Rewrite them with `UPDATE_GOLDEN=1 npm test`.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeMessage, typeNameOf } from '../../provider/envoy/proto-codec';
import { ProxySnapshot, PUSH_ORDER, proxyKey } from '../../provider/envoy/snapshot';
import { REPO_ROOT } from '../helpers/paths';
import { corpusModels, CorpusCase, translateCase } from './corpus';

const GOLDEN_DIR = path.join(REPO_ROOT, 'test', 'envoy', 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

/** `@type` first, the rest in proto field order, as in Envoy's config_dump. */
function readable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(readable);
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const type = entries.filter(([k]) => k === '@type');
  return Object.fromEntries([...type, ...entries.filter(([k]) => k !== '@type')].map(([k, v]) => [k, readable(v)]));
}

export function goldenText(snapshot: ProxySnapshot): string {
  const resources: Record<string, Record<string, unknown>> = {};
  for (const typeUrl of PUSH_ORDER) {
    const named = snapshot.resources.get(typeUrl);
    if (!named?.size) continue;
    const byName: Record<string, unknown> = {};
    for (const name of [...named.keys()].sort()) byName[name] = readable(decodeMessage(typeUrl, named.get(name)!.bytes));
    resources[typeNameOf(typeUrl).split('.').pop()!] = byName;
  }
  return JSON.stringify({ proxy: proxyKey(snapshot.proxy), flavour: snapshot.flavour, resources }, null, 2) + '\n';
}

describe('envoy translation: golden files', function () {
  this.timeout(60_000);
  let cases: CorpusCase[];
  before(async () => {
    cases = (await corpusModels()).map(translateCase);
  });

  it('matches the checked-in golden files for every proxy and flavour (UPDATE_GOLDEN=1 rewrites them)', () => {
    const mismatched: string[] = [];
    for (const c of cases) {
      const dir = path.join(GOLDEN_DIR, c.name);
      const expected = new Set<string>();
      for (const { proxy, flavour, snapshot } of c.snapshots) {
        const file = `${proxy.meshName}.${proxy.name}.${flavour}.json`;
        expected.add(file);
        const text = goldenText(snapshot);
        const target = path.join(dir, file);
        if (UPDATE) {
          fs.mkdirSync(dir, { recursive: true });
          fs.writeFileSync(target, text);
        } else if (!fs.existsSync(target) || fs.readFileSync(target, 'utf8') !== text) {
          mismatched.push(path.relative(REPO_ROOT, target));
        }
      }
      const present = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
      for (const stale of present.filter((f) => !expected.has(f))) {
        if (UPDATE) fs.rmSync(path.join(dir, stale));
        else mismatched.push(`${path.relative(REPO_ROOT, path.join(dir, stale))} (no longer produced)`);
      }
    }
    assert.deepEqual(mismatched, [], 'translation differs from the golden files; review the change and run UPDATE_GOLDEN=1 npm test');
  });
});
