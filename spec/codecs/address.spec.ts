import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { Address } from '../../lib/codecs';
import { toIssues } from '../../lib/codecs/report';

const base = { address_line_1: '1 Main St', city: 'SF', state: 'ca', zipcode: '94102' };
const issues = (u: unknown) => {
  const r = Address.decode(u);
  return E.isLeft(r) ? toIssues(r.left) : [];
};

describe('Address', () => {
  it('decodes the state upper-case and drops unknown keys', () => {
    expect(Address.decode({ ...base, floor: 3 })).to.deep.equal(E.right({ ...base, state: 'CA' }));
  });

  it('takes an optional address_line_2 that is a string or null', () => {
    for (const line2 of ['Apt 4', null])
      expect(Address.decode({ ...base, address_line_2: line2 })).to.deep.equal(E.right({ ...base, state: 'CA', address_line_2: line2 }));
    expect(issues({ ...base, address_line_2: 4 })).to.deep.equal([{ path: 'address_line_2', message: 'must be a string or null' }]);
  });

  it('names every failing field', () => {
    expect(issues({ address_line_1: ' ', state: 'XX', zipcode: '1' })).to.deep.equal([
      { path: 'address_line_1', message: 'must not be empty' },
      { path: 'city', message: 'is required' },
      { path: 'state', message: 'must be a US state or territory code' },
      { path: 'zipcode', message: 'must be a 5-digit ZIP code or ZIP+4' },
    ]);
  });

  it('keeps its structure for those that list its fields (the CSV columns)', () => {
    const [required, optional] = Address.type.types;
    expect(Object.keys(required.props)).to.deep.equal(['address_line_1', 'city', 'state', 'zipcode']);
    expect(Object.keys(optional.props)).to.deep.equal(['address_line_2']);
    expect(Address.name).to.equal('Address');
  });
});
