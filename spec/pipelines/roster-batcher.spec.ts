import { expect } from 'chai';
import { isRight } from 'fp-ts/Either';
import { MemberInput } from '../../lib/codecs';
import { memberBytes } from '../../lib/internal/json-bytes';
import { RosterBatcher, type ClosedBatch } from '../../lib/pipelines/roster-batcher';
import { makeMember } from '../helpers/roster';

const member = (i: number, extra = ''): MemberInput => {
  const raw = makeMember(i);
  const decoded = MemberInput.decode({ ...raw, first_name: `${raw['first_name'] as string}${extra}` });
  if (!isRight(decoded)) throw new Error('fixture member is invalid');
  return decoded.right;
};

const entriesOf = (closed: ClosedBatch): number[] => Array.from(closed.batch.entries);

describe('RosterBatcher', () => {
  it('closes batches at maxMembers, numbers them 0, 1, 2… and keeps [handle, index] and the fingerprint of each member in order', () => {
    const batcher = new RosterBatcher(2, 1_000_000);
    const closed: ClosedBatch[] = [];
    for (let i = 0; i < 5; i++) batcher.push(member(i), memberBytes(member(i)), 100 + i, 10 * i, 0xfffffff0 + i, (c) => closed.push(c));
    const rest = batcher.flush();
    expect(closed.map((c) => c.batch.seq)).to.deep.equal([0, 1]);
    expect(closed.map(entriesOf)).to.deep.equal([
      [100, 0, 101, 10],
      [102, 20, 103, 30],
    ]);
    expect(rest?.batch).to.deep.include({ seq: 2, size: 1 });
    expect(entriesOf(rest!)).to.deep.equal([104, 40]);
    expect([...closed, rest!].map((c) => Array.from(c.fingerprints))).to.deep.equal([
      [0xfffffff0, 0xfffffff1],
      [0xfffffff2, 0xfffffff3],
      [0xfffffff4],
    ]);
    expect(closed[0]!.members).to.deep.equal([member(0), member(1)]);
    expect(batcher.flush()).to.equal(undefined);
    expect(batcher.closed).to.equal(3);
  });

  it('closes the open batch before a member that would push it over maxBytes; that member opens the next one', () => {
    const a = member(1, 'x'.repeat(100));
    const bytes = memberBytes(a);
    const batcher = new RosterBatcher(1000, 14 + 2 * bytes + 1 + 10); // room for two, not three
    const closed: ClosedBatch[] = [];
    for (let i = 0; i < 3; i++) batcher.push(a, bytes, i, i, 7 + i, (c) => closed.push(c));
    expect(closed.map((c) => entriesOf(c))).to.deep.equal([[0, 0, 1, 1]]);
    expect(closed.map((c) => Array.from(c.fingerprints))).to.deep.equal([[7, 8]]);
    expect(batcher.size).to.equal(1);
    const rest = batcher.flush()!;
    expect(entriesOf(rest)).to.deep.equal([2, 2]);
    expect(Array.from(rest.fingerprints)).to.deep.equal([9]);
  });
});
