import { expect } from 'chai';
import { randomId } from '../../lib/emulator/ids';

describe('randomId', () => {
  it('makes prefixed ids of 12 lower-case letters and digits, all different, across refills of its random pool', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => randomId(i % 2 === 0 ? 'grpmbr' : 'req'));
    ids.forEach((id, i) => expect(id).to.match(i % 2 === 0 ? /^grpmbr_[a-z0-9]{12}$/ : /^req_[a-z0-9]{12}$/));
    expect(new Set(ids.map((id) => id.slice(id.indexOf('_')))).size).to.equal(ids.length);
    // every character of the alphabet turns up (the suffixes are not stuck on a subset)
    expect(new Set(ids.map((id) => id.slice(id.indexOf('_') + 1)).join('')).size).to.equal(36);
  });
});
