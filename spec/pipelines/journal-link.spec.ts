import { expect } from 'chai';
import { from, lastValueFrom } from 'rxjs';
import type { MemberInput } from '../../lib/codecs';
import { JournalError } from '../../lib/errors';
import { fingerprintsOf } from '../../lib/journal/batch-digest';
import type { SyncJournal } from '../../lib/journal/sync-journal';
import type { BatchStart, DispatchEngine } from '../../lib/pipelines/dispatch-engine';
import { JournalLink } from '../../lib/pipelines/journal-link';
import type { ClosedBatch, SentBatch } from '../../lib/pipelines/roster-batcher';
import { SyncLedger } from '../../lib/pipelines/sync-ledger';
import { makeMember } from '../helpers/roster';

const identity = { groupId: 'grp_1', maxMembers: 2, maxBytes: 10_000 };
const members = [makeMember(0), makeMember(1)] as unknown as MemberInput[];
const closed = (seq: number, ms: MemberInput[] = members): ClosedBatch => ({
  batch: { seq, size: ms.length, entries: new Float64Array(2 * ms.length) },
  members: ms,
  fingerprints: fingerprintsOf(ms),
});

const memoryJournal = (rows: unknown[] = []): SyncJournal & { rows: unknown[] } => ({
  rows,
  load: async () => rows.map((r) => structuredClone(r)),
  append: async (record) => void rows.push(structuredClone(record)),
});

/** A link over `journal`, with a ledger and an engine that only records what it is asked to start. */
const linkOn = (journal: SyncJournal, groupId = identity.groupId) => {
  let keys = 0;
  const ledger = new SyncLedger('grp_1', Date.UTC(2026, 0, 1), () => 'EMP-x');
  const started: Array<{ seq: number; how: BatchStart }> = [];
  const engine = { start: (batch: SentBatch, how: BatchStart) => started.push({ seq: batch.seq, how }) } as unknown as DispatchEngine;
  const failed: JournalError[] = [];
  const link = new JournalLink({ ...identity, groupId, journal, newIdempotencyKey: () => `key-${keys++}` }, ledger, (e) =>
    failed.push(e),
  );
  return { link, ledger, engine, started, failed };
};

/** A journal in which batch 0 completed, batch 1 was accepted and batch 2 was being sent. */
const interrupted = async (): Promise<unknown[]> => {
  const journal = memoryJournal();
  const { link, engine } = linkOn(journal);
  await lastValueFrom(link.open());
  for (const seq of [0, 1, 2]) {
    expect(link.start(closed(seq), engine)).to.equal(undefined); // planned: sent with key-<seq>
    await lastValueFrom(from(link.beforeSubmit(closed(seq).batch, `key-${seq}`)), { defaultValue: undefined });
  }
  link.accepted(closed(0).batch, 'grpmsr_0');
  link.completed(closed(0).batch, {
    request_id: 'grpmsr_0',
    group_id: 'grp_1',
    accepted_at: 'a',
    completed_at: 'b',
    results: { added_group_member_ids: ['gm_1', 'gm_2'], removed_group_member_ids: [], failures: [] },
  });
  link.accepted(closed(1).batch, 'grpmsr_1');
  await new Promise<void>((resolve) => link.whenIdle(resolve));
  return journal.rows;
};

describe('JournalLink', () => {
  it('opens a new journal: writes its header, tells no resume, and starts each batch as a send with a new key', async () => {
    const journal = memoryJournal();
    const { link, engine, started } = linkOn(journal);
    const opened = await lastValueFrom(link.open());
    expect(opened).to.deep.equal({ startedAt: new Date(Date.UTC(2026, 0, 1)).toISOString(), recordedMembers: 0, resumed: undefined });
    expect(journal.rows).to.deep.equal([{ type: 'header', version: 1, ...identity, startedAt: opened.startedAt }]);
    expect(link.start(closed(0), engine)).to.equal(undefined);
    expect(started).to.deep.equal([{ seq: 0, how: { kind: 'send', members, idempotencyKey: 'key-0' } }]);
  });

  it('resumes: tells the counts and the members recorded, replays a completed batch into the ledger, polls an accepted one, re-sends one being sent with its key', async () => {
    const rows = await interrupted();
    const { link, ledger, engine, started } = linkOn(memoryJournal(rows));
    const opened = await lastValueFrom(link.open());
    expect(opened.resumed).to.deep.equal({ type: 'resumed', completed: 1, inFlight: 2, unsent: 0 });
    expect(opened.recordedMembers).to.equal(6);
    for (const seq of [0, 1, 2]) expect(link.start(closed(seq), engine)).to.equal(undefined);
    expect(started).to.deep.equal([
      { seq: 1, how: { kind: 'accepted', requestId: 'grpmsr_1' } },
      { seq: 2, how: { kind: 'send', members, idempotencyKey: 'key-2' } },
    ]);
    const report = ledger.report(Date.UTC(2026, 0, 1));
    expect(report).to.include({ synced: 2, added: 2 });
    expect(report.requestIds).to.deep.equal(['grpmsr_0', 'grpmsr_1']);
  });

  it('refuses a batch whose members differ from its record with a JournalError, and starts nothing', async () => {
    const rows = await interrupted();
    const { link, engine, started } = linkOn(memoryJournal(rows));
    await lastValueFrom(link.open());
    const differs = link.start(closed(0, [members[1]!, members[0]!]), engine);
    expect(differs).to.be.instanceOf(JournalError);
    expect(differs!.message).to.match(/batch 0 of the roster differs from the journal's record of it/);
    expect(started).to.deep.equal([]);
  });

  it('is a JournalError on open for a journal of another group', async () => {
    const rows = await interrupted();
    const { link } = linkOn(memoryJournal(rows), 'grp_other');
    let error: unknown;
    await lastValueFrom(link.open()).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(JournalError);
  });

  it('is idle at once with nothing to write, and refuses to be used before it was opened', () => {
    const { link, engine } = linkOn(memoryJournal());
    let idle = false;
    link.whenIdle(() => (idle = true));
    expect(idle).to.equal(true);
    expect(link.busy).to.equal(false);
    expect(() => link.start(closed(0), engine)).to.throw(/before it was opened/);
  });
});
