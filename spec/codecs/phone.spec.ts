import { expect } from 'chai';
import fc from 'fast-check';
import { normalisePhone } from '../../lib/codecs/phone';

describe('normalisePhone', () => {
  // The definition, as documented: drop white space, '-', '.', '(' and ')', then a leading '+1'; 10 digits or nothing.
  const byDefinition = (raw: string): string | undefined => {
    let digits = raw.replace(/[\s\-.()]/g, '');
    if (digits.startsWith('+1')) digits = digits.slice(2);
    return /^\d{10}$/.test(digits) ? digits : undefined;
  };
  const parts = ['0', '1', '9', ' ', '-', '.', '(', ')', '+', '+1', '\t', '\n', '\v', '\f', '\r', '\x1f', 'a', '/', '\u00a0', '\u2028', '\uFEFF', '٤', '１'];
  // the ten digits of a number with 0 to 2 parts before each of them and after the last
  const nearlyPhone = fc
    .array(fc.array(fc.constantFrom(...parts), { maxLength: 2 }), { minLength: 11, maxLength: 11 })
    .map((junk) => junk.map((j, i) => j.join('') + ('4155550100'[i] ?? '')).join(''));

  it('equals its definition for any mix of digits, punctuation, plus signs and other characters (property)', () => {
    fc.assert(
      fc.property(fc.oneof(nearlyPhone, fc.array(fc.constantFrom(...parts, '415'), { maxLength: 16 }).map((a) => a.join('')), fc.string()), (raw) => {
        expect(normalisePhone(raw)).to.equal(byDefinition(raw));
      }),
      { numRuns: 5000 },
    );
  });

  it('normalises the usual US formats and returns an already normalised number as it is', () => {
    for (const raw of ['4155550100', '(415) 555-0100', '+1 415.555.0100', '+1 (415) 555 0100', '415\u00a0555\u00a00100'])
      expect(normalisePhone(raw)).to.equal('4155550100');
    for (const raw of ['555-0100', '1-415-555-0100', '+2 415 555 0100', '+1+1 415 555 0100', '1+415555010', '415+5550100', '415-555-01OO', ''])
      expect(normalisePhone(raw)).to.equal(undefined);
  });
});
