// The rule catalog names every rule the validator reports, with the severities it reports, and
// docs/validation-rules.md lists each with the catalog's owner and default severity.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULE_CATALOG } from '../../provider/validate/rule-catalog';
import { REPO_ROOT } from '../helpers/paths';

/** Rule-ID string literals in the validator's sources (rules, kind/graph layers, schema rule codes). */
function codesInSources(): Map<string, string> {
  const dirs = ['provider/rules', 'provider/validate', 'provider/validate/graph'];
  const found = new Map<string, string>();
  for (const dir of dirs) {
    for (const file of fs.readdirSync(path.join(REPO_ROOT, dir)).filter((f) => f.endsWith('.ts') && f !== 'rule-catalog.ts')) {
      const text = fs.readFileSync(path.join(REPO_ROOT, dir, file), 'utf8');
      for (const match of text.matchAll(/'((?:[A-Z]+-)+[0-9]+|R[0-9])'/g)) found.set(match[1], `${dir}/${file}`);
    }
  }
  return found;
}

describe('validation rule catalog', () => {
  it('has every rule ID the validator reports', () => {
    const codes = codesInSources();
    assert.ok(codes.size > 80, `the scan finds the rule IDs (${codes.size})`);
    const missing = [...codes].filter(([code]) => !(code in RULE_CATALOG)).map(([code, file]) => `${code} (${file})`);
    assert.deepEqual(missing, []);
  });

  it('is documented rule by rule in docs/validation-rules.md with its owner and default severity', () => {
    const page = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'validation-rules.md'), 'utf8');
    const rows = new Map<string, string[]>();
    for (const match of page.matchAll(/^\| <a id="[^"]+"><\/a>`([^`]+)` \| ([^|]+) \| ([^|]+) \| ([^|]+) \|/gm)) rows.set(match[1], [match[2].trim(), match[3].trim(), match[4].trim()]);
    for (const [rule, entry] of Object.entries(RULE_CATALOG)) {
      const row = rows.get(rule);
      assert.ok(row, `${rule} has no row`);
      const severities = entry.severities.length ? entry.severities.join(' / ') : '—';
      const tunable = entry.severities.some((s) => s !== 'error') ? 'yes' : 'no';
      assert.deepEqual(row, [entry.owner, severities, tunable], rule);
    }
    assert.deepEqual([...rows.keys()].filter((rule) => !(rule in RULE_CATALOG)), [], 'rows of rules the catalog does not have');
  });
});
