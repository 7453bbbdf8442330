// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

const DAY_MS = 86_400_000;

/** The earliest date of birth accepted, by the client and the emulator alike. */
export const EARLIEST_DATE_OF_BIRTH = '1900-01-01';

/**
 * Today's date in UTC, read from an injected clock and recomputed only when
 * the UTC day changes. It also remembers the last day it looked up, so a date
 * before it is known to be in the past without reading the clock again.
 *
 * @internal
 */
export class UtcToday {
  private day = Number.NaN;
  /** The last day looked up, `YYYY-MM-DD` (`''` before the first look-up). */
  private known = '';

  /** @param now the clock, in milliseconds since the epoch (`Date.now` in production, a fixed value in tests) */
  constructor(private readonly now: () => number) {}

  /** Today's date in UTC as `YYYY-MM-DD`. */
  iso(): string {
    const day = Math.floor(this.now() / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.known = new Date(day * DAY_MS).toISOString().slice(0, 10);
    }
    return this.known;
  }

  /** True when the `YYYY-MM-DD` date `s` (4-digit year) is after today. */
  isAfterToday(s: string): boolean {
    // YYYY-MM-DD strings of 4-digit years order like the dates they name
    return s >= this.known && s > this.iso();
  }
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** The number written by the ASCII digits `s[from, to)` (the caller checked they are digits). */
const digitsAt = (s: string, from: number, to: number): number => {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + (s.charCodeAt(i) - 48);
  return n;
};

/** True when `s` is `YYYY-MM-DD` in ASCII digits (`/^\d{4}-\d{2}-\d{2}$/`, checked without the regexp engine). */
const isDateShape = (s: string): boolean => {
  if (s.length !== 10 || s.charCodeAt(4) !== 0x2d || s.charCodeAt(7) !== 0x2d) return false;
  for (let i = 0; i < 10; i++) {
    if (i === 4 || i === 7) continue;
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
};

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * What is wrong with `s` as a date of birth, or `undefined` when it is a real
 * `YYYY-MM-DD` calendar date from {@link EARLIEST_DATE_OF_BIRTH} up to `today`
 * (UTC), both included.
 *
 * @example
 * import { MemberInput } from 'vitable-connect-rx';
 * // internal (lib/codecs/date-of-birth.ts): the rule MemberInput applies to date_of_birth
 * // checkDateOfBirth('1899-12-31', new UtcToday(Date.now)); // 'must be on or after 1900-01-01'
 *
 * @internal
 */
export const checkDateOfBirth = (s: string, today: UtcToday): string | undefined => {
  if (!isDateShape(s)) return 'must be a date as YYYY-MM-DD';
  const y = digitsAt(s, 0, 4);
  const mo = digitsAt(s, 5, 7);
  const d = digitsAt(s, 8, 10);
  const days = mo === 2 && isLeapYear(y) ? 29 : DAYS_IN_MONTH[mo - 1];
  if (days === undefined || d < 1 || d > days) return 'is not a real calendar date';
  if (s < EARLIEST_DATE_OF_BIRTH) return `must be on or after ${EARLIEST_DATE_OF_BIRTH}`;
  if (today.isAfterToday(s)) return 'must not be in the future';
  return undefined;
};
