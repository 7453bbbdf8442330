import { expect } from 'chai';
import fc from 'fast-check';
import { mulberry32 } from '../../lib/internal/mulberry32';

const take = (next: () => number, n: number): number[] => Array.from({ length: n }, () => next());

describe('mulberry32', () => {
  it('gives the same sequence for the same seed', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        expect(take(mulberry32(seed), 20)).to.deep.equal(take(mulberry32(seed), 20));
      }),
    );
  });

  it('gives another sequence for another seed', () => {
    expect(take(mulberry32(1), 10)).not.to.deep.equal(take(mulberry32(2), 10));
  });

  it('stays in [0, 1) and spreads over it', () => {
    const values = take(mulberry32(42), 10_000);
    expect(values.every((v) => v >= 0 && v < 1)).to.equal(true);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean).to.be.within(0.48, 0.52);
    const buckets = new Array<number>(10).fill(0);
    for (const v of values) buckets[Math.floor(v * 10)]!++;
    for (const count of buckets) expect(count).to.be.within(900, 1100);
  });
});
