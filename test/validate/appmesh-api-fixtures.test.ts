// Every App Mesh API-dialect definition of the examples corpus is accepted as the App Mesh API would
// accept the create/update call (schema and per-document rules); the corpus's quirks give their errors.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WorkingTreeSource } from '../../reconciler/load/file-source';
import { loadEnvironment } from '../../reconciler/load/load-environment';
import { validateKindRules } from '../../provider/validate/kind-layer';
import { validateSchema } from '../../provider/validate/schema-layer';
import { defaultEnvironment } from '../../provider/environment/environment-config';
import { Diagnostic } from '../../provider/model/diagnostic';
import { FIXTURES_DIR } from '../helpers/paths';
import { makeTempRepo } from '../helpers/temp-repo';

interface CorpusFile {
  dialect: string;
  path: string;
  quirks: string[];
}

/** Errors the corpus's INDEX.md says each quirk produces under this project's rules. */
const QUIRK_ERRORS: Record<string, string[]> = {
  Q11: ['RT-M-1', 'GR-2'], // HTTP matches with only `port`: prefix, path or hostname required
};

function apiFiles(): Array<{ folder: string; file: CorpusFile }> {
  const index = JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, 'index.json'), 'utf8')) as {
    folders: Record<string, { files: CorpusFile[] }>;
  };
  return Object.entries(index.folders).flatMap(([folder, { files }]) =>
    files.filter((f) => f.dialect === 'api').map((file) => ({ folder, file })),
  );
}

describe('App Mesh API-dialect fixtures of the examples corpus', function () {
  if (!fs.existsSync(FIXTURES_DIR)) {
    it('needs ../shared/fixtures/appmesh-examples beside the repository', function () {
      this.skip();
    });
    return;
  }
  const files = apiFiles();
  const ctx = { environment: defaultEnvironment('corpus') };
  const repo = makeTempRepo();
  after(() => repo.remove());

  it('covers every api/ file of the corpus', () => assert.ok(files.length >= 130, `only ${files.length} files`));

  for (const { folder, file } of files) {
    const expectedCodes = file.quirks.flatMap((q) => QUIRK_ERRORS[q] ?? []);
    const label = `${folder}/${file.path}${file.quirks.length ? ` (${file.quirks.join(', ')})` : ''}`;
    it(`${label} ${expectedCodes.length ? 'gives its quirk errors' : 'is accepted'}`, async () => {
      const env = `${folder}--${path.basename(file.path, '.json')}`;
      repo.write(`environments/${env}/${path.basename(file.path)}`, fs.readFileSync(path.join(FIXTURES_DIR, folder, file.path)));
      const loaded = await loadEnvironment(new WorkingTreeSource(repo.dir), env);
      const diagnostics: Diagnostic[] = [...loaded.diagnostics];
      for (const resource of loaded.resources) {
        const schema = validateSchema(resource);
        diagnostics.push(...schema, ...(schema.length ? [] : validateKindRules(resource, ctx)));
      }
      assert.equal(loaded.resources.length, 1);
      const errors = diagnostics.filter((d) => d.severity === 'error');
      if (expectedCodes.length === 0) {
        assert.deepEqual(errors, []);
      } else {
        assert.ok(errors.length > 0, 'expected the quirk to be rejected');
        for (const error of errors) assert.ok(expectedCodes.includes(error.code), `${error.code}: ${error.message}`);
      }
    });
  }
});
