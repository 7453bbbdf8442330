// What the roster reader specs share: a collector, a sample CSV row, and a
// source that counts how much of itself has been read.
import { Readable } from 'node:stream';
import type { RosterRecord } from '../../../lib/cli/roster/roster-record';

export const collect = async (records: AsyncIterable<RosterRecord>): Promise<RosterRecord[]> => {
  const out: RosterRecord[] = [];
  for await (const r of records) out.push(r);
  return out;
};

export const ROW = 'EMP-1,Jane,Doe,1990-05-15,4155550100,pln_1,1 Main St,,Austin,TX,78701,';

/** A source that counts the bytes it has been asked for, made on demand. */
export const countingSource = (rows: number, makeRow: (i: number) => string, head = '') => {
  let produced = 0;
  function* chunks(): Generator<string> {
    if (head) {
      produced += head.length;
      yield head;
    }
    for (let i = 0; i < rows; i += 100) {
      let chunk = '';
      for (let j = i; j < Math.min(rows, i + 100); j++) chunk += makeRow(j);
      produced += chunk.length;
      yield chunk;
    }
  }
  return { stream: Readable.from(chunks(), { objectMode: false }), produced: () => produced };
};
