import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { JournalError } from '../../lib/errors';
import { planBatch } from '../../lib/journal/batch-plan';
import { replayJournal, type JournalState } from '../../lib/journal/journal-state';

const header = {
  type: 'header',
  version: 1,
  groupId: 'grp_1',
  maxMembers: 2,
  maxBytes: 1000,
  startedAt: '2026-01-01T00:00:00.000Z',
};
const sending = (seq: number) => ({
  type: 'sending',
  seq,
  idempotencyKey: `key-${seq}`,
  digest: `2:d${seq}`,
  size: 2,
});
const completed = {
  type: 'completed',
  seq: 0,
  requestId: 'grpmsr_0',
  synced: 2,
  added: 2,
  removed: 0,
  failures: [],
};

// batch 0 completed, 1 accepted, 2 being sent, 3 failed; 4 and after unsent
const state: JournalState = (() => {
  const r = replayJournal([
    header,
    sending(0),
    { type: 'accepted', seq: 0, requestId: 'grpmsr_0' },
    completed,
    sending(1),
    { type: 'accepted', seq: 1, requestId: 'grpmsr_1' },
    sending(2),
    sending(3),
    { type: 'failed', seq: 3, reason: 'status 500', mayHaveApplied: true },
  ]);
  if (E.isLeft(r)) throw r.left;
  return r.right;
})();

describe('planBatch', () => {
  it('sends an unsent batch under a new key, asking for the key only then', () => {
    let keys = 0;
    const newKey = () => `new-${++keys}`;
    expect(planBatch(state, 4, '2:d4', newKey)).to.deep.equal(
      E.right({ kind: 'send', idempotencyKey: 'new-1' }),
    );
    expect(planBatch(state, 9, 'anything', newKey)).to.deep.equal(
      E.right({ kind: 'send', idempotencyKey: 'new-2' }),
    );
    for (const seq of [0, 1, 2, 3]) planBatch(state, seq, `2:d${seq}`, newKey);
    expect(keys).to.equal(2);
  });

  it('takes the outcome of a completed batch, polls an accepted one, and re-sends a sending or failed one under its recorded key', () => {
    const newKey = () => 'never';
    expect(planBatch(state, 0, '2:d0', newKey)).to.deep.equal(
      E.right({ kind: 'done', outcome: completed }),
    );
    expect(planBatch(state, 1, '2:d1', newKey)).to.deep.equal(
      E.right({ kind: 'poll', idempotencyKey: 'key-1', requestId: 'grpmsr_1' }),
    );
    expect(planBatch(state, 2, '2:d2', newKey)).to.deep.equal(
      E.right({ kind: 'send', idempotencyKey: 'key-2' }),
    );
    expect(planBatch(state, 3, '2:d3', newKey)).to.deep.equal(
      E.right({ kind: 'send', idempotencyKey: 'key-3' }),
    );
  });

  it('refuses a recorded batch whose digest differs with a JournalError naming the batch and both digests', () => {
    for (const seq of [0, 1, 2, 3]) {
      const r = planBatch(state, seq, '2:changed', () => 'never');
      if (E.isRight(r)) throw new Error(`batch ${seq}: expected a JournalError`);
      expect(r.left).to.be.instanceOf(JournalError);
      expect(r.left.message).to.equal(
        `sync journal: batch ${seq} of the roster differs from the journal's record of it (digest 2:changed, recorded 2:d${seq}): ` +
          'the roster changed since the journal was written; nothing of this batch or after it is sent',
      );
    }
  });
});
