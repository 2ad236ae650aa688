// A subscription's names kept as a sorted list: whatever names a proxy sends (repeats, any
// characters), the list answers membership exactly as a Set of them would.
import { strict as assert } from 'node:assert';
import * as fc from 'fast-check';
import { hasName, nameList, NO_NAMES, sameNames } from '../../reconciler/xds/name-list';

describe('xds: subscribed name list', () => {
  it('holds each distinct name once and answers membership like a Set', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 6 }), { maxLength: 40 }), fc.array(fc.string({ unit: 'binary', maxLength: 6 })), (names, probes) => {
        const list = nameList(names);
        const set = new Set(names);
        assert.equal(list.length, set.size);
        for (const name of [...names, ...probes]) assert.equal(hasName(list, name), set.has(name));
        assert.ok(sameNames(list, nameList([...names].reverse())));
      }),
    );
  });

  it('is the one shared empty list when no name is given', () => {
    assert.equal(nameList([]), NO_NAMES);
    assert.ok(!sameNames(nameList(['a']), NO_NAMES));
  });
});
