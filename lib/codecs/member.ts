import * as t from 'io-ts';
import { NonEmptyString } from './common';

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const refinedString = (
  name: string,
  check: (s: string) => string | undefined,
  normalise: (s: string) => string = (s) => s,
): t.Type<string, string, unknown> =>
  new t.Type<string, string, unknown>(
    name,
    (u): u is string => typeof u === 'string' && check(u) === undefined,
    (u, c) => {
      if (typeof u !== 'string')
        return t.failure(u, c, u === undefined ? 'is required' : `must be a string, got ${u === null ? 'null' : typeof u}`);
      const problem = check(u);
      return problem === undefined ? t.success(normalise(u)) : t.failure(u, c, problem);
    },
    t.identity,
  );

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** The two-letter codes of the US states, DC and the US territories. */
export const US_STATE_CODES: ReadonlySet<string> = new Set(
  (
    'AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND ' +
    'OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC AS GU MP PR VI UM'
  ).split(' '),
);

const PHONE_PUNCTUATION = /[\s\-.()]/g;

/** {@link normalisePhone} by the definition: the slow path, for strings with non-ASCII characters. */
const normalisePhoneByRegExp = (raw: string): string | undefined => {
  let digits = raw.replace(PHONE_PUNCTUATION, '');
  if (digits.startsWith('+1')) digits = digits.slice(2);
  return TEN_DIGITS.test(digits) ? digits : undefined;
};

/** The digits {@link normalisePhone} keeps, reused: the result is made in one allocation. */
const PHONE_DIGITS = new Uint16Array(10);

/**
 * The 10-digit form of a US phone number: spaces, dashes, dots and parentheses
 * dropped, then a leading `+1`; `undefined` when that does not leave 10 digits.
 *
 * Fast path: one pass over an ASCII string, keeping its digits in a reused
 * buffer and making the result in one allocation (an already normalised
 * number is returned as it is, without a copy); a string
 * with any non-ASCII character (Unicode white space is punctuation too) goes
 * through the regexp definition. A property test holds the two equal.
 *
 * @example
 * import { normalisePhone } from 'vitable-connect-rx';
 * normalisePhone('+1 (415) 555-0100'); // '4155550100'
 */
export const normalisePhone = (raw: string): string | undefined => {
  let n = 0; // digits kept in PHONE_DIGITS
  let kept = 0; // characters that are not punctuation, so far
  let plus = false;
  let verbatim = true; // every character so far is a kept digit
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      kept++;
      if (plus && kept === 2) {
        if (c !== 0x31) return undefined; // '+' not followed by '1'
        continue; // the country code is dropped
      }
      if (n === 10) return undefined; // an 11th digit: never 10 digits, whatever follows
      PHONE_DIGITS[n++] = c;
      continue;
    }
    verbatim = false;
    if (c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0x2d || c === 0x2e || c === 0x28 || c === 0x29) continue;
    if (c === 0x2b && kept === 0) {
      plus = true;
      kept++;
      continue;
    }
    if (c >= 0x80) return normalisePhoneByRegExp(raw);
    return undefined; // any other ASCII character stays and is not a digit
  }
  if (n !== 10) return undefined;
  if (verbatim) return raw; // already 10 digits: no copy
  const d = PHONE_DIGITS;
  return String.fromCharCode(d[0]!, d[1]!, d[2]!, d[3]!, d[4]!, d[5]!, d[6]!, d[7]!, d[8]!, d[9]!);
};

const TEN_DIGITS = /^\d{10}$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const DAY_MS = 86_400_000;
let todayCache = { day: NaN, iso: '' };

/** Today's date in UTC as `YYYY-MM-DD`, recomputed only when the UTC day changes. */
const todayUTC = (): string => {
  const day = Math.floor(Date.now() / DAY_MS);
  if (day !== todayCache.day) todayCache = { day, iso: new Date(day * DAY_MS).toISOString().slice(0, 10) };
  return todayCache.iso;
};

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

const checkDate = (s: string): string | undefined => {
  if (!isDateShape(s)) return 'must be a date as YYYY-MM-DD';
  const y = digitsAt(s, 0, 4);
  const mo = digitsAt(s, 5, 7);
  const d = digitsAt(s, 8, 10);
  const days = mo === 2 && isLeapYear(y) ? 29 : DAYS_IN_MONTH[mo - 1];
  if (days === undefined || d < 1 || d > days) return 'is not a real calendar date';
  // YYYY-MM-DD strings of 4-digit years order like the dates they name; a date
  // before the day last looked up is in the past without reading the clock
  if (s >= todayCache.iso && s > todayUTC()) return 'must not be in the future';
  return undefined;
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/;

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

/** A calendar date `YYYY-MM-DD`, real and not in the future (judged in UTC). */
export const DateOfBirth = refinedString('DateOfBirth', checkDate);

/** A US phone number; decodes to its 10-digit form. */
export const Phone = refinedString(
  'Phone',
  (s) => (normalisePhone(s) === undefined ? 'must be a 10-digit US phone number' : undefined),
  (s) => normalisePhone(s) as string,
);

const PLAN_ID = /^pln_\S+$/;
const ZIPCODE = /^\d{5}(-\d{4})?$/;

/** A plan id, `pln_…`. */
export const PlanId = refinedString('PlanId', (s) =>
  PLAN_ID.test(s) ? undefined : 'must be a plan id starting with "pln_"',
);

/** A US state or territory code, any case; decodes upper-case. */
export const StateCode = refinedString(
  'StateCode',
  (s) => (US_STATE_CODES.has(s.toUpperCase()) ? undefined : 'must be a US state or territory code'),
  (s) => s.toUpperCase(),
);

/** A 5-digit ZIP code or ZIP+4. */
export const Zipcode = refinedString('Zipcode', (s) =>
  ZIPCODE.test(s) ? undefined : 'must be a 5-digit ZIP code or ZIP+4',
);

/** An e-mail address (or `null`). */
export const Email = refinedString('Email', (s) =>
  EMAIL.test(s) ? undefined : 'must be an e-mail address',
);

const nullable = <C extends t.Mixed>(codec: C, message: string) =>
  new t.Type<t.TypeOf<C> | null, t.OutputOf<C> | null, unknown>(
    `${codec.name} | null`,
    (u): u is t.TypeOf<C> | null => u === null || codec.is(u),
    (u, c) => (u === null ? t.success(null) : typeof u === 'string' ? codec.validate(u, c) : t.failure(u, c, message)),
    (a) => (a === null ? null : codec.encode(a)),
  );

/**
 * A member's postal address.
 *
 * @example
 * import { Address } from 'vitable-connect-rx';
 * Address.decode({ address_line_1: '1 Main St', city: 'SF', state: 'ca', zipcode: '94102' });
 * // Right({ …, state: 'CA' })
 */
export const Address = t.exact(
  t.intersection([
    t.type({
      address_line_1: NonEmptyString,
      city: NonEmptyString,
      state: StateCode,
      zipcode: Zipcode,
    }),
    t.partial({ address_line_2: nullable(t.string, 'must be a string or null') }),
  ]),
  'Address',
);
export type Address = t.TypeOf<typeof Address>;

/** The structural form of {@link MemberInput}: the slow path that explains every failure. @internal */
export const MemberInputStructure = t.exact(
  t.intersection([
    t.type({
      reference_id: NonEmptyString,
      first_name: NonEmptyString,
      last_name: NonEmptyString,
      date_of_birth: DateOfBirth,
      phone: Phone,
      plan_id: PlanId,
      address: Address,
    }),
    t.partial({ email: nullable(Email, 'must be an e-mail address or null') }),
  ]),
  'MemberInput',
);
export type MemberInput = t.TypeOf<typeof MemberInputStructure>;

// -------------------------------------------------------------------------------------
// fast path
// -------------------------------------------------------------------------------------

type Fields = Readonly<Record<string, unknown>>;

const isFields = (u: unknown): u is Fields =>
  typeof u === 'object' && u !== null && Object.getPrototypeOf(u) === Object.prototype;

// \S is exactly what trim() keeps (white space and line terminators alike), without a copy
const NOT_BLANK = /\S/;
/**
 * A string with something besides white space. Fast path: a first character in
 * printable ASCII but space (0x21–0x7e, all \S) settles it without calling the
 * regexp engine; anything else asks {@link NOT_BLANK}.
 */
const nonEmpty = (u: unknown): u is string => {
  if (typeof u !== 'string') return false;
  const c = u.charCodeAt(0);
  return (c > 0x20 && c < 0x7f) || NOT_BLANK.test(u);
};

/**
 * Every ASCII spelling of a state code (`ca`, `Ca`, `cA`, `CA`) → the code. Fast
 * path: it upper-cases without allocating a string; a miss (say a non-ASCII
 * spelling that toUpperCase() would still map onto a code) leaves the decision
 * to toUpperCase() as before.
 */
const STATE_SPELLINGS: ReadonlyMap<string, string> = new Map(
  [...US_STATE_CODES].flatMap((code) => {
    const [a, b] = [code[0], code[1]];
    const [la, lb] = [a.toLowerCase(), b.toLowerCase()];
    return [a + b, a + lb, la + b, la + lb].map((spelling): [string, string] => [spelling, code]);
  }),
);

const MEMBER_KEYS: ReadonlySet<string> = new Set([
  ...Object.keys(MemberInputStructure.type.types[0].props),
  ...Object.keys(MemberInputStructure.type.types[1].props),
]);
const ADDRESS_KEYS: ReadonlySet<string> = new Set([
  ...Object.keys(Address.type.types[0].props),
  ...Object.keys(Address.type.types[1].props),
]);

const propertyIsEnumerable = Object.prototype.propertyIsEnumerable;

/**
 * True when the own properties of `u` are exactly `count` enumerable ones, all
 * named in `keys`: what `t.exact` keeps, nothing it would strip (a
 * non-enumerable or an unknown key, which would make io-ts copy the object).
 * The fast path then returns `u` itself, as io-ts does for a value it does not
 * change: re-validating an already decoded member allocates nothing.
 */
const hasExactlyKeys = (u: Fields, keys: ReadonlySet<string>, count: number): boolean => {
  const names = Object.getOwnPropertyNames(u);
  if (names.length !== count) return false;
  for (const name of names) if (!keys.has(name) || !propertyIsEnumerable.call(u, name)) return false;
  return true;
};

/**
 * `same`: return `u` itself when decoding would not change it; only worth its
 * cost (a list of own keys) when the member may be returned as it is.
 */
const fastAddress = (u: unknown, same: boolean): Address | undefined => {
  if (!isFields(u)) return undefined;
  const { address_line_1, city, state, zipcode, address_line_2 } = u;
  if (!nonEmpty(address_line_1) || !nonEmpty(city) || typeof state !== 'string' || typeof zipcode !== 'string')
    return undefined;
  const upper = STATE_SPELLINGS.get(state) ?? state.toUpperCase();
  if (!US_STATE_CODES.has(upper) || !ZIPCODE.test(zipcode)) return undefined;
  const line2Ok = address_line_2 === null || typeof address_line_2 === 'string';
  // already decoded (upper-case state, nothing to strip): the value itself, as io-ts returns it
  if (same && upper === state && (line2Ok || address_line_2 === undefined) && hasExactlyKeys(u, ADDRESS_KEYS, line2Ok ? 5 : 4))
    return u as Address;
  const out: { -readonly [K in keyof Address]: Address[K] } = { address_line_1, city, state: upper, zipcode };
  if (line2Ok) out.address_line_2 = address_line_2;
  else if (address_line_2 !== undefined || 'address_line_2' in u) return undefined;
  return out;
};

/**
 * Decodes a well-formed member without the generic io-ts machinery; `undefined`
 * means "not sure", and the structural codec then decides and explains. It
 * never accepts what the structural codec rejects, and it builds the same value
 * (a property test in spec/codecs holds the two together). Like io-ts, it
 * returns the input itself when decoding would not change it (an already
 * decoded member), so re-checking a batch before sending copies nothing.
 */
const fastMember = (u: unknown): MemberInput | undefined => {
  if (!isFields(u)) return undefined;
  const { reference_id, first_name, last_name, date_of_birth, phone, plan_id, address, email } = u;
  if (!nonEmpty(reference_id) || !nonEmpty(first_name) || !nonEmpty(last_name)) return undefined;
  if (typeof date_of_birth !== 'string' || checkDate(date_of_birth) !== undefined) return undefined;
  if (typeof phone !== 'string' || typeof plan_id !== 'string' || !PLAN_ID.test(plan_id)) return undefined;
  const normalisedPhone = normalisePhone(phone);
  if (normalisedPhone === undefined) return undefined;
  const emailOk = email === null || (typeof email === 'string' && EMAIL.test(email));
  const decodedAddress = fastAddress(address, normalisedPhone === phone && (emailOk || email === undefined));
  if (decodedAddress === undefined) return undefined;
  // already decoded (10-digit phone, decoded address, nothing to strip): the value itself, as io-ts returns it
  if (
    normalisedPhone === phone &&
    decodedAddress === address &&
    (emailOk || email === undefined) &&
    hasExactlyKeys(u, MEMBER_KEYS, emailOk ? 8 : 7)
  )
    return u as MemberInput;
  const out: { -readonly [K in keyof MemberInput]: MemberInput[K] } = {
    reference_id,
    first_name,
    last_name,
    date_of_birth,
    phone: normalisedPhone,
    plan_id,
    address: decodedAddress,
  };
  if (emailOk) out.email = email;
  else if (email !== undefined || 'email' in u) return undefined;
  return out;
};

/**
 * One member of a sync batch, checked before sending. Decoding normalises the
 * phone to 10 digits and the state to upper case, and drops unknown keys: the
 * decoded value is exactly what is sent. A failure lists every problem, each
 * with its path (`address.zipcode`) and a message a person can act on.
 *
 * @example
 * import { MemberInput } from 'vitable-connect-rx';
 * import { isRight } from 'fp-ts/Either';
 *
 * const decoded = MemberInput.decode({
 *   reference_id: 'EMP-001', first_name: 'Jane', last_name: 'Doe', date_of_birth: '1990-05-15',
 *   phone: '(415) 555-0100', plan_id: 'pln_abc123',
 *   address: { address_line_1: '123 Main St', city: 'San Francisco', state: 'ca', zipcode: '94102' },
 * });
 * isRight(decoded) && decoded.right.phone; // '4155550100'
 */
export const MemberInput: t.Type<MemberInput, MemberInput, unknown> = new (class extends t.Type<
  MemberInput,
  MemberInput,
  unknown
> {
  /** Fast path: a well-formed member skips building the default context that `validate` would ignore. */
  override decode(u: unknown): t.Validation<MemberInput> {
    const fast = fastMember(u);
    return fast !== undefined ? t.success(fast) : super.decode(u);
  }
})(
  'MemberInput',
  MemberInputStructure.is,
  (u, c) => {
    const fast = fastMember(u);
    return fast !== undefined
      ? t.success(fast)
      : MemberInputStructure.validate(u, t.appendContext(c, '', MemberInputStructure, u));
  },
  MemberInputStructure.encode,
);
