import type { MemberFailure, SyncReport } from '../pipelines/sync-events';
import { mulberry32 } from '../internal/mulberry32';

/** A problem planted in the demo roster on purpose, and how it must be reported. */
export interface PlantedProblem {
  readonly index: number;
  /** `validation`: rejected before sending; `server`: sent and refused by the server. */
  readonly stage: 'validation' | 'server';
  readonly what: string;
}

/** A generated roster: the members (made lazily) and the problems planted in it. */
export interface DemoRoster {
  readonly members: Iterable<Record<string, unknown>>;
  readonly planted: ReadonlyArray<PlantedProblem>;
}

const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Donald',
  'Margaret',
  'Ken',
  'Radia',
  'Linus',
];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Hamilton',
  'Thompson',
  'Perlman',
];
const PLACES: ReadonlyArray<readonly [string, string, string]> = [
  ['San Francisco', 'CA', '94102'],
  ['Austin', 'TX', '78701'],
  ['Brooklyn', 'NY', '11201'],
  ['Denver', 'CO', '80202'],
  ['Seattle', 'WA', '98101'],
  ['San Juan', 'pr', '00901'],
];

/** The kinds of problem planted, in order; each needs an index of its own. */
const PROBLEMS: ReadonlyArray<PlantedProblem['what']> = [
  'phone with too few digits',
  'date of birth in the future',
  'unknown state code',
  'reference_id repeated from the first member',
  'empty last name',
  'plan unknown to the server',
];


/**
 * Generates the demo roster: `size` plausible members on the given plans,
 * made one at a time as they are pulled, with a few problems planted on
 * purpose (a bad phone, a future birth date, an unknown state, a repeated
 * `reference_id`, an empty name: rejected before sending; and a plan the
 * server does not know: refused by the server). Up to six problems, fewer for
 * tiny rosters (at most a third of the members), spread evenly.
 *
 * @internal
 * @example
 * const roster = demoRoster(10_000, ['pln_demo_basic'], 42);
 * roster.planted.length; // 6
 */
export const demoRoster = (
  size: number,
  planIds: ReadonlyArray<string>,
  seed = 20260115,
): DemoRoster => {
  const count = Math.min(PROBLEMS.length, Math.floor(size / 3));
  const planted: PlantedProblem[] = PROBLEMS.slice(0, count).map((what, k) => ({
    index: Math.floor(((k + 1) * size) / (count + 1)),
    stage: what === 'plan unknown to the server' ? 'server' : 'validation',
    what,
  }));
  const byIndex = new Map(planted.map((p) => [p.index, p.what]));
  const plans = planIds.length > 0 ? planIds : ['pln_demo_basic'];

  function* members(): Generator<Record<string, unknown>> {
    const random = mulberry32(seed);
    const pick = <A>(xs: ReadonlyArray<A>): A => xs[Math.floor(random() * xs.length)]!;
    for (let i = 0; i < size; i++) {
      const [city, state, zipcode] = pick(PLACES);
      const year = 1950 + Math.floor(random() * 55);
      const month = 1 + Math.floor(random() * 12);
      const day = 1 + Math.floor(random() * 28);
      const first = pick(FIRST);
      const last = pick(LAST);
      const member: Record<string, unknown> = {
        reference_id: `DEMO-${String(i).padStart(6, '0')}`,
        first_name: first,
        last_name: last,
        date_of_birth: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
        phone: `(415) 555-${String(i % 10_000).padStart(4, '0')}`,
        plan_id: pick(plans),
        email: random() < 0.8 ? `${first}.${last}.${i}@example.com`.toLowerCase() : null,
        address: { address_line_1: `${1 + (i % 9_999)} Market Street`, city, state, zipcode },
      };
      switch (byIndex.get(i)) {
        case 'phone with too few digits':
          member['phone'] = '555-0100';
          break;
        case 'date of birth in the future':
          member['date_of_birth'] = '2999-01-01';
          break;
        case 'unknown state code':
          member['address'] = { ...(member['address'] as object), state: 'ZZ' };
          break;
        case 'reference_id repeated from the first member':
          member['reference_id'] = 'DEMO-000000';
          break;
        case 'empty last name':
          member['last_name'] = '   ';
          break;
        case 'plan unknown to the server':
          member['plan_id'] = 'pln_retired_2019';
          break;
        default:
          break;
      }
      yield member;
    }
  }

  return { members: { [Symbol.iterator]: members }, planted };
};

/**
 * Compares a demo's report with the problems planted: every planted problem
 * reported at its place and stage, nothing else failed, and the counts add up.
 * Returns the mismatches (none when the demo went as expected).
 *
 * @internal
 * @example
 * checkDemoReport(report, roster.planted, 10_000); // []
 */
export const checkDemoReport = (
  report: SyncReport,
  planted: ReadonlyArray<PlantedProblem>,
  size: number,
): string[] => {
  const problems: string[] = [];
  const key = (f: Pick<MemberFailure, 'index' | 'stage'>): string => `${f.stage}@${f.index ?? '?'}`;
  const expected = new Set(planted.map(key));
  const actual = new Set(report.failures.map(key));
  for (const p of planted)
    if (!actual.has(key(p)))
      problems.push(`planted problem not reported: ${p.what} (member ${p.index}, ${p.stage})`);
  for (const f of report.failures)
    if (!expected.has(key(f)))
      problems.push(
        `unexpected failure: member ${f.index ?? '?'} ${f.reference_id ?? ''} (${f.stage}): ${f.reason}`,
      );
  const invalid = planted.filter((p) => p.stage === 'validation').length;
  if (report.read !== size) problems.push(`read ${report.read} members, expected ${size}`);
  if (report.invalid !== invalid) problems.push(`${report.invalid} invalid, expected ${invalid}`);
  if (report.failed !== planted.length - invalid)
    problems.push(`${report.failed} failed, expected ${planted.length - invalid}`);
  if (report.synced !== size - planted.length)
    problems.push(`${report.synced} synced, expected ${size - planted.length}`);
  if (report.added !== report.synced)
    problems.push(`the server added ${report.added} members, expected ${report.synced}`);
  return problems;
};
