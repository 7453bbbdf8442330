import { expect } from 'chai';
import fc from 'fast-check';
import { sameData } from '../../lib/emulator/same-data';

describe('sameData', () => {
  it('compares JSON data whatever the key order, with undefined fields as absent', () => {
    expect(sameData({ a: 1, b: [2, { c: 3 }] }, { b: [2, { c: 3 }], a: 1 })).to.equal(true);
    expect(sameData({ a: 1, c: undefined }, { a: 1 })).to.equal(true);
    expect(sameData({ a: 1 }, { a: 1, c: undefined })).to.equal(true);
    expect(sameData({ a: 1 }, { a: 2 })).to.equal(false);
    expect(sameData({ a: 1 }, { a: 1, b: null })).to.equal(false);
    expect(sameData([1, 2], [2, 1])).to.equal(false);
    expect(sameData([1], { 0: 1 })).to.equal(false);
    expect(sameData(null, {})).to.equal(false);
  });

  it('skips the given key at the top level only', () => {
    expect(sameData({ id: 'x', a: 1 }, { a: 1 }, 'id')).to.equal(true);
    expect(sameData({ id: 'x', a: 1 }, { id: 'y', a: 1 }, 'id')).to.equal(true);
    expect(sameData({ n: { id: 'x' } }, { n: { id: 'y' } }, 'id')).to.equal(false);
  });

  it('agrees with comparing canonical JSON texts', () => {
    const sorted = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(sorted) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([k, x]) => [k, sorted(x)])) : v;
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.jsonValue({ maxDepth: 3 }), (a, b) => {
        expect(sameData(a, b)).to.equal(JSON.stringify(sorted(a)) === JSON.stringify(sorted(b)));
        expect(sameData(a, JSON.parse(JSON.stringify(a)))).to.equal(true);
      }),
    );
  });
});
