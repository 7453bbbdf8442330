import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { firstValueFrom, from, lastValueFrom, type ObservableInput } from 'rxjs';
import type { MemberInput, SyncRequest } from '../../lib/codecs';
import { ConnectionError, JournalError } from '../../lib/errors';
import { batchDigest, fingerprintsOf } from '../../lib/journal/batch-digest';
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

/** Resolves once every background record asked for is durable. */
const idle = (recorder: JournalRecorder<typeof batch>): Promise<void> =>
  new Promise<void>((resolve) => recorder.whenIdle(resolve));

const recorderOn = async (rows: unknown[] = [], journal = memoryJournal(rows), failed?: (e: JournalError) => void) => {
  const session = await firstValueFrom(openJournal(journal, identity));
  let keys = 0;
  const lost: JournalMemberFailure[] = [
    { index: 1, reference_id: 'EMP-000001', operation: 'add', reason: 'Invalid plan_id' },
  ];
  const recorder = new JournalRecorder<typeof batch>(
    session,
    () => `key-${++keys}`,
    () => lost,
    failed,
  );
  return { journal, recorder };
};

describe('JournalRecorder', () => {
  it('records a batch sending (its key, digest and size), accepted and completed, in that order', async () => {
    const { journal, recorder } = await recorderOn();
    const plan = recorder.plan(batch, fingerprintsOf(members));
    expect(plan).to.deep.equal(E.right({ kind: 'send', idempotencyKey: 'key-1' }));
    await run(recorder.sending(batch, 'key-1'));
    recorder.accepted(batch, 'grpmsr_0');
    recorder.outcome(batch, { kind: 'completed', request });
    await idle(recorder);
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
    recorder.plan(batch, fingerprintsOf(members));
    expect(() => recorder.sending(batch, undefined)).to.throw(JournalError);
    await run(recorder.sending(batch, 'key-1'));
    expect(() => recorder.sending(batch, 'key-1')).to.throw(JournalError);
  });

  it('records a failure with its reason and request id when known, and nothing for a JournalError', async () => {
    const { journal, recorder } = await recorderOn();
    recorder.plan(batch, fingerprintsOf(members));
    await run(recorder.sending(batch, 'key-1'));
    const error = new ConnectionError({ method: 'POST', path: '/v1/x' }, 'ECONNRESET');
    recorder.outcome(batch, { kind: 'failed', failure: { error, reason: 'ECONNRESET', mayHaveApplied: true } });
    recorder.outcome(batch, {
      kind: 'failed',
      failure: { error, reason: 'status 500', requestId: 'grpmsr_0', mayHaveApplied: false },
    });
    recorder.outcome(batch, {
      kind: 'failed',
      failure: { error: new JournalError('disk full'), reason: 'disk full', mayHaveApplied: false },
    });
    await idle(recorder);
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
    recorder.plan(batch, fingerprintsOf(members));
    await run(recorder.sending(batch, 'key-1'));
    recorder.accepted(batch, 'grpmsr_0');
    recorder.outcome(batch, { kind: 'completed', request });
    await idle(recorder);

    const resumed = await recorderOn(journal.rows);
    const plan = resumed.recorder.plan(batch, fingerprintsOf(members));
    expect(E.isRight(plan) && plan.right.kind).to.equal('done');
    expect(() => resumed.recorder.sending(batch, 'key-1')).to.throw(JournalError);
    const changed = resumed.recorder.plan(batch, fingerprintsOf([members[1]!, members[0]!]));
    expect(E.isLeft(changed) && changed.left).to.be.instanceOf(JournalError);
  });

  it('writes accepted and the outcome in the background, in order per batch, and is idle once both are durable', async () => {
    const pending: Array<{ record: unknown; done: () => void }> = [];
    const rows: unknown[] = [];
    const slow: SyncJournal = {
      load: async () => [],
      append: (record) =>
        new Promise<void>((resolve) =>
          pending.push({
            record,
            done: () => {
              rows.push(record);
              resolve();
            },
          }),
        ),
    };
    const openRecorder = recorderOn([], slow as SyncJournal & { rows: unknown[] });
    await Promise.resolve();
    pending.shift()!.done(); // the header
    const { recorder } = await openRecorder;
    const other = { seq: 1, size: 2 };
    recorder.plan(batch, fingerprintsOf(members));
    recorder.plan(other, fingerprintsOf(members));
    const sent = run(recorder.sending(batch, 'key-1'));
    const sentOther = run(recorder.sending(other, 'key-2'));
    await Promise.resolve();
    pending.splice(0).forEach((p) => p.done());
    await Promise.all([sent, sentOther]);

    recorder.accepted(batch, 'grpmsr_0'); // returns at once: the batch does not wait for it
    recorder.outcome(batch, { kind: 'completed', request });
    recorder.accepted(other, 'grpmsr_1');
    expect(recorder.busy).to.equal(true);
    let idleNow = false;
    recorder.whenIdle(() => (idleNow = true));
    await new Promise((r) => setImmediate(r));
    // batch 0's outcome waits for its accepted record; batch 1's accepted goes alongside
    expect(pending.map((p) => (p.record as { type: string; seq: number }))).to.deep.include.members([
      { type: 'accepted', seq: 0, requestId: 'grpmsr_0' },
      { type: 'accepted', seq: 1, requestId: 'grpmsr_1' },
    ]);
    expect(pending).to.have.length(2);
    pending.reverse().splice(0).forEach((p) => p.done()); // durable out of call order
    await new Promise((r) => setImmediate(r));
    expect(pending.map((p) => (p.record as { type: string }).type)).to.deep.equal(['completed']);
    expect(idleNow).to.equal(false);
    pending.shift()!.done();
    await new Promise((r) => setImmediate(r));
    expect(idleNow).to.equal(true);
    expect(recorder.busy).to.equal(false);
    const ofBatch0 = rows.filter((r) => (r as { seq?: number }).seq === 0).map((r) => (r as { type: string }).type);
    expect(ofBatch0).to.deep.equal(['sending', 'accepted', 'completed']);
  });

  it('tells a background record that cannot be written to its failed callback once, as a JournalError, and still goes idle', async () => {
    const told: JournalError[] = [];
    const failing: SyncJournal & { rows: unknown[] } = {
      rows: [],
      load: async () => [],
      append: async (record) => {
        if ((record as { type: string }).type === 'accepted') throw new Error('disk full');
        failing.rows.push(record);
      },
    };
    const { recorder } = await recorderOn([], failing, (e) => told.push(e));
    recorder.plan(batch, fingerprintsOf(members));
    await run(recorder.sending(batch, 'key-1'));
    recorder.accepted(batch, 'grpmsr_0');
    recorder.accepted(batch, 'grpmsr_0');
    await idle(recorder);
    expect(told).to.have.length(1);
    expect(told[0]).to.be.instanceOf(JournalError);
    expect(told[0]!.message).to.contain('disk full');
  });
});
