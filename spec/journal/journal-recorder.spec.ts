import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { firstValueFrom, from, lastValueFrom, type ObservableInput } from 'rxjs';
import type { MemberInput, SyncRequest } from '../../lib/codecs';
import { ConnectionError, JournalError } from '../../lib/errors';
import { batchDigest } from '../../lib/journal/batch-digest';
import { JournalRecorder } from '../../lib/journal/journal-recorder';
import type { JournalMemberFailure } from '../../lib/journal/journal-records';
import { openJournal } from '../../lib/journal/journal-session';
import type { SyncJournal } from '../../lib/journal/sync-journal';
import { makeMember } from '../helpers/roster';

const identity = {
  groupId: 'grp_1',
  maxMembers: 2,
  maxBytes: 10_000,
  startedAt: '2026-01-01T00:00:00.000Z',
};
const members = [makeMember(0), makeMember(1)] as unknown as MemberInput[];
const batch = { seq: 0, size: 2 };

const memoryJournal = (rows: unknown[] = []): SyncJournal & { rows: unknown[] } => ({
  rows,
  load: async () => rows.map((r) => structuredClone(r)),
  append: async (record) => void rows.push(structuredClone(record)),
});

const run = (input: ObservableInput<unknown> | undefined): Promise<unknown> =>
  input === undefined
    ? Promise.resolve(undefined)
    : lastValueFrom(from(input), { defaultValue: undefined });

const request: SyncRequest = {
  request_id: 'grpmsr_0',
  group_id: 'grp_1',
  accepted_at: 'a',
  completed_at: 'b',
  results: {
    added_group_member_ids: ['gm_1'],
    removed_group_member_ids: [],
    failures: [{ reference_id: 'EMP-000001', operation: 'add', reason: 'Invalid plan_id' }],
  },
};

const recorderOn = async (rows: unknown[] = []) => {
  const journal = memoryJournal(rows);
  const session = await firstValueFrom(openJournal(journal, identity));
  let keys = 0;
  const lost: JournalMemberFailure[] = [
    { index: 1, reference_id: 'EMP-000001', operation: 'add', reason: 'Invalid plan_id' },
  ];
  const recorder = new JournalRecorder<typeof batch>(
    session,
    () => `key-${++keys}`,
    () => lost,
  );
  return { journal, recorder };
};

describe('JournalRecorder', () => {
  it('records a batch sending (its key, digest and size), accepted and completed, in that order', async () => {
    const { journal, recorder } = await recorderOn();
    const plan = recorder.plan(batch, members);
    expect(plan).to.deep.equal(E.right({ kind: 'send', idempotencyKey: 'key-1' }));
    await run(recorder.sending(batch, 'key-1'));
    await run(recorder.accepted(batch, 'grpmsr_0'));
    await run(recorder.outcome(batch, { kind: 'completed', request }));
    expect(journal.rows.slice(1)).to.deep.equal([
      { type: 'sending', seq: 0, idempotencyKey: 'key-1', digest: batchDigest(members), size: 2 },
      { type: 'accepted', seq: 0, requestId: 'grpmsr_0' },
      {
        type: 'completed',
        seq: 0,
        requestId: 'grpmsr_0',
        synced: 1,
        added: 1,
        removed: 0,
        failures: [
          { index: 1, reference_id: 'EMP-000001', operation: 'add', reason: 'Invalid plan_id' },
        ],
      },
    ]);
  });

  it('refuses to record sending for a batch it did not plan to send, or twice, with a JournalError', async () => {
    const { recorder } = await recorderOn();
    expect(() => recorder.sending(batch, 'key-x')).to.throw(
      JournalError,
      'batch 0 was not planned before it was sent',
    );
    recorder.plan(batch, members);
    expect(() => recorder.sending(batch, undefined)).to.throw(JournalError);
    await run(recorder.sending(batch, 'key-1'));
    expect(() => recorder.sending(batch, 'key-1')).to.throw(JournalError);
  });

  it('records a failure with its reason and request id when known, and nothing for a JournalError', async () => {
    const { journal, recorder } = await recorderOn();
    recorder.plan(batch, members);
    await run(recorder.sending(batch, 'key-1'));
    const error = new ConnectionError({ method: 'POST', path: '/v1/x' }, 'ECONNRESET');
    await run(
      recorder.outcome(batch, {
        kind: 'failed',
        failure: { error, reason: 'ECONNRESET', mayHaveApplied: true },
      }),
    );
    await run(
      recorder.outcome(batch, {
        kind: 'failed',
        failure: { error, reason: 'status 500', requestId: 'grpmsr_0', mayHaveApplied: false },
      }),
    );
    expect(
      recorder.outcome(batch, {
        kind: 'failed',
        failure: {
          error: new JournalError('disk full'),
          reason: 'disk full',
          mayHaveApplied: false,
        },
      }),
    ).to.equal(undefined);
    expect(journal.rows.slice(2)).to.deep.equal([
      { type: 'failed', seq: 0, reason: 'ECONNRESET', mayHaveApplied: true },
      {
        type: 'failed',
        seq: 0,
        reason: 'status 500',
        requestId: 'grpmsr_0',
        mayHaveApplied: false,
      },
    ]);
  });

  it('on resume, plans from the journal: a completed batch is done and cannot be recorded as sending again', async () => {
    const { journal, recorder } = await recorderOn();
    recorder.plan(batch, members);
    await run(recorder.sending(batch, 'key-1'));
    await run(recorder.accepted(batch, 'grpmsr_0'));
    await run(recorder.outcome(batch, { kind: 'completed', request }));

    const resumed = await recorderOn(journal.rows);
    const plan = resumed.recorder.plan(batch, members);
    expect(E.isRight(plan) && plan.right.kind).to.equal('done');
    expect(() => resumed.recorder.sending(batch, 'key-1')).to.throw(JournalError);
    const changed = resumed.recorder.plan(batch, [members[1]!, members[0]!]);
    expect(E.isLeft(changed) && changed.left).to.be.instanceOf(JournalError);
  });
});
