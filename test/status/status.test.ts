import * as assert from 'node:assert/strict';
import { compareContexts, makeStatus, MAX_DESCRIPTION, parseContext, truncateDescription } from '../../reconciler/status/status';

describe('commit status', () => {
  const truncation = [
    { name: 'short text is kept', input: 'valid: 7 resources', expected: 'valid: 7 resources' },
    { name: 'exactly 140 characters is kept', input: 'a'.repeat(140), expected: 'a'.repeat(140) },
    { name: '141 characters end with … at 140', input: 'a'.repeat(141), expected: 'a'.repeat(139) + '…' },
    { name: 'newlines and runs of spaces collapse', input: 'line one\n\n  line   two\t', expected: 'line one line two' },
    { name: 'a cut never splits an emoji', input: 'x'.repeat(138) + '🚀🚀🚀', expected: 'x'.repeat(138) + '🚀…' },
    { name: 'trailing space before the ellipsis is dropped', input: 'a'.repeat(138) + ' bcd', expected: 'a'.repeat(138) + '…' },
  ];
  for (const c of truncation) {
    it(`truncates: ${c.name}`, () => {
      const out = truncateDescription(c.input);
      assert.equal(out, c.expected);
      assert.ok(Array.from(out).length <= MAX_DESCRIPTION);
    });
  }

  it('makes contexts meshplane/<env>/<stage> and keeps the target URL', () => {
    assert.deepEqual(makeStatus('apps', 'sync', 'success', '12/12 proxies on a1b2c3d', 'http://h/commits/a1'), {
      context: 'meshplane/apps/sync',
      state: 'success',
      description: '12/12 proxies on a1b2c3d',
      targetUrl: 'http://h/commits/a1',
    });
    assert.equal('targetUrl' in makeStatus('apps', 'plan', 'pending', 'planning'), false);
  });

  it('parses its own contexts only', () => {
    assert.deepEqual(parseContext('meshplane/apps/drift'), { environment: 'apps', stage: 'drift' });
    assert.equal(parseContext('ci/build'), undefined);
    assert.equal(parseContext('meshplane/apps/deploy'), undefined);
  });

  it('orders an environment\'s contexts by stage, environments by name', () => {
    const contexts = ['meshplane/b/validate', 'meshplane/apps/sync', 'meshplane/apps/validate', 'meshplane/apps/drift', 'meshplane/apps/plan'];
    const sorted = contexts.map((context) => ({ context })).sort(compareContexts).map((c) => c.context);
    assert.deepEqual(sorted, ['meshplane/apps/validate', 'meshplane/apps/plan', 'meshplane/apps/sync', 'meshplane/apps/drift', 'meshplane/b/validate']);
  });
});
