import * as t from 'io-ts';
import type { Address } from './address';
import { checkDateOfBirth, type UtcToday } from './date-of-birth';
import { EMAIL, PLAN_ID, US_STATE_CODES, ZIPCODE } from './member-fields';
import { normalisePhone } from './phone';
import type { FastPath, Provenance } from './with-fast-path';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

type Fields = Record<string, unknown>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The keys of a member and of its address: what the structure reads and keeps (a spec holds them equal to its props). */
export const MEMBER_KEYS: ReadonlySet<string> = new Set([
  'reference_id',
  'first_name',
  'last_name',
  'date_of_birth',
  'phone',
  'plan_id',
  'address',
  'email',
]);
export const ADDRESS_KEYS: ReadonlySet<string> = new Set([
  'address_line_1',
  'city',
  'state',
  'zipcode',
  'address_line_2',
]);

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const hasOwnProperty = Object.prototype.hasOwnProperty;

/** What `t.type` and `t.partial` read into (`t.UnknownRecord`): anything else they reject whole, unread. */
const isRecord = (u: unknown): u is Fields => t.UnknownRecord.is(u);

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
 * Every ASCII spelling of a state code (`ca`, `Ca`, `cA`, `CA`) → the code. It
 * upper-cases without allocating a string; a miss (say a non-ASCII spelling
 * that toUpperCase() would still map onto a code) leaves the decision to
 * toUpperCase().
 */
const STATE_SPELLINGS: ReadonlyMap<string, string> = new Map(
  [...US_STATE_CODES].flatMap((code) => {
    const [a, b] = [code[0]!, code[1]!];
    const [la, lb] = [a.toLowerCase(), b.toLowerCase()];
    return [a + b, a + lb, la + b, la + lb].map((spelling): [string, string] => [spelling, code]);
  }),
);

/**
 * True when the own enumerable properties of `u`, a value the codec returned,
 * are exactly `count`, all named in `keys`: nothing `t.exact` would strip (an
 * unknown key someone added since). `Object.keys` rather than
 * `Object.getOwnPropertyNames`: the latter leaves V8's fast path on an object
 * with a private field (the provenance stamp) and costs about a microsecond.
 * So a non-enumerable key added to a returned value is not seen, and the value
 * comes back with it where io-ts would strip it: what is sent is the same (JSON
 * never shows such a key). A returned value is trusted to stay plain data:
 * redefining its properties (say as accessors) voids the read-once guarantee.
 */
const hasExactlyKeys = (u: Fields, keys: ReadonlySet<string>, count: number): boolean => {
  const names = Object.keys(u);
  if (names.length !== count) return false;
  for (const name of names) if (!keys.has(name)) return false;
  return true;
};

// -------------------------------------------------------------------------------------
// snapshot
// -------------------------------------------------------------------------------------

/** An optional key is kept when it holds a value or is an own key (io-ts keeps an own `undefined`). */
const keepsOptional = (u: Fields, key: string, value: unknown): boolean =>
  value !== undefined || hasOwnProperty.call(u, key);

const snapshotAddress = (u: unknown): unknown => {
  if (!isRecord(u)) return u;
  const s: Fields = {
    address_line_1: u['address_line_1'],
    city: u['city'],
    state: u['state'],
    zipcode: u['zipcode'],
  };
  const line2 = u['address_line_2'];
  if (keepsOptional(u, 'address_line_2', line2)) s['address_line_2'] = line2;
  return s;
};

/** Reads each field the structure reads once, into a fresh plain object (an address into another). */
const snapshotMember = (u: unknown): unknown => {
  if (!isRecord(u)) return u;
  const s: Fields = {
    reference_id: u['reference_id'],
    first_name: u['first_name'],
    last_name: u['last_name'],
    date_of_birth: u['date_of_birth'],
    phone: u['phone'],
    plan_id: u['plan_id'],
    address: snapshotAddress(u['address']),
  };
  const email = u['email'];
  if (keepsOptional(u, 'email', email)) s['email'] = email;
  return s;
};

// -------------------------------------------------------------------------------------
// checks
// -------------------------------------------------------------------------------------

/** An own address (snapshot or decoded before), decoded; see {@link FastPath.check} for `fresh`. */
const checkAddress = (u: unknown, fresh: boolean, p: Provenance): Address | undefined => {
  // a snapshot's address is a copy when it is a record; a value the codec returned holds only its own
  if (fresh ? !isRecord(u) : typeof u !== 'object' || u === null || !p.owns(u)) return undefined;
  const a = u as Fields;
  const { address_line_1, city, state, zipcode } = a;
  if (!nonEmpty(address_line_1) || !nonEmpty(city) || typeof state !== 'string' || typeof zipcode !== 'string')
    return undefined;
  const upper = STATE_SPELLINGS.get(state) ?? state.toUpperCase();
  if (!US_STATE_CODES.has(upper) || !ZIPCODE.test(zipcode)) return undefined;
  const hasLine2 = 'address_line_2' in a;
  const line2 = a['address_line_2'];
  // an own undefined is kept, as io-ts keeps it; a wrong type is the structure's to explain
  if (line2 !== undefined && line2 !== null && typeof line2 !== 'string') return undefined;
  if (fresh) {
    if (upper !== state) a['state'] = upper;
    return p.adopt(a as Mutable<Address>);
  }
  return upper === state && hasExactlyKeys(a, ADDRESS_KEYS, hasLine2 ? 5 : 4) ? (a as Address) : undefined;
};

/** An own member (snapshot or decoded before), decoded; see {@link FastPath.check} for `fresh`. */
const checkMember =
  (today: UtcToday) =>
  <M>(own: unknown, fresh: boolean, p: Provenance): M | undefined => {
    const m = own as Fields; // a snapshot (a plain copy) or a value the codec returned: a plain object either way
    const { reference_id, first_name, last_name, date_of_birth, phone, plan_id } = m;
    if (!nonEmpty(reference_id) || !nonEmpty(first_name) || !nonEmpty(last_name)) return undefined;
    if (typeof date_of_birth !== 'string' || checkDateOfBirth(date_of_birth, today) !== undefined) return undefined;
    if (typeof phone !== 'string' || typeof plan_id !== 'string' || !PLAN_ID.test(plan_id)) return undefined;
    const normalisedPhone = normalisePhone(phone);
    if (normalisedPhone === undefined) return undefined;
    const hasEmail = 'email' in m;
    const email = m['email'];
    if (email !== undefined && email !== null && (typeof email !== 'string' || !EMAIL.test(email))) return undefined;
    const address = checkAddress(m['address'], fresh, p);
    if (address === undefined) return undefined;
    if (fresh) {
      if (normalisedPhone !== phone) m['phone'] = normalisedPhone;
      return m as M;
    }
    return normalisedPhone === phone && hasExactlyKeys(m, MEMBER_KEYS, hasEmail ? 8 : 7) ? (m as M) : undefined;
  };

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The fast path of `MemberInput` for {@link withFastPath}: a snapshot of the
 * member's fields and address, then a check of it that normalises the phone
 * and the state in place. It never accepts what the structure rejects and
 * builds the same value; whatever it is unsure of (a wrong type of `email` or
 * `address_line_2`, any failure) goes to the structure, which
 * decides on the same snapshot and explains. Property tests in
 * spec/codecs/member-fast-path.spec.ts hold it to the structure.
 *
 * @example
 * import { MemberInput } from 'vitable-connect-rx';
 * // internal (lib/codecs/member-fast-path.ts): MemberInput = withFastPath(structure, memberFastPath(today))
 * MemberInput.decode({}); // Left
 *
 * @internal
 */
export const memberFastPath = <M>(today: UtcToday): FastPath<M> => ({
  snapshot: snapshotMember,
  check: checkMember(today)<M>,
  adoptNested: (member, p) => {
    const address = (member as Fields)['address'];
    if (typeof address === 'object' && address !== null) p.adopt(address);
  },
});
