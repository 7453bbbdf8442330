import { expect } from 'chai';
import { getEventListeners } from 'node:events';
import { asapScheduler, from, Observable, switchMap, tap, type Subscription } from 'rxjs';
import { CliError, ExitCode } from '../../lib/cli/cli-error';
import type { RosterRecord } from '../../lib/cli/roster/roster-record';
import { syncFile, type CliSyncEvent } from '../../lib/cli/sync-file';
import type { SyncRosterOptions } from '../../lib/pipelines/sync-roster';
import type { VitableConnect } from '../../lib/types';
import { makeInvalidMember, makeMember, UNKNOWN_PLAN_ID } from '../helpers/roster';
import { idle, waitFor } from '../http/fixtures';
import { createFakeServer } from '../pipelines/fake-client';
import { useCliEmulator } from './cli-emulator';

/** Polls at once, again and again: no clock involved. */
const FAST: SyncRosterOptions = {
  poll: { initialDelayMs: 0, maxDelayMs: 0, scheduler: asapScheduler },
};

/** Every notification of a subscription, kept. */
const watch = (events$: Observable<CliSyncEvent>) => {
  const out = {
    events: [] as CliSyncEvent[],
    error: undefined as unknown,
    completed: false,
    subscription: undefined as Subscription | undefined,
  };
  let settle: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (settle = resolve));
  out.subscription = events$.subscribe({
    next: (e) => out.events.push(e),
    error: (e: unknown) => {
      out.error = e;
      settle();
    },
    complete: () => {
      out.completed = true;
      settle();
    },
  });
  return Object.assign(out, { ended });
};

const ofType = <T extends CliSyncEvent['type']>(events: ReadonlyArray<CliSyncEvent>, type: T) =>
  events.filter((e): e is Extract<CliSyncEvent, { type: T }> => e.type === type);

const lastOf = <T extends CliSyncEvent['type']>(events: ReadonlyArray<CliSyncEvent>, type: T) => {
  const last = events[events.length - 1];
  expect(last?.type).to.equal(type);
  return last as Extract<CliSyncEvent, { type: T }>;
};

const unparseable = (index: number, line: number): RosterRecord => ({
  kind: 'error',
  index,
  line,
  reason: `line ${line}: expected 12 columns as in the header, got 3`,
});

async function* readFrom(records: ReadonlyArray<RosterRecord>): AsyncGenerator<RosterRecord> {
  for (const r of records) yield r;
}

/** Yields `records`, then waits for ever, like standard input nobody writes to. */
async function* thenNothing(records: ReadonlyArray<RosterRecord>): AsyncGenerator<RosterRecord> {
  yield* records;
  await new Promise<never>(() => undefined);
}

/** A fake client whose batches are accepted but whose polls never answer; counts the polls cancelled. */
const neverDone = () => {
  const server = createFakeServer();
  let cancelledPolls = 0;
  const client: VitableConnect = {
    ...server.client,
    members: {
      sync: {
        submit: server.client.members.sync.submit,
        retrieve: () => new Observable(() => () => void cancelledPolls++),
      },
    },
  };
  return { server, client, cancelledPolls: () => cancelledPolls };
};

describe('syncFile', () => {
  describe('against the emulator', () => {
    const fx = useCliEmulator('sync-file', 'SyncFile', { cli: false, processingDelayMs: 0 });

    it("accounts for every record of the file: indices and lines are the file's, unparseable records are invalid in place, failures in file order", async () => {
      const plan = fx.emulator.planIds[0]!;
      const lineOf = (i: number): number => i + 2 + (i >= 20 ? 1 : 0); // record 20 spans two lines
      const records: RosterRecord[] = [];
      for (let i = 0; i < 40; i++) {
        const line = lineOf(i);
        if (i === 3 || i === 17) records.push(unparseable(i, line));
        else if (i === 8)
          records.push({ kind: 'member', index: i, line, value: makeInvalidMember(2) });
        else if (i === 25)
          records.push({
            kind: 'member',
            index: i,
            line,
            value: { ...makeMember(i, plan), reference_id: 'EMP-000000' },
          });
        else if (i === 12 || i === 30)
          records.push({ kind: 'member', index: i, line, value: makeMember(i, UNKNOWN_PLAN_ID) });
        else records.push({ kind: 'member', index: i, line, value: makeMember(i, plan) });
      }
      const group = await fx.newGroup();
      const run = watch(
        syncFile(fx.client, group.id, readFrom(records), { ...FAST, maxMembers: 10 }),
      );
      await run.ended;
      expect(run.error).to.equal(undefined);

      expect(
        ofType(run.events, 'invalid').map((e) => [e.index, 'line' in e ? e.line : undefined]),
      ).to.deep.equal([
        [3, lineOf(3)],
        [8, lineOf(8)],
        [17, lineOf(17)],
        [25, lineOf(25)],
      ]);
      const { report } = lastOf(run.events, 'done');
      expect(report).to.include({ groupId: group.id, read: 40, invalid: 4, failed: 2, synced: 34 });
      expect(report.read).to.equal(report.invalid + report.failed + report.synced);
      expect(report.failures.map((f) => [f.index, f.stage])).to.deep.equal([
        [3, 'validation'],
        [8, 'validation'],
        [17, 'validation'],
        [25, 'validation'],
        [12, 'server'],
        [30, 'server'],
      ]);
      expect(report.failures.map((f) => f.reason.split(': ')[0])).to.deep.equal(
        [3, 8, 17, 25, 12, 30].map((i) => `line ${lineOf(i)}`),
      );
      // an unparseable record's reason is the reader's, which names its line already
      expect(report.failures[0]!.reason).to.equal(
        'line 5: expected 12 columns as in the header, got 3',
      );
      expect(report.failures[1]!.reason).to.contain('phone: must be a 10-digit US phone number');
      expect(report.failures[3]!.reason).to.contain('repeats "EMP-000000"');
      expect(report.failures[4]!.reason).to.equal(`line ${lineOf(12)}: Invalid plan_id`);
      // progress counts the unparseable records as read and invalid too
      expect(ofType(run.events, 'progress').pop()).to.include({
        read: 40,
        invalid: 4,
        synced: 34,
        failed: 2,
      });
      // what the server holds: every synced member, and only those
      const synced = records
        .filter((r) => ![3, 8, 12, 17, 25, 30].includes(r.index))
        .map((r) =>
          r.kind === 'member' ? (r.value as { reference_id: string }).reference_id : '',
        );
      expect(fx.emulator.members(group.id).map((m) => m.reference_id)).to.have.members(synced);
    });

    it('lists the server failures in file order even when a later batch finishes first', async () => {
      const plan = fx.emulator.planIds[0]!;
      // the first batch's polls wait until the second batch has completed
      const accepted: string[] = [];
      let secondDone: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (secondDone = resolve));
      const sync = fx.client.members.sync;
      const client: VitableConnect = {
        ...fx.client,
        members: {
          sync: {
            submit: (groupId, body, options) =>
              sync.submit(groupId, body, options).pipe(tap((s) => accepted.push(s.request_id))),
            retrieve: (groupId, requestId, options) =>
              requestId === accepted[0]
                ? from(gate).pipe(switchMap(() => sync.retrieve(groupId, requestId, options)))
                : sync.retrieve(groupId, requestId, options).pipe(
                    tap((r) => {
                      if (r.completed_at !== null) secondDone();
                    }),
                  ),
          },
        },
      };
      const records: RosterRecord[] = [];
      for (let i = 0; i < 20; i++)
        records.push({
          kind: 'member',
          index: i,
          line: i + 2,
          value: makeMember(i, i === 2 || i === 13 ? UNKNOWN_PLAN_ID : plan),
        });
      const group = await fx.newGroup();
      const run = watch(
        syncFile(client, group.id, readFrom(records), { ...FAST, maxMembers: 10, concurrency: 2 }),
      );
      await run.ended;
      const completed = ofType(run.events, 'completed').map((e) => e.request.request_id);
      expect(completed).to.deep.equal([accepted[1], accepted[0]]);
      expect(lastOf(run.events, 'done').report.failures).to.deep.equal([
        {
          reference_id: 'EMP-000002',
          index: 2,
          stage: 'server',
          operation: 'add',
          reason: 'line 4: Invalid plan_id',
        },
        {
          reference_id: 'EMP-000013',
          index: 13,
          stage: 'server',
          operation: 'add',
          reason: 'line 15: Invalid plan_id',
        },
      ]);
    });

    it("errors with the reader's own error after done when reading fails part-way; what was read before is accounted for", async () => {
      const plan = fx.emulator.planIds[0]!;
      const failure = new CliError('roster.csv: line 15: unclosed quote', ExitCode.Usage);
      async function* failing(): AsyncGenerator<RosterRecord> {
        for (let i = 0; i < 13; i++)
          yield i === 4
            ? unparseable(i, i + 2)
            : { kind: 'member', index: i, line: i + 2, value: makeMember(i, plan) };
        throw failure;
      }
      const group = await fx.newGroup();
      const run = watch(syncFile(fx.client, group.id, failing(), { ...FAST, maxMembers: 10 }));
      await run.ended;
      expect(run.error).to.equal(failure);
      expect(run.completed).to.equal(false);
      const { report } = lastOf(run.events, 'done');
      // the full batch of 10 was sent; the 2 members of the open batch are failed, never sent
      expect(report).to.include({ read: 13, invalid: 1, synced: 10, failed: 2 });
      expect(report.failures.map((f) => [f.index, f.stage])).to.deep.equal([
        [4, 'validation'],
        [11, 'request'],
        [12, 'request'],
      ]);
      expect(fx.emulator.members(group.id)).to.have.length(10);
    });
  });

  describe('stopped by its signal', () => {
    it('emits only interrupted, with nothing read, and completes when the signal was aborted before the start; nothing is sent', async () => {
      const server = createFakeServer();
      const abort = new AbortController();
      abort.abort();
      const run = watch(
        syncFile(server.client, 'grp_1', readFrom([unparseable(0, 2)]), FAST, {
          signal: abort.signal,
          now: () => Date.UTC(2026, 0, 15, 10, 30),
        }),
      );
      await run.ended;
      expect(run.completed).to.equal(true);
      expect(run.events).to.deep.equal([
        {
          type: 'interrupted',
          report: {
            groupId: 'grp_1',
            read: 0,
            invalid: 0,
            failed: 0,
            synced: 0,
            added: 0,
            removed: 0,
            requestIds: [],
            failures: [],
            startedAt: '2026-01-15T10:30:00.000Z',
            durationMs: 0,
            interrupted: true,
            unfinished: 0,
          },
        },
      ]);
      await idle(20); // a few turns of the event loop
      expect(server.submitCalls).to.equal(0);
    });

    it('cancels the polls in flight, sends nothing more, and ends with interrupted: the report so far on its clock', async () => {
      const fake = neverDone();
      const abort = new AbortController();
      let now = Date.UTC(2026, 0, 15, 10, 30);
      const records: RosterRecord[] = [];
      for (let i = 0; i < 30; i++)
        records.push(
          i === 2 || i === 7
            ? unparseable(i, i + 2)
            : { kind: 'member', index: i, line: i + 2, value: makeMember(i) },
        );
      const run = watch(
        syncFile(
          fake.client,
          'grp_1',
          readFrom(records),
          { ...FAST, maxMembers: 5, concurrency: 2 },
          {
            signal: abort.signal,
            now: () => now,
          },
        ),
      );
      await waitFor(() => ofType(run.events, 'submitted').length === 2, 'two batches accepted');
      now += 600;
      abort.abort();
      expect(run.completed).to.equal(true);
      expect(fake.cancelledPolls()).to.equal(2);
      const { report } = lastOf(run.events, 'interrupted');
      expect(report).to.deep.include({
        read: 12, // 10 members in the two batches, and 2 unparseable records
        invalid: 2,
        failed: 0,
        synced: 0,
        unfinished: 10,
        interrupted: true,
        requestIds: ['grpmsr_1', 'grpmsr_2'],
        startedAt: '2026-01-15T10:30:00.000Z',
        durationMs: 600,
      });
      expect(report.failures.map((f) => [f.index, f.reason])).to.deep.equal([
        [2, 'line 4: expected 12 columns as in the header, got 3'],
        [7, 'line 9: expected 12 columns as in the header, got 3'],
      ]);
      const submits = fake.server.submitCalls;
      await idle(20); // a few turns of the event loop
      expect(fake.server.submitCalls).to.equal(submits);
      expect(ofType(run.events, 'interrupted')).to.have.length(1);
    });

    it('counts the members read but not yet in a batch as read and unfinished', async () => {
      const fake = neverDone();
      const abort = new AbortController();
      const run = watch(
        syncFile(
          fake.client,
          'grp_1',
          thenNothing([
            { kind: 'member', index: 0, line: 2, value: makeMember(0) },
            { kind: 'member', index: 1, line: 3, value: makeMember(1) },
            unparseable(2, 4),
            { kind: 'member', index: 3, line: 5, value: makeMember(3) },
          ]),
          { ...FAST, maxMembers: 10 },
          { signal: abort.signal },
        ),
      );
      await waitFor(() => ofType(run.events, 'invalid').length === 1, 'the unparseable record');
      await idle(20); // and the member after it
      abort.abort();
      const { report } = lastOf(run.events, 'interrupted');
      expect(report).to.include({ read: 4, invalid: 1, failed: 0, synced: 0, unfinished: 3 });
      expect(fake.server.submitCalls).to.equal(0);
    });

    it('changes nothing once done was emitted: no interrupted event, the sync completes', async () => {
      const server = createFakeServer();
      const abort = new AbortController();
      const events: CliSyncEvent[] = [];
      await new Promise<void>((resolve, reject) =>
        syncFile(
          server.client,
          'grp_1',
          readFrom([{ kind: 'member', index: 0, line: 2, value: makeMember(0) }]),
          FAST,
          {
            signal: abort.signal,
          },
        ).subscribe({
          next: (e) => {
            events.push(e);
            if (e.type === 'done') abort.abort();
          },
          error: reject,
          complete: resolve,
        }),
      );
      expect(events.map((e) => e.type)).not.to.include('interrupted');
      expect(lastOf(events, 'done').report).to.include({ read: 1, synced: 1 });
    });

    it('listens to the signal only while it runs; unsubscribing cancels the sync without an interrupted event', async () => {
      const fake = neverDone();
      const abort = new AbortController();
      const run = watch(
        syncFile(
          fake.client,
          'grp_1',
          readFrom([{ kind: 'member', index: 0, line: 2, value: makeMember(0) }]),
          FAST,
          {
            signal: abort.signal,
          },
        ),
      );
      await waitFor(() => ofType(run.events, 'submitted').length === 1, 'the batch accepted');
      expect(getEventListeners(abort.signal, 'abort')).to.have.length(1);
      run.subscription!.unsubscribe();
      expect(getEventListeners(abort.signal, 'abort')).to.have.length(0);
      expect(fake.cancelledPolls()).to.equal(1);
      abort.abort();
      expect(ofType(run.events, 'interrupted')).to.deep.equal([]);

      const done = new AbortController();
      const finished = watch(
        syncFile(createFakeServer().client, 'grp_1', readFrom([]), FAST, { signal: done.signal }),
      );
      await finished.ended;
      expect(finished.completed).to.equal(true);
      expect(getEventListeners(done.signal, 'abort')).to.have.length(0);
    });
  });
});
