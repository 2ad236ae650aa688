// The daemon gives a reconcile's garbage back once it idles (reconciler/daemon/idle-collector.ts):
// V8 does not collect while nothing is allocated, so without it an idle daemon stays at its peak.
import * as assert from 'node:assert/strict';
import { IdleCollector } from '../../reconciler/daemon/idle-collector';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('daemon: idle collection', () => {
  it('collects once, a delay after the last of several reconciles ended', async () => {
    const runs: number[] = [];
    const collector = new IdleCollector(() => undefined, 100, () => runs.push(Date.now()));
    const started = Date.now();
    collector.workEnded();
    await sleep(60);
    collector.workEnded();
    await sleep(60);
    assert.equal(runs.length, 0, 'a reconcile ended less than the delay ago');
    await sleep(100);
    assert.equal(runs.length, 1);
    assert.ok(runs[0] - started >= 160, `collected ${runs[0] - started} ms after the first reconcile, before the delay after the second`);
  });

  it('does not collect once stopped', async () => {
    let runs = 0;
    const collector = new IdleCollector(() => undefined, 20, () => runs++);
    collector.workEnded();
    collector.stop();
    await sleep(60);
    assert.equal(runs, 0);
  });

  it("frees garbage no allocation would have collected (V8's full collection, enabled at run time)", async () => {
    let garbage: string[] | undefined = Array.from({ length: 200_000 }, (_, i) => `resource-${i}-${'x'.repeat(40)}`);
    assert.equal(garbage.length, 200_000);
    garbage = undefined;
    let freed = 0;
    const collector = new IdleCollector((bytes) => (freed = bytes), 10);
    collector.workEnded();
    await sleep(200);
    assert.ok(freed > 10 * 2 ** 20, `freed ${(freed / 2 ** 20).toFixed(1)} MB of ~20 MB of garbage`);
  });
});
