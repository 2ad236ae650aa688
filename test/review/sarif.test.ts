// SARIF 2.1.0 and GitLab code-quality output of `meshplane review`, written by the CLI for a pull
// request with errors. The official OASIS schema file is not installed here, so the SARIF is
// validated against a hand-written subset of it (sarif-2.1.0-subset.schema.json, see its
// description), and also against the official schema when MESHPLANE_SARIF_SCHEMA names it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { main } from '../../reconciler/cli/main';
import { captureTerminal } from '../helpers/capture-terminal';
import { REPO_ROOT } from '../helpers/paths';
import { FILES, makeReviewRepo, ReviewRepo } from './review-repo';

const SUBSET_SCHEMA = path.join(REPO_ROOT, 'test', 'review', 'sarif-2.1.0-subset.schema.json');

function validator(schema: Record<string, unknown>) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

/** The official schema is draft-04 (`id`); Ajv reads it as draft-07 once the root id is `$id`. */
function officialSchema(file: string): Record<string, unknown> {
  const { id, $schema: _draft, ...rest } = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  return { $id: id, ...rest };
}

describe('meshplane review: SARIF and code-quality reports', function () {
  this.timeout(60_000);
  let fixture: ReviewRepo;
  let sarif: Record<string, any>;
  let codeQuality: Array<Record<string, any>>;

  before(async () => {
    fixture = makeReviewRepo();
    const sarifFile = path.join(fixture.dir, 'out', 'review.sarif');
    const qualityFile = path.join(fixture.dir, 'out', 'gl-code-quality-report.json');
    const terminal = captureTerminal();
    const code = await main(['node', 'meshplane', 'review', '--repo', fixture.dir, '--base', 'main', '--head', 'deleted-node', '--sarif', sarifFile, '--code-quality', qualityFile], terminal);
    assert.equal(code, 1, 'a review with errors exits 1');
    assert.match(terminal.stderr, /SARIF written to .*review\.sarif/);
    sarif = JSON.parse(fs.readFileSync(sarifFile, 'utf8'));
    codeQuality = JSON.parse(fs.readFileSync(qualityFile, 'utf8'));
  });
  after(() => fixture.repo.remove());

  it('validates against the SARIF 2.1.0 schema (hand-written subset; the official file too when MESHPLANE_SARIF_SCHEMA is set)', () => {
    const subset = validator(JSON.parse(fs.readFileSync(SUBSET_SCHEMA, 'utf8')));
    assert.ok(subset(sarif), JSON.stringify(subset.errors, null, 2));
    const official = process.env.MESHPLANE_SARIF_SCHEMA;
    if (official) {
      const validate = validator(officialSchema(official));
      assert.ok(validate(sarif), JSON.stringify(validate.errors, null, 2));
    } else {
      process.stderr.write('\n  NOTE: validated against the hand-written SARIF subset only; set MESHPLANE_SARIF_SCHEMA=<sarif-schema-2.1.0.json> to use the official schema as well\n');
    }
  });

  it('the subset schema rejects what SARIF 2.1.0 rejects', () => {
    const subset = validator(JSON.parse(fs.readFileSync(SUBSET_SCHEMA, 'utf8')));
    const broken = (change: (log: any) => void) => {
      const copy = JSON.parse(JSON.stringify(sarif));
      change(copy);
      return subset(copy);
    };
    assert.equal(broken((log) => (log.version = '2.0.0')), false);
    assert.equal(broken((log) => (log.runs[0].results[0].level = 'fatal')), false);
    assert.equal(broken((log) => (log.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0)), false);
    assert.equal(broken((log) => delete log.runs[0].tool.driver.name), false);
    assert.equal(broken((log) => (log.runs[0].results[0].message = {})), false);
  });

  it('has a rule per diagnostic code and a result per finding at its file, line and column', () => {
    const run = sarif.runs[0];
    assert.equal(sarif.version, '2.1.0');
    assert.equal(run.tool.driver.name, 'meshplane');
    assert.deepEqual(
      run.tool.driver.rules.map((r: { id: string }) => r.id),
      ['PLAN-IN-USE', 'R6'],
    );
    const byRule = Object.fromEntries(run.results.map((r: any) => [r.ruleId, r]));
    assert.equal(byRule['R6'].level, 'error');
    assert.equal(byRule['R6'].ruleIndex, 1);
    assert.match(byRule['R6'].message.text, /virtual node "serviceBv2" does not exist in mesh apps/);
    // The weighted target `{virtualNode: serviceBv2, weight: 25}` of routing.yaml.
    const routing = fs.readFileSync(path.join(fixture.dir, FILES.routing), 'utf8').split('\n');
    const line = routing.findIndex((l) => l.includes('serviceBv2')) + 1;
    const { physicalLocation } = byRule['R6'].locations[0];
    assert.equal(physicalLocation.artifactLocation.uri, FILES.routing);
    assert.equal(physicalLocation.region.startLine, line);
    assert.equal(physicalLocation.region.startColumn, routing[line - 1].indexOf('serviceBv2') + 1);
    assert.equal(byRule['PLAN-IN-USE'].level, 'error');
    assert.equal(byRule['PLAN-IN-USE'].locations[0].physicalLocation.artifactLocation.uri, FILES.routing);
  });

  it('writes the GitLab code-quality report (Code Climate issues with path and line)', () => {
    assert.equal(codeQuality.length, sarif.runs[0].results.length);
    for (const issue of codeQuality) {
      assert.equal(issue.severity, 'critical');
      assert.match(issue.fingerprint, /^[0-9a-f]{32}$/);
      assert.equal(issue.location.path, FILES.routing);
      assert.ok(Number.isInteger(issue.location.lines.begin) && issue.location.lines.begin > 0);
    }
    assert.equal(new Set(codeQuality.map((i) => i.fingerprint)).size, codeQuality.length);
  });
});
