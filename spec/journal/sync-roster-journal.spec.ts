// syncRoster with a journal, against the emulator: write-ahead records, resume from every kind of
// interrupted state, a finished sync run again, and each way a journal can belong to another sync.
import { expect } from 'chai';
import { lastValueFrom, tap } from 'rxjs';
import { createClient, JournalError, syncRoster, type SyncEvent, type SyncJournal, type SyncReport, type VitableConnect } from '../../lib';
import { startEmulator, type Emulator } from '../../lib/emulator';
import { rosterEntries, rosterExpectation, type RosterOptions } from '../helpers/roster';

/** A journal in memory, as a database table would keep it; records are copied in and out, like JSON. */
const tableJournal = (rows: unknown[] = []): SyncJournal & { rows: unknown[] } => ({
  rows,
  load: async () => rows.map((r) => structuredClone(r)),
  append: async (record) => void rows.push(JSON.parse(JSON.stringify(record)) as unknown),
});

const run = async (
  client: VitableConnect,
  groupId: string,
  members: Iterable<unknown>,
  options: Parameters<typeof syncRoster>[3],
): Promise<{ events: SyncEvent[]; report: SyncReport | undefined; error: unknown }> => {
  const events: SyncEvent[] = [];
  let error: unknown;
  await lastValueFrom(syncRoster(client, groupId, members, { poll: { initialDelayMs: 2, maxDelayMs: 10 }, ...options }).pipe(tap((e) => events.push(e))), {
    defaultValue: undefined,
  }).catch((e: unknown) => (error = e));
  const done = events.find((e) => e.type === 'done');
  return { events, report: done?.type === 'done' ? done.report : undefined, error };
};

const posts = (emu: Emulator): number => {
  const route = emu.stats().byRoute['POST /v1/groups/:id/members/sync'] ?? {};
  return Object.values(route).reduce((a, b) => a + b, 0);
};

describe('syncRoster with a journal', function () {
  this.timeout(20_000);
  let emu: Emulator;
  let client: VitableConnect;
  let groupId: string;
  const spec = (planIds: ReadonlyArray<string>): RosterOptions => ({
    size: 230,
    seed: 11,
    invalidRate: 0.05,
    repeatRate: 0.03,
    unknownPlanRate: 0.04,
    planIds,
  });
  let members: unknown[];

  beforeEach(async () => {
    emu = await startEmulator({ processingDelayMs: 5 });
    client = createClient({ apiKey: emu.apiKey, baseURL: emu.url });
    groupId = (await lastValueFrom(client.groups.create({ name: 'J', external_reference_id: 'j' }))).id;
    members = [...rosterEntries(spec(emu.planIds))].map((e) => e.member);
  });
  afterEach(() => emu.stop());

  it('records each batch before it is sent, when accepted and when done; the journal grows with batches, not members', async () => {
    const journal = tableJournal();
    const { report } = await run(client, groupId, members, { maxMembers: 25, journal, concurrency: 3 });
    const types = journal.rows.map((r) => (r as { type: string }).type);
    const batches = report!.requestIds.length;
    expect(types[0]).to.equal('header');
    expect(types.filter((t) => t === 'sending')).to.have.length(batches);
    expect(types.filter((t) => t === 'accepted')).to.have.length(batches);
    expect(types.filter((t) => t === 'completed')).to.have.length(batches);
    for (let seq = 0; seq < batches; seq++) {
      const mine = journal.rows.filter((r) => (r as { seq?: number }).seq === seq).map((r) => (r as { type: string }).type);
      expect(mine, `batch ${seq}`).to.deep.equal(['sending', 'accepted', 'completed']);
    }
    // the same number of batches with four times the members each: about the same journal
    const big = tableJournal();
    const emu2 = await startEmulator({ processingDelayMs: 5 });
    try {
      const c2 = createClient({ apiKey: emu2.apiKey, baseURL: emu2.url });
      const g2 = (await lastValueFrom(c2.groups.create({ name: 'J2', external_reference_id: 'j2' }))).id;
      const valid = [...rosterEntries({ size: 4 * 230, seed: 3, planIds: emu2.planIds })].map((e) => e.member);
      const r2 = await run(c2, g2, valid, { maxMembers: 100, journal: big });
      expect(r2.report!.requestIds).to.have.length(10);
      const bytes = (rows: unknown[]) => rows.reduce<number>((n, r) => n + JSON.stringify(r).length, 0);
      const small = tableJournal();
      const r3 = await run(c2, g2, valid.slice(0, 230), { maxMembers: 23, journal: small });
      expect(r3.report!.requestIds).to.have.length(10);
      expect(bytes(big.rows)).to.be.below(bytes(small.rows) * 1.2);
    } finally {
      await emu2.stop();
    }
  });

  it('run again after the sync finished: resumed first, nothing sent, the same report', async () => {
    const journal = tableJournal();
    const first = await run(client, groupId, members, { maxMembers: 25, journal });
    const sent = posts(emu);
    const again = await run(client, groupId, members, { maxMembers: 25, journal });
    expect(posts(emu), 'no batch sent again').to.equal(sent);
    expect(again.events[0]).to.deep.equal({ type: 'resumed', completed: first.report!.requestIds.length, inFlight: 0, unsent: 0 });
    const { durationMs: _a, ...a } = first.report!;
    const { durationMs: _b, ...b } = again.report!;
    expect(b).to.deep.equal(a); // failures included, in the same (source) order
    const indexes = a.failures.map((f) => f.index!);
    expect(indexes).to.deep.equal([...indexes].sort((x, y) => x - y));
    const expected = rosterExpectation(spec(emu.planIds));
    expect(again.report).to.include({ read: expected.read, invalid: expected.invalid, synced: expected.synced, failed: expected.serverFailed });
  });

  it('resumes an interrupted sync: completed batches are not sent, accepted ones polled, being-sent and failed ones re-sent with their key', async () => {
    // the first run stops part-way (its source fails after 160 members): batches 0-4 complete, the open one is never sent
    function* stopsPartWay(): Generator<unknown> {
      for (let i = 0; i < 160; i++) yield members[i];
      throw new Error('the process died');
    }
    const partial = tableJournal();
    const interrupted = await run(client, groupId, { [Symbol.iterator]: stopsPartWay }, {
      maxMembers: 25,
      journal: partial,
      concurrency: 1,
    });
    expect(interrupted.error).to.be.an('error');
    const completedBefore = interrupted.report!.requestIds.length;
    expect(completedBefore).to.be.at.least(5);
    // what a crash could have left of batches 2-4: 2 accepted, 3 being sent, 4 failed (its POST timed out)
    const rows = partial.rows.filter((r) => {
      const { type, seq } = r as { type: string; seq?: number };
      if (seq === undefined || seq < 2 || seq > 4) return true;
      return (seq === 2 && type !== 'completed') || (seq > 2 && type === 'sending');
    });
    rows.push({ type: 'failed', seq: 4, reason: 'POST … timed out', mayHaveApplied: true });
    const journal = tableJournal(rows);
    const before = emu.stats();
    const postsBefore = posts(emu);
    const resumed = await run(client, groupId, members, { maxMembers: 25, journal, concurrency: 2 });
    const after = emu.stats();
    const batches = resumed.report!.requestIds.length;
    expect(resumed.events[0]).to.deep.equal({ type: 'resumed', completed: completedBefore - 3, inFlight: 3, unsent: 0 });
    expect(posts(emu) - postsBefore, 'all but the completed and the accepted batches are posted').to.equal(batches - (completedBefore - 3) - 1);
    expect(after.idempotentReplays - before.idempotentReplays, 'batches 3 and 4 were replayed by their key').to.equal(2);
    expect(after.batchesProcessed - before.batchesProcessed, 'only the batches never sent are processed').to.equal(batches - completedBefore);
    expect(after.duplicateBatches).to.equal(0);
    expect(new Set(resumed.report!.requestIds).size, 'every request id once').to.equal(batches);
    expect(resumed.report!.requestIds).to.include.members([...interrupted.report!.requestIds]);
    const expected = rosterExpectation(spec(emu.planIds));
    expect(resumed.report).to.include({ read: expected.read, invalid: expected.invalid, synced: expected.synced, failed: expected.serverFailed });
    expect(new Set(emu.members(groupId).map((m) => m.reference_id))).to.deep.equal(expected.syncedReferenceIds);
    const indexes = resumed.report!.failures.map((f) => f.index);
    expect(new Set(indexes).size, 'each failure once').to.equal(indexes.length);
  });

  it('a roster edited between runs is a JournalError at its first differing batch: nothing of it or after it is sent', async () => {
    const journal = tableJournal();
    await run(client, groupId, members.slice(0, 100), { maxMembers: 25, journal, concurrency: 1 });
    const rows = journal.rows.filter((r) => (r as { seq?: number }).seq === undefined || (r as { seq: number }).seq < 3);
    const edited = [...members];
    const m = edited[40] as Record<string, unknown>; // in batch 1 (source members ~28-57)
    edited[40] = { ...m, first_name: `${String(m.first_name)}x` };
    const before = emu.stats();
    const again = await run(client, groupId, edited, { maxMembers: 25, journal: tableJournal(rows) });
    expect(again.error).to.be.instanceOf(JournalError);
    expect((again.error as JournalError).message).to.match(/batch 1 of the roster differs/);
    expect(emu.stats().batchesAccepted, 'nothing sent').to.equal(before.batchesAccepted);
    expect(emu.stats().requests - before.requests, 'nothing sent').to.equal(0);
    const r = again.report!;
    expect(r.read).to.equal(r.invalid + r.failed + r.synced);
  });

  it('a journal of another group, or of other batch options, is a JournalError before anything is sent', async () => {
    const journal = tableJournal();
    await run(client, groupId, members, { maxMembers: 25, journal });
    const other = (await lastValueFrom(client.groups.create({ name: 'K', external_reference_id: 'k' }))).id;
    const before = emu.stats().requests;
    const wrongGroup = await run(client, other, members, { maxMembers: 25, journal });
    expect(wrongGroup.error).to.be.instanceOf(JournalError).with.property('message').that.matches(/another group/);
    expect(wrongGroup.events, 'not even a resumed event').to.deep.equal([]);
    const wrongBatch = await run(client, groupId, members, { maxMembers: 26, journal });
    expect(wrongBatch.error).to.be.instanceOf(JournalError).with.property('message').that.matches(/other batch options/);
    const wrongBytes = await run(client, groupId, members, { maxMembers: 25, maxBytes: 500_000, journal });
    expect(wrongBytes.error).to.be.instanceOf(JournalError);
    expect(emu.stats().requests).to.equal(before);
  });

  it('a corrupt journal is a JournalError naming the record, and nothing is sent', async () => {
    const rows: unknown[] = [
      { type: 'header', version: 1, groupId, maxMembers: 25, maxBytes: 1_000_000, startedAt: new Date(0).toISOString() },
      { type: 'accepted', seq: 0, requestId: 'grpmsr_x' },
    ];
    const before = emu.stats().requests;
    const r = await run(client, groupId, members, { maxMembers: 25, journal: tableJournal(rows) });
    expect(r.error).to.be.instanceOf(JournalError).with.property('record', 2);
    expect(emu.stats().requests).to.equal(before);
  });

  it('closes a journal that can be closed when the sync ends', async () => {
    let closed = 0;
    const journal = { ...tableJournal(), close: async () => void closed++ };
    await run(client, groupId, members.slice(0, 30), { maxMembers: 25, journal });
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).to.equal(1);
  });

  it('a journal that cannot be written stops the sync: the batch is not sent, the error is a JournalError', async () => {
    let appends = 0;
    const failing: SyncJournal = {
      load: async () => [],
      append: async () => {
        if (++appends > 1) throw new Error('disk full');
      },
    };
    const r = await run(client, groupId, members, { maxMembers: 25, journal: failing });
    expect(r.error).to.be.instanceOf(JournalError).with.property('message').that.contains('disk full');
    expect(emu.stats().batchesAccepted).to.equal(0);
    expect(r.report!.read).to.equal(r.report!.invalid + r.report!.failed + r.report!.synced);
  });

  it('a background record that cannot be written ends the sync with a JournalError even while the source is waiting', async () => {
    const failing: SyncJournal = {
      load: async () => [],
      append: async (record) => {
        if ((record as { type?: string }).type === 'completed') throw new Error('disk full');
      },
    };
    // one batch, then a source that never gives another member: only the journal's failure can end the sync
    async function* stalls(): AsyncGenerator<unknown> {
      yield* members.slice(0, 25);
      await new Promise<never>(() => undefined);
    }
    const events: SyncEvent[] = [];
    let error: unknown;
    await lastValueFrom(
      syncRoster(client, groupId, stalls(), { maxMembers: 25, poll: { initialDelayMs: 2, maxDelayMs: 10 }, journal: failing }).pipe(
        tap((e) => events.push(e)),
      ),
    ).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(JournalError).with.property('message').that.contains('disk full');
    const done = events.find((e) => e.type === 'done');
    const report = done?.type === 'done' ? done.report : undefined;
    expect(report).to.include({ read: 25 });
    expect(report!.read).to.equal(report!.invalid + report!.failed + report!.synced);
    expect(emu.stats().batchesAccepted).to.equal(1);
  });
});
