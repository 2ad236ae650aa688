// The benchmark figures a run is compared by: PASS/FAIL against the target, on the value or the ratio to the floor.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { atMost, below, ratioAtMost, toRecord } from '../../bench/report';

describe('bench report', () => {
  it('judges a value target strictly below, or at most, its limit', () => {
    assert.equal(toRecord('xds', { measurement: 'm', value: 1999, unit: 'ms', target: below(2000) }).pass, true);
    assert.equal(toRecord('xds', { measurement: 'm', value: 2000, unit: 'ms', target: below(2000) }).pass, false);
    assert.equal(toRecord('xds', { measurement: 'm', value: 2000, unit: 'ms', target: atMost(2000) }).pass, true);
  });

  it('judges a ratio target on value / floor and records both', () => {
    const record = toRecord('ha', { measurement: 'ha', value: 260, unit: 'ms', floor: 200, target: ratioAtMost(1.3) });
    assert.deepEqual(
      { ratio: record.ratio, pass: record.pass, target: record.target, floor: record.floor, module: record.module },
      { ratio: 1.3, pass: true, target: 'ratio ≤ 1.3', floor: 200, module: 'ha' },
    );
    assert.equal(toRecord('ha', { measurement: 'ha', value: 261, unit: 'ms', floor: 200, target: ratioAtMost(1.3) }).pass, false);
  });

  it('fails a ratio target without a floor rather than passing it', () => {
    const record = toRecord('x', { measurement: 'm', value: 1, unit: 'ms', target: ratioAtMost(3) });
    assert.equal(record.ratio, null);
    assert.equal(record.pass, false);
  });

  it('prints the unit with a value target', () => {
    assert.equal(toRecord('xds', { measurement: 'm', value: 20, unit: 'KB', target: below(30) }).target, '< 30 KB');
  });

  it('`npm run bench -- --json <file> <module>` writes every figure of the run to the file', function () {
    this.timeout(120_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshplane-bench-json-'));
    try {
      const file = path.join(dir, 'figures.json');
      const printed = execFileSync(process.execPath, [path.join(__dirname, '..', '..', 'bench', 'run.js'), '--json', file, 'synth'], { encoding: 'utf8' });
      const written = JSON.parse(fs.readFileSync(file, 'utf8'));
      assert.equal(written.figures.length, 1);
      const [figure] = written.figures;
      assert.deepEqual(Object.keys(figure), ['module', 'measurement', 'value', 'unit', 'floor', 'ratio', 'target', 'pass', 'details']);
      assert.equal(figure.module, 'synth');
      assert.equal(figure.target, '< 1000 ms');
      assert.match(printed, new RegExp(`${figure.measurement}\\s+${figure.pass ? 'PASS' : 'FAIL'}  .*target: < 1000 ms`));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
