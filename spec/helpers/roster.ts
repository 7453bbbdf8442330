// Deterministic roster generators for specs, the CLI's tests and the benches.
//
// A roster is a sequence of raw members (what a CSV parser or a database would
// hand over). Each entry has a kind, so a test can say what should become of it:
//   valid         passes local validation and syncs
//   unknown-plan  passes local validation, the server fails it ("Invalid plan_id")
//   invalid       fails local validation (one of several faults, in turn)
//   repeat        repeats the reference_id of an earlier locally-valid member
import { mulberry32 } from '../../lib/internal/mulberry32';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export type RosterEntryKind = 'valid' | 'unknown-plan' | 'invalid' | 'repeat';

export interface RosterEntry {
  /** Position in the roster (0-based). */
  readonly index: number;
  readonly kind: RosterEntryKind;
  /** The raw member as a source would yield it. */
  readonly member: unknown;
  /** Its reference_id when it has a usable one. */
  readonly referenceId?: string;
}

export interface RosterOptions {
  /** Number of entries. */
  readonly size: number;
  /** Seed of the generator (default 1): the same options always give the same roster. */
  readonly seed?: number;
  /** Share of invalid entries, 0..1 (default 0). */
  readonly invalidRate?: number;
  /** Share of entries repeating an earlier reference_id, 0..1 (default 0). */
  readonly repeatRate?: number;
  /** Share of entries with a `pln_` plan the server does not know, 0..1 (default 0). */
  readonly unknownPlanRate?: number;
  /** Plans to use for valid members (default `['pln_demo_basic']`). */
  readonly planIds?: ReadonlyArray<string>;
  /** Prefix of reference ids (default `EMP`). */
  readonly prefix?: string;
}

/** What a correct sync of a roster (into an empty group) must end with. */
export interface RosterExpectation {
  readonly read: number;
  readonly invalid: number;
  /** Members the server rejects (unknown plans). */
  readonly serverFailed: number;
  readonly synced: number;
  /** reference_ids that must end up in the group. */
  readonly syncedReferenceIds: ReadonlySet<string>;
}

/** A plan id no emulator organization has. */
export const UNKNOWN_PLAN_ID = 'pln_does_not_exist';

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** A small seeded PRNG (mulberry32), numbers in [0, 1). */
export const seededRandom = mulberry32;

const FIRST = ['Jane', 'John', 'Ana', 'Li', 'Omar', 'Zoë', 'Priya', 'Kwame', 'Sofía', 'Mateo'];
const LAST = ['Doe', 'Smith', 'García', 'Nguyen', 'Okafor', 'Kowalski', 'Haddad', 'Tanaka'];
const STATES = ['CA', 'ny', 'TX', 'wa', 'IL', 'PR'];

/** A valid raw member number `i` (phone punctuated, state sometimes lower-case: the codec normalises). */
export const makeMember = (i: number, planId = 'pln_demo_basic', prefix = 'EMP'): Record<string, unknown> => ({
  reference_id: `${prefix}-${String(i).padStart(6, '0')}`,
  first_name: FIRST[i % FIRST.length],
  last_name: LAST[i % LAST.length],
  date_of_birth: `19${50 + (i % 50)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
  phone: `(415) 555-${String(i % 10000).padStart(4, '0')}`,
  plan_id: planId,
  ...(i % 3 === 0 ? { email: `member${i}@example.com` } : {}),
  address: {
    address_line_1: `${1 + (i % 999)} Main Street`,
    city: 'Springfield',
    state: STATES[i % STATES.length],
    zipcode: i % 5 === 0 ? '94102-1234' : '94102',
    ...(i % 4 === 0 ? { address_line_2: `Apt ${i % 50}` } : {}),
  },
});

/** The faults {@link makeInvalidMember} cycles through. */
export const INVALID_FAULTS = [
  'missing first_name',
  'date in the future',
  'bad phone',
  'bad zipcode',
  'bad state',
  'plan without pln_',
  'blank reference_id',
  'not an object',
] as const;

/** An invalid raw member number `i`: `INVALID_FAULTS[i % length]`. */
export const makeInvalidMember = (i: number, prefix = 'BAD'): unknown => {
  const base = makeMember(i, 'pln_demo_basic', prefix);
  const fault = INVALID_FAULTS[i % INVALID_FAULTS.length];
  switch (fault) {
    case 'missing first_name': {
      const { first_name: _omit, ...rest } = base;
      return rest;
    }
    case 'date in the future':
      return { ...base, date_of_birth: '2999-01-01' };
    case 'bad phone':
      return { ...base, phone: '555-0100' };
    case 'bad zipcode':
      return { ...base, address: { ...(base['address'] as object), zipcode: '9410' } };
    case 'bad state':
      return { ...base, address: { ...(base['address'] as object), state: 'ZZ' } };
    case 'plan without pln_':
      return { ...base, plan_id: 'plan_123' };
    case 'blank reference_id':
      return { ...base, reference_id: '   ' };
    default:
      return `row ${i}`;
  }
};

/**
 * The entries of a deterministic roster. Lazy: a million entries cost no memory
 * beyond the reference ids kept to make repeats.
 */
export function* rosterEntries(options: RosterOptions): Generator<RosterEntry> {
  const random = seededRandom(options.seed ?? 1);
  const plans = options.planIds ?? ['pln_demo_basic'];
  const prefix = options.prefix ?? 'EMP';
  const invalidRate = options.invalidRate ?? 0;
  const repeatRate = options.repeatRate ?? 0;
  const unknownRate = options.unknownPlanRate ?? 0;
  const sendable: string[] = []; // locally valid reference ids so far (repeats pick among them)
  for (let index = 0; index < options.size; index++) {
    const r = random();
    if (r < invalidRate) {
      const member = makeInvalidMember(index, `${prefix}X`);
      const ref =
        member !== null && typeof member === 'object' ? (member as { reference_id?: unknown }).reference_id : undefined;
      yield {
        index,
        kind: 'invalid',
        member,
        ...(typeof ref === 'string' && ref.trim() !== '' ? { referenceId: ref } : {}),
      };
    } else if (r < invalidRate + repeatRate && sendable.length > 0) {
      const ref = sendable[Math.floor(random() * sendable.length)]!;
      const member = { ...makeMember(index, plans[0], prefix), reference_id: ref };
      yield { index, kind: 'repeat', member, referenceId: ref };
    } else if (r < invalidRate + repeatRate + unknownRate) {
      const member = makeMember(index, UNKNOWN_PLAN_ID, prefix);
      sendable.push(member['reference_id'] as string);
      yield { index, kind: 'unknown-plan', member, referenceId: member['reference_id'] as string };
    } else {
      const member = makeMember(index, plans[index % plans.length], prefix);
      sendable.push(member['reference_id'] as string);
      yield { index, kind: 'valid', member, referenceId: member['reference_id'] as string };
    }
  }
}

/** The raw members of a deterministic roster (see {@link rosterEntries}). */
export function* roster(options: RosterOptions): Generator<unknown> {
  for (const entry of rosterEntries(options)) yield entry.member;
}

/** The same roster as an async generator (like a database cursor). */
export async function* asyncRoster(options: RosterOptions): AsyncGenerator<unknown> {
  for (const entry of rosterEntries(options)) yield entry.member;
}

/** What syncing the roster into an empty group must produce. */
export const rosterExpectation = (options: RosterOptions): RosterExpectation => {
  let read = 0;
  let invalid = 0;
  let serverFailed = 0;
  const syncedReferenceIds = new Set<string>();
  for (const e of rosterEntries(options)) {
    read++;
    if (e.kind === 'invalid' || e.kind === 'repeat') invalid++;
    else if (e.kind === 'unknown-plan') serverFailed++;
    else syncedReferenceIds.add(e.referenceId!);
  }
  return { read, invalid, serverFailed, synced: syncedReferenceIds.size, syncedReferenceIds };
};
