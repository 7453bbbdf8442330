/**
 * Lazy roster generators for the benchmarks and the soak. Members are made one
 * at a time from their index (no array is ever built), so a 1,000,000-member
 * roster costs the generator nothing but the member being produced.
 *
 * The soak generator also knows, independently of the library's validator,
 * which members it made invalid, repeated or unknown to the server, so the
 * soak can check the library's accounting against ground truth.
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A member exactly as the library sends it after validation (normalised). */
export interface ExpectedMember {
  readonly reference_id: string;
  readonly first_name: string;
  readonly last_name: string;
  readonly date_of_birth: string;
  readonly phone: string;
  readonly plan_id: string;
  readonly email?: string | null;
  readonly address: {
    readonly address_line_1: string;
    readonly address_line_2?: string | null;
    readonly city: string;
    readonly state: string;
    readonly zipcode: string;
  };
}

/** What the soak generator made member `index` to be. */
export type SoakKind =
  /** valid; must end up in the group */
  | 'valid'
  /** fails local validation (bad field) */
  | 'invalid'
  /** repeats an earlier reference_id (with other fields): invalid at this occurrence */
  | 'duplicate'
  /** valid locally, but its plan_id is unknown to the server: a server failure */
  | 'unknown-plan';

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const STATES = ['CA', 'ny', 'TX', 'wa', 'IL', 'Fl', 'MA', 'co', 'PR', 'dc'];
const FIRST = ['Jane', 'John', 'Maria', 'Wei', 'Amara', 'Lucas', 'Priya', 'Omar', 'Sofia', 'Kenji'];
const LAST = ['Doe', 'Smith', 'Garcia', 'Chen', 'Okafor', 'Silva', 'Patel', 'Haddad', 'Rossi', 'Tanaka'];

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** The reference id of member `index`. */
export const referenceId = (index: number): string => `EMP-${pad(index, 7)}`;

const digits = (index: number): string => `415${pad(index % 10_000_000, 7)}`;

const formattedPhone = (index: number): string => {
  const d = digits(index);
  switch (index % 3) {
    case 0:
      return d;
    case 1:
      return `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`;
    default:
      return `+1 ${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6)}`;
  }
};

/**
 * The raw (un-normalised) member `index`: phone in one of three formats, state
 * in mixed case, e-mail present, `null` or absent.
 */
export const rawMember = (index: number, planId: string): Record<string, unknown> => {
  const email = index % 3 === 0 ? `emp${index}@example.com` : index % 3 === 1 ? null : undefined;
  const member: Record<string, unknown> = {
    reference_id: referenceId(index),
    first_name: FIRST[index % FIRST.length],
    last_name: LAST[(index >> 3) % LAST.length],
    date_of_birth: `19${50 + (index % 50)}-${pad(1 + (index % 12), 2)}-${pad(1 + (index % 28), 2)}`,
    phone: formattedPhone(index),
    plan_id: planId,
    address: {
      address_line_1: `${1 + (index % 9999)} Main Street`,
      ...(index % 4 === 0 ? { address_line_2: `Apt ${index % 100}` } : {}),
      city: 'Springfield',
      state: STATES[index % STATES.length],
      zipcode: index % 5 === 0 ? `${pad(index % 100_000, 5)}-1234` : pad(index % 100_000, 5),
    },
  };
  if (email !== undefined) member.email = email;
  return member;
};

/** What member `index` must look like once the library has normalised it. */
export const expectedMember = (index: number, planId: string): ExpectedMember => {
  const raw = rawMember(index, planId);
  const address = raw.address as Record<string, string>;
  return {
    ...(raw as unknown as ExpectedMember),
    phone: digits(index),
    address: { ...address, state: address.state.toUpperCase() } as ExpectedMember['address'],
  };
};

/**
 * `count` valid members, made lazily.
 *
 * @example
 * for (const m of validMembers(3, ['pln_1'])) console.log(m.reference_id);
 */
export function* validMembers(count: number, planIds: ReadonlyArray<string>): Generator<Record<string, unknown>> {
  for (let i = 0; i < count; i++) yield rawMember(i, planIds[i % planIds.length]);
}

// -------------------------------------------------------------------------------------
// soak roster
// -------------------------------------------------------------------------------------

/** Distance back to the member a duplicate repeats. */
export const DUPLICATE_OF = 5;

/** What the soak generator makes member `index` (pure; the ground truth). */
export const soakKind = (index: number): SoakKind =>
  index >= DUPLICATE_OF && index % 211 === 0 && baseKind(index - DUPLICATE_OF) === 'valid'
    ? 'duplicate'
    : baseKind(index);

const baseKind = (index: number): SoakKind =>
  index % 97 === 0 ? 'invalid' : index % 499 === 0 ? 'unknown-plan' : 'valid';

/** The plan id soak member `index` carries when it is not of kind `unknown-plan`. */
export const soakPlan = (index: number, planIds: ReadonlyArray<string>): string => planIds[index % planIds.length];

const breakMember = (member: Record<string, unknown>, index: number): Record<string, unknown> => {
  const address = member.address as Record<string, unknown>;
  switch (index % 5) {
    case 0:
      return { ...member, address: { ...address, zipcode: '9410' } };
    case 1:
      return { ...member, date_of_birth: '2999-01-01' };
    case 2:
      return { ...member, phone: '555-0100' };
    case 3:
      return { ...member, first_name: '   ' };
    default:
      return { ...member, plan_id: 'plan_without_prefix' };
  }
};

/**
 * The soak roster: mostly valid members, about 1% invalid, about 0.5% repeated
 * reference ids (carrying other fields, so sending one would show in the
 * group) and about 0.2% with a plan the server does not know.
 */
export function* soakMembers(count: number, planIds: ReadonlyArray<string>): Generator<Record<string, unknown>> {
  for (let i = 0; i < count; i++) {
    const kind = soakKind(i);
    if (kind === 'duplicate') {
      yield { ...rawMember(i - DUPLICATE_OF, soakPlan(i - DUPLICATE_OF, planIds)), first_name: 'Impostor' };
    } else if (kind === 'invalid') {
      yield breakMember(rawMember(i, soakPlan(i, planIds)), i);
    } else if (kind === 'unknown-plan') {
      yield rawMember(i, 'pln_unknown_to_the_server');
    } else {
      yield rawMember(i, soakPlan(i, planIds));
    }
  }
}
