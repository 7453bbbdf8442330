import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import { UtcToday } from '../../lib/codecs/date-of-birth';
import { Email, Phone, PlanId, StateCode, US_STATE_CODES, Zipcode, dateOfBirth, nullable } from '../../lib/codecs/member-fields';

const result = (codec: t.Mixed, u: unknown): unknown => {
  const r = codec.decode(u);
  return E.isLeft(r) ? { message: r.left[0]!.message } : { value: r.right };
};

describe('member fields', () => {
  it('US_STATE_CODES holds the 50 states, DC and the 6 territory codes', () => {
    expect(US_STATE_CODES.size).to.equal(57);
    for (const code of ['CA', 'DC', 'PR', 'GU', 'VI', 'AS', 'MP', 'UM']) expect(US_STATE_CODES.has(code), code).to.equal(true);
  });

  it('each field speaks in its own words for a missing value, a wrong type and a wrong string', () => {
    expect(result(Phone, undefined)).to.deep.equal({ message: 'is required' });
    expect(result(Phone, null)).to.deep.equal({ message: 'must be a string, got null' });
    expect(result(Phone, 5)).to.deep.equal({ message: 'must be a string, got number' });
    expect(result(Phone, '555-0100')).to.deep.equal({ message: 'must be a 10-digit US phone number' });
    expect(result(PlanId, 'plan_1')).to.deep.equal({ message: 'must be a plan id starting with "pln_"' });
    expect(result(StateCode, 'XX')).to.deep.equal({ message: 'must be a US state or territory code' });
    expect(result(Zipcode, '9410')).to.deep.equal({ message: 'must be a 5-digit ZIP code or ZIP+4' });
    expect(result(Email, 'jane@acme')).to.deep.equal({ message: 'must be an e-mail address' });
  });

  it('Phone and StateCode decode to the form that is sent; the others keep the string as given', () => {
    expect(result(Phone, '+1 (415) 555-0100')).to.deep.equal({ value: '4155550100' });
    expect(result(StateCode, 'ny')).to.deep.equal({ value: 'NY' });
    expect(result(PlanId, 'pln_1')).to.deep.equal({ value: 'pln_1' });
    expect(result(Zipcode, '94102-1234')).to.deep.equal({ value: '94102-1234' });
    expect(result(Email, 'a.b@example.org')).to.deep.equal({ value: 'a.b@example.org' });
  });

  it('dateOfBirth judges "today" by the clock it is given', () => {
    const codec = dateOfBirth(new UtcToday(() => Date.UTC(2000, 0, 1)));
    expect(result(codec, '2000-01-01')).to.deep.equal({ value: '2000-01-01' });
    expect(result(codec, '2000-01-02')).to.deep.equal({ message: 'must not be in the future' });
    expect(result(codec, '1899-12-31')).to.deep.equal({ message: 'must be on or after 1900-01-01' });
  });

  it('nullable takes null, a valid string, and fails anything else with its message', () => {
    const codec = nullable(Email, 'must be an e-mail address or null');
    expect(result(codec, null)).to.deep.equal({ value: null });
    expect(result(codec, 'a@b.co')).to.deep.equal({ value: 'a@b.co' });
    expect(result(codec, 'nope')).to.deep.equal({ message: 'must be an e-mail address' });
    expect(result(codec, 3)).to.deep.equal({ message: 'must be an e-mail address or null' });
    expect([codec.is(null), codec.is('a@b.co'), codec.is('x')]).to.deep.equal([true, true, false]);
  });
});
