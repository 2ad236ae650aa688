// docs/repository-format.md: every YAML example is valid (resource documents against their kind's
// schema, environment.yaml examples against environment.schema.json), and the refused example is
// refused with the diagnostic the page shows.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkEnvironmentSchema } from '../../provider/environment/check-environment-schema';
import { parseFile } from '../../provider/load/parsed-document';
import { validateSchema } from '../../provider/validate/schema-layer';
import { REPO_ROOT } from '../helpers/paths';
import { resourceFromYaml } from '../schema/resource-from-yaml';

const PAGE = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'repository-format.md'), 'utf8');
const ENVIRONMENT_SECTION = PAGE.indexOf('\n## environment.yaml');

interface Example {
  info: string;
  text: string;
  line: number;
  aboutEnvironment: boolean;
}

function examples(): Example[] {
  const found: Example[] = [];
  const fence = /^```(.*)\n([\s\S]*?)^```$/gm;
  for (let match = fence.exec(PAGE); match; match = fence.exec(PAGE)) {
    const line = PAGE.slice(0, match.index).split('\n').length;
    found.push({ info: match[1].trim(), text: match[2], line, aboutEnvironment: match.index > ENVIRONMENT_SECTION });
  }
  return found;
}

function check(text: string) {
  const document = parseFile(text, 'yaml').documents[0];
  return checkEnvironmentSchema(document.value, { file: 'environments/apps/environment.yaml', locate: document.locate });
}

describe('docs/repository-format.md', () => {
  const all = examples();

  it('has resource and environment.yaml examples', () => {
    assert.ok(all.filter((e) => e.info === 'yaml' && !e.aboutEnvironment).length >= 1);
    assert.ok(all.filter((e) => e.info === 'yaml' && e.aboutEnvironment).length >= 9);
  });

  for (const example of all.filter((e) => e.info === 'yaml')) {
    it(`the example at line ${example.line} is valid`, () => {
      if (example.aboutEnvironment) {
        assert.deepEqual(check(example.text).map((d) => `${d.line}: ${d.code} ${d.message}`), []);
      } else {
        assert.deepEqual(validateSchema(resourceFromYaml(example.text)).map((d) => `${d.code} ${d.message}`), []);
      }
    });
  }

  it('shows the diagnostic its refused example really gets', () => {
    const refused = all.find((e) => e.info === 'yaml refused');
    const shown = all[all.indexOf(refused!) + 1];
    assert.equal(shown.info, 'text');
    const [diagnostic] = check(refused!.text);
    const printed = `${diagnostic.file}:${diagnostic.line}:${diagnostic.column}: ${diagnostic.code} ${diagnostic.message}`;
    assert.ok(printed.startsWith(shown.text.trim().replace(/ …$/, '')), `${printed}\ndoes not start with\n${shown.text}`);
  });
});
