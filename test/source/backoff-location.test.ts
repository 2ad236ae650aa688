import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Backoff } from '../../reconciler/source/backoff';
import { redactUrl } from '../../reconciler/source/errors';
import { cloneDirectoryName, parseLocation } from '../../reconciler/source/location';

describe('backoff with jitter', () => {
  it('doubles up to the cap, each wait drawn from [delay/2, delay]', () => {
    const low = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 0 });
    const high = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 0.999999 });
    assert.deepEqual([1, 2, 3, 4, 5, 6].map(() => low.next()), [50, 100, 200, 400, 500, 500]);
    assert.deepEqual([1, 2, 3, 4, 5, 6].map(() => high.next()), [100, 200, 400, 800, 1000, 1000]);
    assert.equal(low.failures, 6);
    low.reset();
    assert.equal(low.failures, 0);
    assert.equal(low.next(), 50);
  });

  it('spreads retries of many clients (jitter)', () => {
    const waits = new Set(Array.from({ length: 20 }, () => new Backoff({ initialMs: 1000, maxMs: 60_000 }).next()));
    assert.ok(waits.size > 10, `waits ${[...waits].join(', ')}`);
  });
});

describe('repository location', () => {
  const cases = [
    { input: 'https://github.com/acme/mesh.git', kind: 'remote' },
    { input: 'ssh://git@example.com/acme/mesh.git', kind: 'remote' },
    { input: 'git@github.com:acme/mesh.git', kind: 'remote' },
    { input: 'file:///srv/git/mesh.git', kind: 'remote' },
    { input: './mesh', kind: 'local' },
    { input: '/srv/mesh', kind: 'local' },
    { input: 'C-drive:weird', kind: 'local' },
  ];
  for (const c of cases) {
    it(`${c.input} is ${c.kind}`, () => {
      const location = parseLocation(c.input);
      assert.equal(location.kind, c.kind);
      if (location.kind === 'local') assert.equal(location.dir, path.resolve(c.input));
    });
  }

  it('names clone folders readably and uniquely, without credentials', () => {
    assert.equal(cloneDirectoryName('https://user:pw@github.com/acme/mesh.git', 'abcdef0123456789'), 'github.com-acme-mesh-abcdef0123.git');
    assert.equal(cloneDirectoryName('git@github.com:acme/mesh.git', '0000000000ff'), 'github.com-acme-mesh-0000000000.git');
  });

  it('redacts credentials in URLs', () => {
    assert.equal(redactUrl('https://user:token@github.com/a/b.git'), 'https://***@github.com/a/b.git');
    assert.equal(redactUrl('https://github.com/a/b.git'), 'https://github.com/a/b.git');
  });
});
