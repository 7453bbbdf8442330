/* eslint-disable @typescript-eslint/no-empty-object-type -- each codec's type is an interface named after it and derived from it (API.md, Codecs and types) */
import * as t from 'io-ts';
import { Address } from './address';
import { NonEmptyString } from './common';
import { UtcToday } from './date-of-birth';
import { memberFastPath } from './member-fast-path';
import { Email, PlanId, Phone, dateOfBirth, nullable } from './member-fields';
import { withFastPath } from './with-fast-path';

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** The structural form of `MemberInput` for a clock: the definition, which explains every failure. */
const memberInputStructure = (today: UtcToday) =>
  t.exact(
    t.intersection([
      t.type({
        reference_id: NonEmptyString,
        first_name: NonEmptyString,
        last_name: NonEmptyString,
        date_of_birth: dateOfBirth(today),
        phone: Phone,
        plan_id: PlanId,
        address: Address,
      }),
      t.partial({ email: nullable(Email, 'must be an e-mail address or null') }),
    ]),
    'MemberInput',
  );

/** `MemberInput` judging "today" by `today`: the structure, decoded through its fast path. */
const buildMemberInput = (today: UtcToday) => {
  const structure = memberInputStructure(today);
  return withFastPath(structure, memberFastPath<t.TypeOf<typeof structure>>(today));
};

/** The production clock, read when a date of birth needs today's date (not at import, not per member). */
const SYSTEM_TODAY = new UtcToday(() => Date.now());

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

/** The structural form of {@link MemberInput} (today by the system clock). @internal */
export const MemberInputStructure = memberInputStructure(SYSTEM_TODAY);

const MemberInputCodec = buildMemberInput(SYSTEM_TODAY);

/** One member of a sync batch, as sent: phone 10 digits, state upper-case, unknown keys dropped. */
export interface MemberInput extends t.TypeOf<typeof MemberInputCodec> {}

/**
 * One member of a sync batch, checked before sending. Decoding normalises the
 * phone to 10 digits and the state to upper case, and drops unknown keys: the
 * decoded value is exactly what is sent. It reads each field of the given
 * object once and returns a fresh object (never the given one, which could
 * read differently later); a value it returned comes back as it is. A failure
 * lists every problem, each with its path (`address.zipcode`) and a message a
 * person can act on. `date_of_birth` runs from 1900-01-01 up to today (UTC).
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
export const MemberInput: t.Type<MemberInput, MemberInput, unknown> = MemberInputCodec;

/**
 * `MemberInput` with "today" taken from the clock `now` (milliseconds since
 * the epoch) instead of the system clock: for tests, and for callers with a
 * clock of their own.
 *
 * @example
 * import { MemberInput } from 'vitable-connect-rx';
 * // internal (lib/codecs/member.ts)
 * // memberInputFor(() => Date.UTC(2026, 0, 15)).decode(member); // judges date_of_birth as of 2026-01-15
 *
 * @internal
 */
export const memberInputFor = (now: () => number): t.Type<MemberInput, MemberInput, unknown> =>
  buildMemberInput(new UtcToday(now));
