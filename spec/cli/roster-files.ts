// Roster files for the CLI specs: CSV and NDJSON text with problems planted at
// known places, and what the report must say about each.
import type { FailureStage } from '../../lib/pipelines/sync-events';

/** What can be wrong with a row. */
export type Planted =
  | 'columns' // a row with too few cells
  | 'zipcode' // a field the codec rejects
  | 'repeat' // the reference_id of an earlier valid member
  | 'unknown-plan' // valid locally, refused by the server
  | 'multiline' // valid, with a quoted cell spanning two lines
  | 'blank-before'; // valid, preceded by a blank line

/** A failure the report must list. */
export interface ExpectedFailure {
  readonly index: number;
  readonly line: number;
  readonly stage: FailureStage;
  /** A piece of the reason. */
  readonly says: string;
}

/** A generated roster and its expected outcome. */
export interface GeneratedRoster {
  readonly text: string;
  readonly rows: number;
  readonly failures: ReadonlyArray<ExpectedFailure>;
  /** Members that must end up synced. */
  readonly synced: number;
}

export const CSV_HEADER =
  'reference_id,first_name,last_name,date_of_birth,phone,plan_id,address_line_1,address_line_2,city,state,zipcode,email';

const member = (i: number, plan: string): Record<string, string> => ({
  reference_id: `EMP-${String(i).padStart(7, '0')}`,
  first_name: 'Jane',
  last_name: `Doe ${i}`,
  date_of_birth: `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`,
  phone: `(415) 555-${String(i % 10_000).padStart(4, '0')}`,
  plan_id: plan,
  address_line_1: `${1 + (i % 999)} Market Street`,
  address_line_2: i % 3 === 0 ? `Apt ${i % 100}` : '',
  city: 'San Francisco',
  state: i % 2 === 0 ? 'CA' : 'ca',
  zipcode: '94102',
  email: i % 4 === 0 ? '' : `jane${i}@example.com`,
});

const csvCell = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/**
 * A CSV roster of `rows` data rows on `plan`, with `planted[i]` applied to
 * row i (0-based). Line numbers count the header as line 1.
 */
export const csvRoster = (
  rows: number,
  plan: string,
  planted: ReadonlyMap<number, Planted>,
): GeneratedRoster => {
  const parts: string[] = [`${CSV_HEADER}\n`];
  const failures: ExpectedFailure[] = [];
  let line = 1;
  let lost = 0;
  for (let i = 0; i < rows; i++) {
    const m = member(i, plan);
    const kind = planted.get(i);
    if (kind === 'blank-before') {
      parts.push('\n');
      line++;
    }
    if (kind === 'zipcode') m['zipcode'] = '9410';
    if (kind === 'repeat') m['reference_id'] = member(0, plan)['reference_id']!;
    if (kind === 'unknown-plan') m['plan_id'] = 'pln_not_in_this_org';
    if (kind === 'multiline') m['address_line_2'] = 'Building 7\nFloor 3';
    let text = Object.values(m).map(csvCell).join(',');
    if (kind === 'columns') text = `${m['reference_id']},Jane,Doe`;
    line += kind === 'multiline' ? 2 : 1;
    parts.push(`${text}\n`);
    if (kind === 'columns')
      failures.push({
        index: i,
        line,
        stage: 'validation',
        says: `line ${line}: expected 12 columns as in the header, got 3`,
      });
    if (kind === 'zipcode')
      failures.push({ index: i, line, stage: 'validation', says: `line ${line}: address.zipcode` });
    if (kind === 'repeat')
      failures.push({
        index: i,
        line,
        stage: 'validation',
        says: `line ${line}: reference_id: repeats`,
      });
    if (kind === 'unknown-plan')
      failures.push({ index: i, line, stage: 'server', says: `line ${line}: Invalid plan_id` });
    if (kind === 'columns' || kind === 'zipcode' || kind === 'repeat' || kind === 'unknown-plan')
      lost++;
  }
  return { text: parts.join(''), rows, failures, synced: rows - lost };
};

/** The same members as NDJSON (address nested); `bad-json` lines are not JSON. */
export const ndjsonRoster = (
  rows: number,
  plan: string,
  badJson: ReadonlySet<number>,
): GeneratedRoster => {
  const lines: string[] = [];
  const failures: ExpectedFailure[] = [];
  for (let i = 0; i < rows; i++) {
    const { address_line_1, address_line_2, city, state, zipcode, email, ...rest } = member(
      i,
      plan,
    );
    const value = {
      ...rest,
      ...(email ? { email } : {}),
      address: {
        address_line_1,
        city,
        state,
        zipcode,
        ...(address_line_2 ? { address_line_2 } : {}),
      },
    };
    if (badJson.has(i)) {
      lines.push(`{"reference_id": "EMP-${i}", oops`);
      failures.push({
        index: i,
        line: i + 1,
        stage: 'validation',
        says: `line ${i + 1}: not valid JSON`,
      });
    } else lines.push(JSON.stringify(value));
  }
  return { text: `${lines.join('\n')}\n`, rows, failures, synced: rows - badJson.size };
};
