// The daemon gives a reconcile's garbage back once it idles (reconciler/daemon/idle-collector.ts):
// V8 does not collect while nothing is allocated, so without it an idle daemon stays at its peak.
import * as assert from 'node:assert/strict';
import * as v8 from 'node:v8';
import { IdleCollection, IdleCollector } from '../../reconciler/daemon/idle-collector';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function recording(runs: { step: string; at: number }[]) {
  return { full: () => runs.push({ step: 'full', at: Date.now() }), young: () => runs.push({ step: 'young', at: Date.now() }) };
}

const newSpaceBytes = () => v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')!.space_size;

describe('daemon: idle collection', () => {
  it('collects once, a delay after the last of several reconciles ended, then the young generation a delay later', async () => {
    const runs: { step: string; at: number }[] = [];
    const collector = new IdleCollector(() => undefined, 100, 100, recording(runs));
    const started = Date.now();
    collector.workEnded();
    await sleep(60);
    collector.workEnded();
    await sleep(60);
    assert.equal(runs.length, 0, 'a reconcile ended less than the delay ago');
    await sleep(100);
    assert.deepEqual(runs.map((r) => r.step), ['full']);
    assert.ok(runs[0].at - started >= 160, `collected ${runs[0].at - started} ms after the first reconcile, before the delay after the second`);
    await sleep(150);
    assert.deepEqual(runs.map((r) => r.step), ['full', 'young']);
    assert.ok(runs[1].at - runs[0].at >= 95, `young generation collected ${runs[1].at - runs[0].at} ms after the full collection`);
  });

  it('a reconcile between the two steps starts over', async () => {
    const runs: { step: string; at: number }[] = [];
    const collector = new IdleCollector(() => undefined, 40, 100, recording(runs));
    collector.workEnded();
    await sleep(80);
    collector.workEnded();
    await sleep(120);
    assert.deepEqual(runs.map((r) => r.step), ['full', 'full'], 'the young collection ran while reconciles went on');
    collector.stop();
  });

  it('does not collect once stopped', async () => {
    const runs: { step: string; at: number }[] = [];
    const collector = new IdleCollector(() => undefined, 20, 20, recording(runs));
    collector.workEnded();
    await sleep(30);
    collector.stop();
    await sleep(60);
    assert.deepEqual(runs.map((r) => r.step), ['full']);
  });

  it("frees garbage no allocation would have collected, then gives back the young generation (V8's collections, enabled at run time)", async function () {
    this.timeout(20_000);
    // A burst like a commit's: the young generation grows to its maximum.
    let garbage: { name: string }[] | undefined;
    for (let round = 0; round < 4; round++) garbage = Array.from({ length: 200_000 }, (_, i) => ({ name: `resource-${i}-${'x'.repeat(40)}` }));
    assert.equal(garbage!.length, 200_000);
    garbage = undefined;
    const grown = newSpaceBytes();
    assert.ok(grown >= 8 * 2 ** 20, `the burst grew the young generation to ${grown / 2 ** 20} MB only`);
    const collections: IdleCollection[] = [];
    const collector = new IdleCollector((collection) => collections.push(collection), 10, 5_500);
    collector.workEnded();
    await sleep(200);
    assert.equal(collections.length, 1);
    assert.ok(collections[0].freedBytes > 10 * 2 ** 20, `freed ${(collections[0].freedBytes / 2 ** 20).toFixed(1)} MB of ~20 MB of garbage`);
    await sleep(5_800);
    assert.equal(collections.length, 2);
    assert.ok(newSpaceBytes() <= grown / 4, `young generation ${newSpaceBytes() / 2 ** 20} MB after the idle collections, ${grown / 2 ** 20} MB after the burst`);
  });
});
