import type { MemberInput } from '../codecs';

// The emulator checks members itself, in its own words, instead of reusing the
// client's codecs: it must catch what a faulty client lets through.

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A member the server accepts (normalised), or the problems that reject it. */
export type MemberCheck =
  | { readonly ok: true; readonly member: MemberInput }
  | { readonly ok: false; readonly problems: ReadonlyArray<string> };

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const STATES = new Set(
  (
    'AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND ' +
    'OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC AS GU MP PR VI UM'
  ).split(' '),
);

const isRecord = (u: unknown): u is Record<string, unknown> =>
  u !== null && typeof u === 'object' && !Array.isArray(u);

const typeName = (u: unknown): string => (u === null ? 'null' : Array.isArray(u) ? 'array' : typeof u);

const requiredText = (record: Record<string, unknown>, key: string, path: string, problems: string[]): string => {
  const value = record[key];
  if (value === undefined) problems.push(`${path} is required`);
  else if (typeof value !== 'string') problems.push(`${path} must be a string, got ${typeName(value)}`);
  else if (value.trim() === '') problems.push(`${path} must not be empty`);
  else return value;
  return '';
};

const optionalText = (
  record: Record<string, unknown>,
  key: string,
  path: string,
  problems: string[],
): string | null => {
  const value = record[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') {
    problems.push(`${path} must be a string or null, got ${typeName(value)}`);
    return null;
  }
  return value;
};

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Dates of birth are accepted from 1900-01-01 (UTC), as the client's codec has it. */
const EARLIEST_BIRTH_YEAR = 1900;

const checkBirthDate = (s: string, todayUtc: number): string | undefined => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return 'date_of_birth must be a date as YYYY-MM-DD';
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > (mo === 2 && isLeapYear(y) ? 29 : DAYS_IN_MONTH[mo - 1]!))
    return 'date_of_birth is not a real calendar date';
  // judged on the year first: Date.UTC would read the years 0000–0099 as 1900–1999
  if (y < EARLIEST_BIRTH_YEAR) return 'date_of_birth must not be before 1900-01-01';
  if (Date.UTC(y, mo - 1, d) > todayUtc) return 'date_of_birth must not be in the future';
  return undefined;
};

/** The start of the UTC day of an instant. */
const startOfUtcDay = (nowMs: number): number => {
  const now = new Date(nowMs);
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
};

// -------------------------------------------------------------------------------------
// validation
// -------------------------------------------------------------------------------------

/**
 * The server-side check of members at one instant `nowMs` (the emulator's
 * clock): "today" is that instant's UTC day, worked out once for the batch.
 * Each member is checked as {@link validateMember} says.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/member-validation.ts)
 * const check = memberValidator(now());
 * payload.map(check); // one MemberCheck per member
 */
export const memberValidator = (nowMs: number): ((raw: unknown) => MemberCheck) => {
  const today = startOfUtcDay(nowMs);
  return (raw) => checkMember(raw, today);
};

/**
 * The server-side check of one member of a sync payload: required strings
 * present and non-empty, `date_of_birth` a real `YYYY-MM-DD` date from
 * 1900-01-01 up to the UTC day of `nowMs`, `phone` 10 digits (spaces, dashes,
 * dots, parentheses and a leading `+1` dropped), `plan_id` a string, address
 * with `address_line_1`, `city`, a US state or territory code and a 5-digit or
 * ZIP+4 `zipcode`, `email` (if given) looking like one. Whether the plan
 * exists is the caller's check.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/member-validation.ts)
 * validateMember({ reference_id: 'E1' }, now()); // { ok: false, problems: ['first_name is required', …] }
 */
export const validateMember = (raw: unknown, nowMs: number): MemberCheck => checkMember(raw, startOfUtcDay(nowMs));

const checkMember = (raw: unknown, todayUtc: number): MemberCheck => {
  if (!isRecord(raw)) return { ok: false, problems: [`member must be an object, got ${typeName(raw)}`] };
  const problems: string[] = [];
  const reference_id = requiredText(raw, 'reference_id', 'reference_id', problems);
  const first_name = requiredText(raw, 'first_name', 'first_name', problems);
  const last_name = requiredText(raw, 'last_name', 'last_name', problems);
  const date_of_birth = requiredText(raw, 'date_of_birth', 'date_of_birth', problems);
  if (date_of_birth !== '') {
    const problem = checkBirthDate(date_of_birth, todayUtc);
    if (problem) problems.push(problem);
  }
  let phone = requiredText(raw, 'phone', 'phone', problems);
  if (phone !== '') {
    let digits = phone.replace(/[\s\-.()]/g, '');
    if (digits.startsWith('+1')) digits = digits.slice(2);
    if (/^\d{10}$/.test(digits)) phone = digits;
    else problems.push('phone must be a 10-digit US phone number');
  }
  const plan_id = requiredText(raw, 'plan_id', 'plan_id', problems);
  const email = optionalText(raw, 'email', 'email', problems);
  if (email !== null && !/^[^\s@]+@[^\s@]+\.[^\s@.]+$/.test(email)) problems.push('email must be an e-mail address');

  const address = raw['address'];
  let normalisedAddress: MemberInput['address'] | undefined;
  if (address === undefined) problems.push('address is required');
  else if (!isRecord(address)) problems.push(`address must be an object, got ${typeName(address)}`);
  else {
    const address_line_1 = requiredText(address, 'address_line_1', 'address.address_line_1', problems);
    const address_line_2 = optionalText(address, 'address_line_2', 'address.address_line_2', problems);
    const city = requiredText(address, 'city', 'address.city', problems);
    let state = requiredText(address, 'state', 'address.state', problems);
    if (state !== '') {
      if (STATES.has(state.toUpperCase())) state = state.toUpperCase();
      else problems.push('address.state must be a US state or territory code');
    }
    const zipcode = requiredText(address, 'zipcode', 'address.zipcode', problems);
    if (zipcode !== '' && !/^\d{5}(-\d{4})?$/.test(zipcode))
      problems.push('address.zipcode must be a 5-digit ZIP code or ZIP+4');
    normalisedAddress = { address_line_1, address_line_2, city, state, zipcode };
  }
  if (problems.length > 0 || normalisedAddress === undefined) return { ok: false, problems };
  return {
    ok: true,
    member: { reference_id, first_name, last_name, date_of_birth, phone, plan_id, email, address: normalisedAddress },
  };
};
