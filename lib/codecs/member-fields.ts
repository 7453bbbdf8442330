import * as t from 'io-ts';
import { checkDateOfBirth, type UtcToday } from './date-of-birth';
import { normalisePhone } from './phone';

// -------------------------------------------------------------------------------------
// rules
// -------------------------------------------------------------------------------------

/** The two-letter codes of the US states, DC and the US territories. */
export const US_STATE_CODES: ReadonlySet<string> = new Set(
  (
    'AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND ' +
    'OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC AS GU MP PR VI UM'
  ).split(' '),
);

/** A plan id: `pln_` and at least one character that is not white space. @internal */
export const PLAN_ID = /^pln_\S+$/;
/** A 5-digit ZIP code or ZIP+4. @internal */
export const ZIPCODE = /^\d{5}(-\d{4})?$/;
/** Something that looks like an e-mail address. @internal */
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/;

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

/** `codec`, or `null`; anything else fails with `message`. @internal */
export const nullable = <C extends t.Mixed>(codec: C, message: string) =>
  new t.Type<t.TypeOf<C> | null, t.OutputOf<C> | null, unknown>(
    `${codec.name} | null`,
    (u): u is t.TypeOf<C> | null => u === null || codec.is(u),
    (u, c) => (u === null ? t.success(null) : typeof u === 'string' ? codec.validate(u, c) : t.failure(u, c, message)),
    (a) => (a === null ? null : codec.encode(a)),
  );

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

/** A calendar date `YYYY-MM-DD`, real, from 1900-01-01 up to `today` (UTC). @internal */
export const dateOfBirth = (today: UtcToday): t.Type<string, string, unknown> =>
  refinedString('DateOfBirth', (s) => checkDateOfBirth(s, today));

/** A US phone number; decodes to its 10-digit form. @internal */
export const Phone = refinedString(
  'Phone',
  (s) => (normalisePhone(s) === undefined ? 'must be a 10-digit US phone number' : undefined),
  (s) => normalisePhone(s) as string,
);

/** A plan id, `pln_…`. @internal */
export const PlanId = refinedString('PlanId', (s) =>
  PLAN_ID.test(s) ? undefined : 'must be a plan id starting with "pln_"',
);

/** A US state or territory code, any case; decodes upper-case. @internal */
export const StateCode = refinedString(
  'StateCode',
  (s) => (US_STATE_CODES.has(s.toUpperCase()) ? undefined : 'must be a US state or territory code'),
  (s) => s.toUpperCase(),
);

/** A 5-digit ZIP code or ZIP+4. @internal */
export const Zipcode = refinedString('Zipcode', (s) =>
  ZIPCODE.test(s) ? undefined : 'must be a 5-digit ZIP code or ZIP+4',
);

/** An e-mail address. @internal */
export const Email = refinedString('Email', (s) => (EMAIL.test(s) ? undefined : 'must be an e-mail address'));
