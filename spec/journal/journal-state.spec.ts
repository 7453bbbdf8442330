import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { JournalError } from '../../lib';
import { batchAt, checkIdentity, replayJournal, resumeCounts, type JournalState } from '../../lib/journal/journal-state';

const header = { type: 'header', version: 1, groupId: 'grp_1', maxMembers: 2, maxBytes: 1000, startedAt: '2026-01-01T00:00:00.000Z' };
const sending = (seq: number, size = 2) => ({ type: 'sending', seq, idempotencyKey: `key-${seq}`, digest: `${size}:d${seq}`, size });
const accepted = (seq: number) => ({ type: 'accepted', seq, requestId: `grpmsr_${seq}` });
const completed = (seq: number, failures: unknown[] = []) => ({
  type: 'completed',
  seq,
  requestId: `grpmsr_${seq}`,
  synced: 2 - failures.length,
  added: 2 - failures.length,
  removed: 0,
  failures,
});

const replayed = (records: unknown[]): JournalState => {
  const r = replayJournal(records);
  if (E.isLeft(r)) throw r.left;
  return r.right;
};
const corruptAt = (records: unknown[]): JournalError => {
  const r = replayJournal(records);
  if (E.isRight(r)) throw new Error('expected a JournalError');
  expect(r.left).to.be.instanceOf(JournalError);
  return r.left;
};

describe('replayJournal', () => {
  it('reads an empty journal as a sync that has not started', () => {
    const s = replayed([]);
    expect(s.header).to.equal(undefined);
    expect(batchAt(s, 0)).to.deep.equal({ kind: 'unsent' });
  });

  it('answers the state of each batch by its sequence number', () => {
    const failure = { index: 3, reference_id: 'EMP-3', operation: 'add', reason: 'Invalid plan_id' };
    const s = replayed([
      header,
      sending(0),
      sending(1),
      accepted(0),
      sending(2),
      accepted(1),
      completed(0, [failure]),
      { type: 'failed', seq: 2, reason: 'POST … 503', mayHaveApplied: true },
      sending(3),
    ]);
    expect(batchAt(s, 0)).to.deep.include({ kind: 'completed', idempotencyKey: 'key-0', digest: '2:d0' });
    expect(batchAt(s, 0).kind === 'completed' && batchAt(s, 0)).to.have.nested.property('outcome.failures[0].index', 3);
    expect(batchAt(s, 1)).to.deep.equal({ kind: 'accepted', idempotencyKey: 'key-1', digest: '2:d1', size: 2, requestId: 'grpmsr_1' });
    expect(batchAt(s, 2)).to.deep.include({ kind: 'failed', idempotencyKey: 'key-2' });
    expect(batchAt(s, 3)).to.deep.equal({ kind: 'sending', idempotencyKey: 'key-3', digest: '2:d3', size: 2 });
    expect(batchAt(s, 4)).to.deep.equal({ kind: 'unsent' });
    expect(resumeCounts(s)).to.deep.equal({ completed: 1, inFlight: 3, unsent: 0 });
  });

  it('counts a batch that failed before reaching the server as unsent', () => {
    const s = replayed([header, sending(0), { type: 'failed', seq: 0, reason: 'x', mayHaveApplied: false }]);
    expect(resumeCounts(s)).to.deep.equal({ completed: 0, inFlight: 0, unsent: 1 });
  });

  it('lets a failed batch be sent again with its recorded key, then accepted and completed', () => {
    const s = replayed([
      header,
      sending(0),
      { type: 'failed', seq: 0, reason: 'timeout', mayHaveApplied: true },
      sending(0),
      accepted(0),
      completed(0),
    ]);
    expect(batchAt(s, 0).kind).to.equal('completed');
  });

  const corrupt: ReadonlyArray<readonly [string, unknown[], number, RegExp]> = [
    ['a record that is not an object', [header, 42], 2, /not a journal record/],
    ['a record of an unknown type', [header, { type: 'members', seq: 0 }], 2, /not a journal record/],
    ['a record with a bad field', [header, { ...sending(0), seq: -1 }], 2, /SendingRecord.*seq/],
    ['a batch record before the header', [sending(0)], 1, /not the header/],
    ['a second header', [header, header], 2, /header after the first/],
    ['sending out of order', [header, sending(0), sending(2)], 3, /out of order: the next batch is 1/],
    ['accepted for an unknown batch', [header, sending(0), accepted(1)], 3, /never sent/],
    ['completed before accepted', [header, sending(0), completed(0)], 3, /completed for batch 0, which is sending/],
    ['a record after completed', [header, sending(0), accepted(0), completed(0), accepted(0)], 5, /already completed/],
    ['completed naming another request', [header, sending(0), accepted(0), { ...completed(0), requestId: 'grpmsr_9' }], 4, /names request grpmsr_9/],
    ['completed that loses members', [header, sending(0), accepted(0), { ...completed(0), synced: 1 }], 4, /accounts for 1 members of 2/],
    ['a resend with another key', [header, sending(0), { type: 'failed', seq: 0, reason: 'x', mayHaveApplied: false }, { ...sending(0), idempotencyKey: 'other' }], 4, /differs from its first record/],
    ['failed for an unknown batch', [header, { type: 'failed', seq: 0, reason: 'x', mayHaveApplied: false }], 2, /unknown/],
  ];
  for (const [what, records, position, message] of corrupt) {
    it(`is a JournalError naming the record for ${what}`, () => {
      const error = corruptAt(records);
      expect(error.record).to.equal(position);
      expect(error.message).to.match(message);
      expect(error.message).to.contain(`record ${position}`);
    });
  }
});

describe('checkIdentity', () => {
  const state = replayed([header, sending(0)]);

  it('accepts the journal of this group and these batch options, and any empty journal', () => {
    expect(E.isRight(checkIdentity(state, { groupId: 'grp_1', maxMembers: 2, maxBytes: 1000 }))).to.equal(true);
    expect(E.isRight(checkIdentity(replayed([]), { groupId: 'grp_2', maxMembers: 9, maxBytes: 9 }))).to.equal(true);
  });

  it('is a JournalError for a journal of another group', () => {
    const r = checkIdentity(state, { groupId: 'grp_2', maxMembers: 2, maxBytes: 1000 });
    expect(E.isLeft(r) && r.left).to.be.instanceOf(JournalError).with.property('message').that.matches(/another group: it belongs to grp_1/);
  });

  it('is a JournalError for other batch options', () => {
    for (const other of [{ maxMembers: 3, maxBytes: 1000 }, { maxMembers: 2, maxBytes: 999 }]) {
      const r = checkIdentity(state, { groupId: 'grp_1', ...other });
      expect(E.isLeft(r) && r.left).to.be.instanceOf(JournalError).with.property('message').that.matches(/other batch options/);
    }
  });
});
