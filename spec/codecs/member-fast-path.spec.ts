import { expect } from 'chai';
import fc from 'fast-check';
import { isLeft } from 'fp-ts/Either';
import type * as t from 'io-ts';
import { MemberInput, MemberInputStructure } from '../../lib/codecs/member';
import { toIssues } from '../../lib/codecs/report';
import { Address } from '../../lib/codecs/address';
import { ADDRESS_KEYS, MEMBER_KEYS } from '../../lib/codecs/member-fast-path';

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

// Already decoded members (10-digit phone, upper-case state), sometimes with one thing io-ts would strip or change.
const decodedArb = fc
  .record(
    {
      email: fc.constantFrom('jane@acme.com', null),
      address_line_2: fc.constantFrom('Apt 4', null),
      extra: fc.constantFrom('dropped', undefined),
      addressExtra: fc.constantFrom('dropped', undefined),
      hidden: fc.constantFrom('member', 'address'),
      change: fc.constantFrom('phone', 'state', 'email undefined', 'line 2 undefined'),
    },
    { requiredKeys: [] },
  )
  .map((o) => {
    const address: Record<string, unknown> = { address_line_1: '1 Main', city: 'SF', state: 'CA', zipcode: '94102' };
    if ('address_line_2' in o) address.address_line_2 = o.address_line_2;
    if ('addressExtra' in o) address.extra = o.addressExtra;
    if (o.change === 'state') address.state = 'ca';
    if (o.change === 'line 2 undefined') address.address_line_2 = undefined;
    const member: Record<string, unknown> = {
      reference_id: 'EMP-1',
      first_name: 'Jane',
      last_name: 'Doe',
      date_of_birth: '1990-05-15',
      phone: o.change === 'phone' ? '(415) 555-0100' : '4155550100',
      plan_id: 'pln_abc',
      address,
    };
    if ('email' in o) member.email = o.email;
    if (o.change === 'email undefined') member.email = undefined;
    if ('extra' in o) member.extra = o.extra;
    // a non-enumerable own key: JSON never shows it, io-ts still strips it (a copy)
    if (o.hidden === 'member') Object.defineProperty(member, 'secret', { value: 1, enumerable: false });
    if (o.hidden === 'address') Object.defineProperty(address, 'secret', { value: 1, enumerable: false });
    return member;
  });

const sameObject = (v: t.Validation<unknown>, u: unknown): boolean => !isLeft(v) && v.right === u;
const sameAddress = (v: t.Validation<unknown>, u: unknown): boolean =>
  !isLeft(v) &&
  typeof u === 'object' &&
  u !== null &&
  (v.right as { address?: unknown }).address === (u as { address?: unknown }).address;

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

  it('never returns an object it did not make: any given member, already normalised or not, gets a fresh object equal to what the structural codec builds', () => {
    fc.assert(
      fc.property(fc.oneof(decodedArb, memberArb, oneFieldOff, fc.anything()), (u) => {
        const structural = MemberInputStructure.decode(u);
        const fast = MemberInput.decode(u);
        expect(sameObject(fast, u)).to.equal(false);
        if (!isLeft(fast)) expect(sameAddress(fast, u)).to.equal(false);
        expect(outcome(fast)).to.deep.equal(outcome(structural));
      }),
      { numRuns: 3000 },
    );
  });

  it('given back a member it returned, returns it itself exactly when the structural codec would (nothing to normalise or strip)', () => {
    fc.assert(
      fc.property(fc.oneof(decodedArb, memberArb, oneFieldOff), fc.constantFrom('none', 'phone', 'state', 'extra', 'hidden'), (u, change) => {
        const once = MemberInput.decode(u);
        if (isLeft(once)) return;
        const m = once.right as unknown as Record<string, unknown> & { address: Record<string, unknown> };
        if (change === 'phone') m.phone = '(415) 555-0100';
        if (change === 'state') m.address.state = 'ca';
        if (change === 'extra') m.extra = 1;
        if (change === 'hidden') Object.defineProperty(m.address, 'secret', { value: 1, enumerable: false });
        const structural = MemberInputStructure.decode(m);
        const again = MemberInput.decode(m);
        // a non-enumerable key added to a returned value is not looked for: the value comes back with it (never sent)
        const expectSame = change === 'hidden' ? !isLeft(structural) : sameObject(structural, m) && sameAddress(structural, m);
        expect(sameObject(again, m)).to.equal(expectSame);
        expect(outcome(again)).to.deep.equal(outcome(structural));
        if (!isLeft(again) && !isLeft(structural)) expect(JSON.stringify(again.right)).to.equal(JSON.stringify(structural.right));
      }),
      { numRuns: 2000 },
    );
  });

  it('decoding a decoded member gives back that very object: the re-check before sending copies nothing (property)', () => {
    fc.assert(
      fc.property(fc.oneof(decodedArb, memberArb, oneFieldOff), (u) => {
        const once = MemberInput.decode(u);
        if (isLeft(once)) return;
        const twice = MemberInput.decode(once.right);
        expect(sameObject(twice, once.right)).to.equal(true);
        expect(sameAddress(twice, once.right)).to.equal(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('copies a member with an unknown or a hidden (non-enumerable) key, leaving that key out', () => {
    const decoded = {
      reference_id: 'EMP-1',
      first_name: 'Jane',
      last_name: 'Doe',
      date_of_birth: '1990-05-15',
      phone: '4155550100',
      plan_id: 'pln_abc',
      address: { address_line_1: '1 Main', city: 'SF', state: 'CA', zipcode: '94102' },
    };
    const once = MemberInput.decode(decoded);
    expect(sameObject(MemberInput.decode(isLeft(once) ? {} : once.right), isLeft(once) ? {} : once.right)).to.equal(true);
    const hidden = Object.defineProperty({ ...decoded }, 'note', { value: 'x', enumerable: false });
    for (const u of [{ ...decoded, note: 'x' }, hidden]) {
      const r = MemberInput.decode(u);
      expect(sameObject(r, u)).to.equal(false);
      expect(r).to.deep.equal({ _tag: 'Right', right: decoded });
      expect(Object.getOwnPropertyNames(isLeft(r) ? {} : r.right)).to.have.members(Object.keys(decoded));
    }
  });
});

describe('memberFastPath', () => {
  it('knows exactly the keys the structure reads and keeps, for a member and for its address', () => {
    const [required, optional] = MemberInputStructure.type.types;
    expect([...MEMBER_KEYS]).to.have.members([...Object.keys(required.props), ...Object.keys(optional.props)]);
    const [addressRequired, addressOptional] = Address.type.types;
    expect([...ADDRESS_KEYS]).to.have.members([...Object.keys(addressRequired.props), ...Object.keys(addressOptional.props)]);
  });
});
