import { expect } from 'chai';
import { memberValidator, validateMember } from '../../lib/emulator/member-validation';
import { member } from './http';

describe('validateMember', () => {
  const now = Date.parse('2026-01-15T12:00:00Z');

  it('accepts a member as the HTTP reference shows it and normalises phone and state', () => {
    const check = validateMember(member('E1', 'pln_1', { phone: '+1 415.555.0100', address: { address_line_1: '1 Main', city: 'SF', state: 'ny', zipcode: '10001-1234' } }), now);
    expect(check.ok).to.equal(true);
    if (check.ok) {
      expect(check.member.phone).to.equal('4155550100');
      expect(check.member.address).to.deep.equal({ address_line_1: '1 Main', address_line_2: null, city: 'SF', state: 'NY', zipcode: '10001-1234' });
    }
  });

  it('lists every problem in plain words', () => {
    const check = validateMember(
      { reference_id: 'E1', first_name: ' ', last_name: 3, date_of_birth: '2026-01-16', phone: '555-0100', plan_id: 'pln_1', email: 'nope', address: [] },
      now,
    );
    expect(check).to.deep.equal({
      ok: false,
      problems: [
        'first_name must not be empty',
        'last_name must be a string, got number',
        'date_of_birth must not be in the future',
        'phone must be a 10-digit US phone number',
        'email must be an e-mail address',
        'address must be an object, got array',
      ],
    });
    expect(validateMember('x', now)).to.deep.equal({ ok: false, problems: ['member must be an object, got string'] });
    expect(validateMember(member('E1', 'pln_1', { date_of_birth: '2026-01-15' }), now).ok).to.equal(true);
  });

  it('accepts real calendar dates up to today and refuses impossible ones, for whichever instant it is given', () => {
    const problem = (date_of_birth: string, at = now): string | undefined => {
      const check = validateMember(member('E1', 'pln_1', { date_of_birth }), at);
      return check.ok ? undefined : check.problems.join('; ');
    };
    for (const ok of ['2000-02-29', '2024-02-29', '1999-12-31', '1900-01-01', '2026-01-15', '1990-04-30'])
      expect(problem(ok), ok).to.equal(undefined);
    for (const bad of ['1900-02-29', '2023-02-29', '1990-04-31', '1990-13-01', '1990-00-10', '1990-01-00', '1990-01-32'])
      expect(problem(bad), bad).to.equal('date_of_birth is not a real calendar date');
    for (const early of ['1899-12-31', '1800-06-01', '0100-01-01', '0099-12-31', '0000-01-01'])
      expect(problem(early), early).to.equal('date_of_birth must not be before 1900-01-01');
    expect(problem('1990-1-01')).to.equal('date_of_birth must be a date as YYYY-MM-DD');
    expect(problem('2026-01-16')).to.equal('date_of_birth must not be in the future');
    expect(problem('2026-01-16', Date.parse('2026-01-16T00:00:00Z'))).to.equal(undefined);
    expect(problem('2026-01-16', Date.parse('2026-01-15T23:59:59.999Z'))).to.equal('date_of_birth must not be in the future');
  });

  it('memberValidator judges a whole batch against the UTC day of one instant', () => {
    const check = memberValidator(Date.parse('2030-06-15T23:59:59.999Z'));
    expect(check(member('E1', 'pln_1', { date_of_birth: '2030-06-15' })).ok).to.equal(true);
    expect(check(member('E1', 'pln_1', { date_of_birth: '2030-06-16' }))).to.deep.equal({ ok: false, problems: ['date_of_birth must not be in the future'] });
    expect(check(member('E1', 'pln_1', { date_of_birth: '1900-01-01' })).ok).to.equal(true);
    expect(check(member('E1', 'pln_1'))).to.deep.equal(validateMember(member('E1', 'pln_1'), Date.parse('2030-06-15T00:00:00Z')));
  });
});
