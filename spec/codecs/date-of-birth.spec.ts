import { expect } from 'chai';
import fc from 'fast-check';
import { EARLIEST_DATE_OF_BIRTH, UtcToday, checkDateOfBirth } from '../../lib/codecs/date-of-birth';

const DAY = 86_400_000;
const AT = Date.UTC(2026, 0, 15, 12); // 2026-01-15, midday UTC

describe('UtcToday', () => {
  it("gives the clock's date in UTC and follows the clock across midnight", () => {
    let now = Date.UTC(2026, 0, 15, 23, 59, 59, 999);
    const today = new UtcToday(() => now);
    expect(today.iso()).to.equal('2026-01-15');
    now += 1;
    expect(today.iso()).to.equal('2026-01-16');
  });

  it('does not read the clock for a date before the last day it looked up', () => {
    let reads = 0;
    const today = new UtcToday(() => (reads++, AT));
    expect(today.isAfterToday('2026-01-16')).to.equal(true);
    const after = reads;
    expect(today.isAfterToday('1990-05-15')).to.equal(false);
    expect(today.isAfterToday('2026-01-14')).to.equal(false);
    expect(reads).to.equal(after);
    expect(today.isAfterToday('2026-01-15')).to.equal(false); // today itself is not after today
  });
});

describe('checkDateOfBirth', () => {
  const today = new UtcToday(() => AT);
  const check = (s: string) => checkDateOfBirth(s, today);

  it('accepts a real YYYY-MM-DD date from 1900-01-01 up to today, both included', () => {
    for (const ok of [EARLIEST_DATE_OF_BIRTH, '1900-02-28', '2000-02-29', '2024-02-29', '1990-05-15', '2026-01-15'])
      expect(check(ok), ok).to.equal(undefined);
  });

  it('refuses years 0000 to 1899 with a message naming the earliest date', () => {
    expect(EARLIEST_DATE_OF_BIRTH).to.equal('1900-01-01');
    for (const old of ['0000-01-01', '0000-02-29', '0099-12-31', '1000-06-15', '1899-12-31'])
      expect(check(old), old).to.equal('must be on or after 1900-01-01');
  });

  it('refuses a date after today, a date that is not in the calendar, and anything not YYYY-MM-DD', () => {
    expect(check('2026-01-16')).to.equal('must not be in the future');
    expect(check('9999-12-31')).to.equal('must not be in the future');
    for (const bad of ['1900-02-29', '2023-02-29', '1990-04-31', '1990-13-01', '1990-00-10', '1990-01-00'])
      expect(check(bad), bad).to.equal('is not a real calendar date');
    for (const bad of ['1990-5-15', '1990/05/15', '19900515', ' 1990-05-15', '1990-05-1\u0665', '１９９０-05-15'])
      expect(check(bad), bad).to.equal('must be a date as YYYY-MM-DD');
  });

  it('agrees with Date for every day from 1900 to today, and refuses what Date would roll over (property)', () => {
    const earliest = Date.UTC(1900, 0, 1);
    fc.assert(
      fc.property(fc.integer({ min: Math.floor(earliest / DAY) - 400, max: Math.floor(AT / DAY) + 400 }), fc.integer({ min: 28, max: 31 }), (day, dom) => {
        const iso = new Date(day * DAY).toISOString().slice(0, 10);
        const expected = day * DAY < earliest ? 'must be on or after 1900-01-01' : day * DAY > AT ? 'must not be in the future' : undefined;
        expect(check(iso)).to.equal(expected);
        // the same month with day `dom`: real only when Date does not roll it into the next month
        const probe = `${iso.slice(0, 8)}${String(dom)}`;
        const real = new Date(`${probe}T00:00:00Z`).toISOString().slice(0, 10) === probe;
        if (!real) expect(check(probe)).to.equal('is not a real calendar date');
      }),
      { numRuns: 2000 },
    );
  });
});
