// §12.6: regexes are RE2 — look-arounds and back-references are rejected with the workaround.
import * as assert from 'node:assert/strict';
import { Diagnostic } from '../../provider/model/diagnostic';
import { checkRe2 } from '../../provider/rules/regex';

describe('RE2 regex check (MM-3)', () => {
  const cases = [
    { name: 'negative look-ahead', input: '^prefix(?!suffix)', expected: 'rejected' },
    { name: 'back-reference', input: '(a)(b)\\1', expected: 'rejected' },
    { name: 'lazy quantifier', input: '^prefix.*?suffix', expected: 'accepted' },
    { name: 'repeated group without back-reference', input: '(a)(b)(a)', expected: 'accepted' },
    { name: 'look-behind', input: '(?<=a)b', expected: 'rejected' },
    { name: 'unbalanced bracket', input: '[a-z', expected: 'rejected' },
  ];
  for (const { name, input, expected } of cases) {
    it(`${name}: ${input} is ${expected}`, () => {
      const found: Array<Pick<Diagnostic, 'pointer' | 'code' | 'message'>> = [];
      // Checked twice: the second call is answered from the compile cache.
      for (let i = 0; i < 2; i++) checkRe2(input, '/x', 'MM-3', (pointer, code, _severity, message) => found.push({ pointer, code, message }));
      assert.equal(found.length, expected === 'rejected' ? 2 : 0);
      if (expected === 'rejected') {
        assert.equal(found[0].code, 'MM-3');
        assert.match(found[0].message, /ex\(amp\)\{0\}le/, 'message carries the user-guide workaround');
      }
    });
  }
});
