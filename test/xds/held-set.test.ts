// What a proxy holds of a type, kept as a shared snapshot map plus its own differences: whatever
// sequence of sends, removals and rebases, it answers exactly as a plain name → hash map would, and
// a proxy holding exactly the snapshot's map keeps no map of its own.
import { strict as assert } from 'node:assert';
import * as fc from 'fast-check';
import { heldHash, heldNames, HeldResource, HeldSet } from '../../reconciler/xds/held-set';

const NAMES = ['a', 'b', 'c', 'd', 'e'];
const HASHES = ['1', '2', '3'];

const mapOf = (entries: [string, string][]): ReadonlyMap<string, HeldResource> => new Map(entries.map(([name, hash]) => [name, { name, hash }]));
const snapshotMap = fc.uniqueArray(fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom(...HASHES)), { selector: ([name]) => name }).map(mapOf);
const operation = fc.oneof(
  fc.record({ op: fc.constant('set' as const), name: fc.constantFrom(...NAMES), hash: fc.constantFrom(...HASHES) }),
  fc.record({ op: fc.constant('delete' as const), name: fc.constantFrom(...NAMES) }),
  fc.record({ op: fc.constant('rebase' as const), base: snapshotMap }),
  fc.record({ op: fc.constant('fix' as const) }),
);

function contents(held: HeldSet): Map<string, string> {
  return new Map([...held.names()].map((name) => [name, held.hash(name)!]));
}

describe('xds: held set (shared snapshot map + differences)', () => {
  it('answers like a plain map after any sequence of changes and rebases', () => {
    fc.assert(
      fc.property(snapshotMap, fc.array(operation, { maxLength: 30 }), (start, operations) => {
        let held = HeldSet.of(start);
        const expected = new Map([...start.values()].map(({ name, hash }) => [name, hash]));
        for (const step of operations) {
          if (step.op === 'set') {
            held.set(step.name, step.hash);
            expected.set(step.name, step.hash);
          } else if (step.op === 'delete') {
            held.delete(step.name);
            expected.delete(step.name);
          } else if (step.op === 'rebase') held.rebase(step.base);
          else {
            const fixed = held.fixed();
            held.set('z', '9'); // changes the original only
            assert.equal(heldHash(fixed, 'z'), undefined);
            held.delete('z');
            for (const name of [...NAMES, 'z']) assert.equal(heldHash(fixed, name), expected.get(name));
            held = fixed instanceof HeldSet ? fixed : HeldSet.of(fixed);
          }
          assert.deepEqual(contents(held), expected);
          for (const name of [...NAMES, 'z']) assert.equal(held.hash(name), expected.get(name));
          const settled = held.settled();
          assert.deepEqual(new Set(heldNames(settled)), new Set(expected.keys()));
          for (const name of [...NAMES, 'z']) assert.equal(heldHash(settled, name), expected.get(name));
        }
      }),
    );
  });

  it('fixes a proxy that holds exactly its base as that map itself (no object of its own)', () => {
    const snapshot = mapOf([['a', '1']]);
    const held = HeldSet.fromHashes([['a', '1']]);
    assert.ok(held.fixed() instanceof HeldSet);
    held.rebase(snapshot);
    assert.equal(held.fixed(), snapshot);
    held.set('a', '2');
    assert.ok(held.fixed() instanceof HeldSet);
  });

  it('keeps no differences once rebased onto a map with exactly its content', () => {
    const held = HeldSet.fromHashes([
      ['a', '1'],
      ['b', '2'],
    ]);
    const snapshot = mapOf([
      ['a', '1'],
      ['b', '2'],
    ]);
    held.rebase(snapshot);
    assert.equal((held as unknown as { except: unknown }).except, undefined);
    held.set('a', '3');
    held.set('a', '1');
    assert.equal((held as unknown as { except: unknown }).except, undefined);
  });
});
