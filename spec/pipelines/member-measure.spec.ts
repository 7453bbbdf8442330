import { expect } from 'chai';
import fc from 'fast-check';
import { isRight } from 'fp-ts/Either';
import { MemberInput } from '../../lib/codecs';
import { MemberMeasure } from '../../lib/pipelines/member-measure';
import { makeMember } from '../helpers/roster';

// Any text a field may hold once decoded: unicode, quotes, backslashes, controls, and long strings.
const text = fc.oneof(
  fc.string({ minLength: 1 }),
  fc.string({ unit: 'binary', minLength: 1 }),
  fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 80 }),
  fc.constantFrom('"', '\\', 'a\nb', '\u2028', 'é', '😀', 'x'.repeat(70)),
);

/** Raw members the codec accepts (and some it refuses, which are skipped), with every optional field's forms. */
const decoded = fc
  .record({
    i: fc.nat(999_999),
    first_name: text,
    last_name: text,
    address_line_1: text,
    city: text,
    address_line_2: fc.option(fc.oneof(text, fc.constant('')), { nil: undefined }),
    line2Null: fc.boolean(),
    email: fc.constantFrom(undefined, null, 'jane@acme.com', 'o"brien@x.io', 'é@x.fr'),
    plan_id: fc.constantFrom('pln_demo_basic', 'pln_"q"', 'pln_é', 'pln_\\x'),
  })
  .map((r) => {
    const raw = makeMember(r.i) as Record<string, unknown>;
    const address: Record<string, unknown> = { ...(raw['address'] as object), address_line_1: r.address_line_1, city: r.city };
    if (r.address_line_2 !== undefined) address['address_line_2'] = r.line2Null ? null : r.address_line_2;
    const member: Record<string, unknown> = { ...raw, first_name: r.first_name, last_name: r.last_name, plan_id: r.plan_id, address };
    if (r.email === undefined) delete member['email'];
    else member['email'] = r.email;
    return MemberInput.decode(member);
  })
  .filter(isRight)
  .map((d) => d.right);

const bytesOf = (m: unknown): number => Buffer.byteLength(JSON.stringify(m), 'utf8');

describe('MemberMeasure', () => {
  it('counts the UTF-8 bytes of JSON.stringify of any decoded member, with or without fingerprints (property)', () => {
    const plain = new MemberMeasure(false);
    const printing = new MemberMeasure(true);
    fc.assert(
      fc.property(decoded, (m) => {
        expect(plain.of(m)).to.equal(bytesOf(m));
        expect(printing.of(m)).to.equal(bytesOf(m));
      }),
      { numRuns: 1000 },
    );
  });

  it('gives equal members equal fingerprints, whatever objects carry them, and 0 without fingerprints', () => {
    const measure = new MemberMeasure(true);
    const m = MemberInput.decode(makeMember(7));
    if (!isRight(m)) throw new Error('makeMember(7) is valid');
    measure.of(m.right);
    const first = measure.fingerprint;
    measure.of(JSON.parse(JSON.stringify(m.right)) as MemberInput);
    expect(measure.fingerprint).to.equal(first);
    expect(first).to.be.within(0, 2 ** 32 - 1);
    const plain = new MemberMeasure(false);
    plain.of(m.right);
    expect(plain.fingerprint).to.equal(0);
  });

  it('changes the fingerprint with any one field, an absent or null optional field, or characters moved across fields (property)', () => {
    const measure = new MemberMeasure(true);
    const print = (m: MemberInput): number => (measure.of(m), measure.fingerprint);
    fc.assert(
      fc.property(decoded, text, fc.constantFrom('first_name', 'last_name', 'address_line_1', 'city'), (m, value, field) => {
        const edited: MemberInput =
          field === 'first_name' || field === 'last_name'
            ? { ...m, [field]: value }
            : { ...m, address: { ...m.address, [field]: value } };
        const before = field === 'first_name' || field === 'last_name' ? m[field] : m.address[field];
        fc.pre(before !== value);
        expect(print(edited)).not.to.equal(print(m));
      }),
      { numRuns: 500 },
    );
    const m = MemberInput.decode(makeMember(1));
    if (!isRight(m)) throw new Error('makeMember(1) is valid');
    const { email: _email, ...base } = m.right;
    const forms: MemberInput[] = [
      base,
      { ...base, email: null },
      { ...base, email: 'a@b.co' },
      { ...base, first_name: base.first_name.slice(0, -1), last_name: `${base.first_name.slice(-1)}${base.last_name}` },
    ];
    expect(new Set(forms.map(print)).size).to.equal(forms.length);
  });
});
