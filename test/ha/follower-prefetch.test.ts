// A follower validates the commits its own poll finds while the leader reconciles them; serving the
// leader's revision of such a commit must not validate (or read) it again, and validations of an
// environment, which share its incremental caches, must never overlap.
import * as assert from 'node:assert/strict';
import { FollowerPrefetch } from '../../reconciler/ha';

describe('follower prefetch', () => {
  const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

  it('serves a commit validated ahead without reading or validating it again', async () => {
    const validations: string[] = [];
    const prefetch = new FollowerPrefetch<string, string>(async (files, environment) => {
      validations.push(`${environment}:${files}`);
      return `valid ${files}`;
    });
    prefetch.prepare('apps', 'c1', 'files of c1');
    prefetch.prepare('apps', 'c1', 'files of c1'); // the same commit seen again
    let reads = 0;
    const served = await prefetch.validated('apps', 'c1', async () => (reads++, 'files read again'));
    assert.deepEqual(served, { files: 'files of c1', validated: 'valid files of c1' });
    assert.equal(reads, 0);
    assert.deepEqual(validations, ['apps:files of c1']);
  });

  it('reads and validates a commit it did not see (its clone lagged, or a newer one was prepared)', async () => {
    const prefetch = new FollowerPrefetch<string, string>(async (files) => `valid ${files}`);
    prefetch.prepare('apps', 'c2', 'files of c2');
    assert.deepEqual(await prefetch.validated('apps', 'c1', async () => 'files of c1'), { files: 'files of c1', validated: 'valid files of c1' });
    assert.deepEqual(await prefetch.validated('apps', 'c3', async () => undefined), { files: undefined, validated: undefined });
  });

  it('runs the validations of one environment one at a time, and a failed one gives no validation', async () => {
    let running = 0;
    let overlapped = false;
    const prefetch = new FollowerPrefetch<string, string>(async (files) => {
      overlapped ||= running > 0;
      running++;
      await tick();
      running--;
      if (files === 'broken') throw new Error('unreadable');
      return `valid ${files}`;
    });
    prefetch.prepare('apps', 'c1', 'broken');
    prefetch.prepare('apps', 'c2', 'files of c2');
    const other = prefetch.validated('apps', 'c9', async () => 'files of c9');
    assert.deepEqual(await prefetch.validated('apps', 'c2', async () => 'never read'), { files: 'files of c2', validated: 'valid files of c2' });
    assert.deepEqual(await other, { files: 'files of c9', validated: 'valid files of c9' });
    assert.equal(overlapped, false);
    prefetch.prepare('apps', 'c3', 'broken');
    assert.deepEqual(await prefetch.validated('apps', 'c3', async () => 'never read'), { files: 'broken', validated: undefined });
  });
});
