import { expect } from 'chai';
import * as fc from 'fast-check';
import type { MemberInput } from '../../lib';
import { batchDigest } from '../../lib/journal/batch-digest';

const member = (i: number, extra: Partial<MemberInput> = {}): MemberInput => ({
  reference_id: `EMP-${i}`,
  first_name: 'Ada',
  last_name: 'Lovelace',
  date_of_birth: '1990-01-01',
  phone: '4155550100',
  plan_id: 'pln_demo_basic',
  address: { address_line_1: '1 Main St', city: 'SF', state: 'CA', zipcode: '94102' },
  ...extra,
});

describe('batchDigest', () => {
  it('is the same for equal batches, whatever objects carry them', () => {
    const a = [member(1), member(2)];
    const b = a.map((m) => JSON.parse(JSON.stringify(m)) as MemberInput);
    expect(batchDigest(a)).to.equal(batchDigest(b));
    expect(batchDigest(a)).to.match(/^2:[0-9a-f]{16}$/);
  });

  it('changes with any field, the order, or the membership of a batch', () => {
    const base = batchDigest([member(1), member(2)]);
    const variants: MemberInput[][] = [
      [member(2), member(1)],
      [member(1)],
      [member(1), member(2), member(3)],
      [member(1), member(2, { first_name: 'Adb' })],
      [member(1), member(2, { plan_id: 'pln_demo_plus' })],
      [member(1), member(2, { email: null })],
      [member(1), member(2, { email: '' as unknown as string })],
      [member(1), member(2, { address: { ...member(2).address, address_line_2: null } })],
      [member(1), member(2, { address: { ...member(2).address, zipcode: '94103' } })],
      [member(1), member(2, { first_name: 'Ad', last_name: 'aLovelace' })], // characters moved across fields
    ];
    for (const v of variants) expect(batchDigest(v), JSON.stringify(v[v.length - 1])).not.to.equal(base);
  });

  it('tells apart any two batches that differ in one string field (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (x, y) => {
        fc.pre(x !== y);
        expect(batchDigest([member(1, { last_name: x })])).not.to.equal(batchDigest([member(1, { last_name: y })]));
      }),
      { numRuns: 500 },
    );
  });
});
