import { expect } from 'chai';
import { primeRecords } from '../../../lib/cli/roster/prime-records';
import type { RosterRecord } from '../../../lib/cli/roster/roster-record';
import { collect } from './reader-harness';

const record = (index: number): RosterRecord => ({
  kind: 'member',
  index,
  line: index + 2,
  value: { index },
});

/** Records that count how many were pulled and whether the source was closed. */
const counted = (n: number, failAt?: number) => {
  const seen = { pulled: 0, closed: false };
  async function* gen(): AsyncGenerator<RosterRecord> {
    try {
      for (let i = 0; i < n; i++) {
        if (i === failAt) throw new Error(`bad row ${i}`);
        seen.pulled++;
        yield record(i);
      }
    } finally {
      seen.closed = true;
    }
  }
  return { records: gen(), seen };
};

describe('primeRecords', () => {
  it('reads the first record before resolving, then replays it and the rest in order', async () => {
    const { records, seen } = counted(3);
    const primed = await primeRecords(records);
    expect(seen.pulled).to.equal(1);
    expect(await collect(primed)).to.deep.equal([record(0), record(1), record(2)]);
    expect(seen.closed).to.equal(true);
  });

  it('rejects when the first read fails, so a bad header is an error before anything starts', async () => {
    const { records } = counted(3, 0);
    const err = await primeRecords(records).catch((e: unknown) => e);
    expect((err as Error).message).to.equal('bad row 0');
  });

  it('yields nothing for an empty source', async () => {
    expect(await collect(await primeRecords(counted(0).records))).to.deep.equal([]);
  });

  it('closes the source when the consumer stops early', async () => {
    const { records, seen } = counted(100);
    for await (const r of await primeRecords(records)) if (r.index === 1) break;
    expect(seen.pulled).to.equal(2);
    expect(seen.closed).to.equal(true);
  });
});
