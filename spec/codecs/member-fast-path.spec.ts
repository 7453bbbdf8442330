import { expect } from 'chai';
import fc from 'fast-check';
import { isLeft } from 'fp-ts/Either';
import type * as t from 'io-ts';
import { MemberInput, MemberInputStructure } from '../../lib/codecs/member';
import { toIssues } from '../../lib/codecs/report';

const outcome = (v: t.Validation<unknown>): unknown => (isLeft(v) ? { issues: toIssues(v.left) } : { value: v.right });

// Values that are sometimes right and often nearly right, so both paths get exercised.
const maybe = <A>(good: fc.Arbitrary<A>): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 6, arbitrary: good },
    { weight: 1, arbitrary: fc.constantFrom(undefined, null, '', '   ', 42, true, [], {}) },
    { weight: 1, arbitrary: fc.string() },
  );

const addressArb = fc.record(
  {
    address_line_1: maybe(fc.constantFrom('1 Main St', ' x ', '\u00a0', '\u00a0x', '\u2028', 'é', '\x7f')),
    city: maybe(fc.constantFrom('San Francisco', 'Austin')),
    // mixed case, and non-ASCII spellings toUpperCase() maps onto a code ('ıd' → 'ID', 'ſc' → 'SC')
    state: maybe(fc.constantFrom('CA', 'ny', 'Pr', 'cA', 'ZZ', 'C A', 'ıd', 'ſc', 'ca ')),
    zipcode: maybe(fc.constantFrom('94102', '94102-1234', '9410', '94102-12')),
    address_line_2: maybe(fc.constantFrom('Apt 4', '', null)),
    extra: maybe(fc.constant('dropped')),
  },
  { requiredKeys: [] },
);

const memberArb = fc.record(
  {
    reference_id: maybe(fc.constantFrom('EMP-1', 'x', '\t')),
    first_name: maybe(fc.constantFrom('Jane', 'Ann-Marie', '\uFEFF', '\uFEFFJo', 'Émile', '\n')),
    last_name: maybe(fc.constantFrom('Doe', 'O’Neil')),
    date_of_birth: maybe(fc.constantFrom('1990-05-15', '2000-02-29', '1900-02-29', '2023-02-30', '9999-01-01', '1990-5-15')),
    phone: maybe(fc.constantFrom('4155550100', '+1 (415) 555-0100', '415.555.0100', '1-415-555-0100', '555-0100')),
    plan_id: maybe(fc.constantFrom('pln_abc', 'pln_', 'plan_x', 'pln_a b')),
    address: maybe(addressArb),
    email: maybe(fc.constantFrom('jane@acme.com', 'not-an-email', null, 'a@b')),
    unknown_key: maybe(fc.constant(1)),
  },
  { requiredKeys: [] },
);

// A valid member with exactly one field swapped for a tricky value: each edge of the
// fast path is then decisive, not hidden behind another field that already fails.
const VALID = {
  reference_id: 'EMP-1',
  first_name: 'Jane',
  last_name: 'Doe',
  date_of_birth: '1990-05-15',
  phone: '(415) 555-0100',
  plan_id: 'pln_abc',
  address: { address_line_1: '1 Main', city: 'SF', state: 'ca', zipcode: '94102' },
  email: 'jane@acme.com',
};
const TRICKY: ReadonlyArray<unknown> = [
  ...['', ' ', '   ', '\t', '\n', '\u00a0', '\u00a0x', '\u2028', '\uFEFF', '\uFEFFx', '\x7f', '\x1f', 'é', ' x'],
  ...['ca', 'cA', 'Ca', 'CA', 'ıd', 'ſc', 'ca ', 'zz', 'C', 'CAL', '１２', null, undefined, 1],
  ...['4155550100', '+1 (415) 555-0100', '+1415.555.0100', '1 415 555 0100', '+1 415 555 010', '415\u00a0555\u00a00100'],
  ...['1990-05-15', '2000-02-29', '1900-02-29', '9999-01-01', 'pln_x', 'pln_ x', 'a@b.co', 'a @b.co', '94102', '94102-1234', '９４１０２'],
];
const FIELDS = [
  ...Object.keys(VALID).filter((k) => k !== 'address'),
  ...[...Object.keys(VALID.address), 'address_line_2'].map((k) => `address.${k}`),
];
const oneFieldOff = fc.tuple(fc.constantFrom(...FIELDS), fc.constantFrom(...TRICKY)).map(([field, value]) => {
  const [head, tail] = field.split('.');
  return tail === undefined ? { ...VALID, [head]: value } : { ...VALID, address: { ...VALID.address, [tail]: value } };
});

describe('MemberInput (fast path)', () => {
  it('decodes every input exactly as the structural codec does, success value and issues alike', () => {
    fc.assert(
      fc.property(fc.oneof(memberArb, oneFieldOff, fc.anything()), (u) => {
        const expected = outcome(MemberInputStructure.decode(u));
        expect(outcome(MemberInput.decode(u))).to.deep.equal(expected);
        // validate (what io-ts combinators call) goes through the same fast path
        expect(outcome(MemberInput.validate(u, [{ key: '', type: MemberInput, actual: u }]))).to.deep.equal(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the fast path for a typical valid member (same value, no io-ts context needed)', () => {
    const member = {
      reference_id: 'EMP-1',
      first_name: 'Jane',
      last_name: 'Doe',
      date_of_birth: '1990-05-15',
      phone: '(415) 555-0100',
      plan_id: 'pln_abc',
      address: { address_line_1: '1 Main', city: 'SF', state: 'ca', zipcode: '94102' },
      email: 'jane@acme.com',
    };
    expect(outcome(MemberInput.decode(member))).to.deep.equal({
      value: { ...member, phone: '4155550100', address: { ...member.address, state: 'CA' } },
    });
  });
});
