import { expect } from 'chai';
import fc from 'fast-check';
import { Readable } from 'node:stream';
import { asapScheduler, from, interval, map, Observable, of, Subject, take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ConnectionError, PollTimeoutError, REDACTED, registerSecret, ValidationError, VitableError } from '../../lib/errors';
import { syncRoster, type SyncRosterOptions } from '../../lib/pipelines/sync-roster';
import type {
  CompletedEvent,
  DoneEvent,
  FailedEvent,
  InvalidEvent,
  ProgressEvent,
  SyncEvent,
  SyncReport,
} from '../../lib/pipelines/sync-events';
import type { MemberInput } from '../../lib/codecs';
import type { VitableConnect } from '../../lib/types';
import {
  asyncRoster,
  makeInvalidMember,
  makeMember,
  roster,
  rosterEntries,
  rosterExpectation,
  UNKNOWN_PLAN_ID,
  type RosterOptions,
} from '../helpers/roster';
import { createFakeServer } from './fake-client';

/** Fast polling for the fake server: answers arrive a microtask later. */
const FAST: SyncRosterOptions = { poll: { initialDelayMs: 0, maxDelayMs: 0, scheduler: asapScheduler } };

interface Outcome {
  readonly events: SyncEvent[];
  readonly error?: unknown;
}

const run = (events$: Observable<SyncEvent>): Promise<Outcome> =>
  new Promise((resolve) => {
    const events: SyncEvent[] = [];
    events$.subscribe({
      next: (e) => events.push(e),
      error: (error: unknown) => resolve({ events, error }),
      complete: () => resolve({ events }),
    });
  });

const ofType = <T extends SyncEvent['type']>(events: SyncEvent[], type: T) =>
  events.filter((e): e is Extract<SyncEvent, { type: T }> => e.type === type);

const reportOf = (events: SyncEvent[]): SyncReport => {
  const last = events[events.length - 1] as DoneEvent;
  expect(last.type).to.equal('done');
  return last.report;
};

/** The accounting every report must satisfy. */
const expectBalanced = (report: SyncReport): void => {
  expect(report.read).to.equal(report.invalid + report.failed + report.synced);
  expect(report.failures.length).to.equal(report.invalid + report.failed);
};

describe('syncRoster', () => {
  it('validates, de-duplicates, batches and accounts for every member exactly once', async () => {
    const spec: RosterOptions = { size: 2000, seed: 7, invalidRate: 0.08, repeatRate: 0.05, unknownPlanRate: 0.04 };
    const expected = rosterExpectation(spec);
    const server = createFakeServer({ pollsUntilDone: 2 });
    const { events, error } = await run(syncRoster(server.client, 'grp_1', roster(spec), { ...FAST, maxMembers: 50 }));
    expect(error).to.equal(undefined);

    const report = reportOf(events);
    expectBalanced(report);
    expect(report).to.include({
      groupId: 'grp_1',
      read: 2000,
      invalid: expected.invalid,
      failed: expected.serverFailed,
      synced: expected.synced,
      added: expected.synced,
      removed: 0,
    });
    // what the server saw: every locally valid member once, never a repeat
    const sent = server.batches.flatMap((b) => b.members ?? []).map((m) => m.reference_id);
    expect(new Set(sent).size).to.equal(sent.length);
    expect(sent.length).to.equal(expected.synced + expected.serverFailed);
    expect(server.batches.every((b) => b.size <= 50 && b.size > 0)).to.equal(true);
    expect(report.requestIds).to.deep.equal(server.batches.map((b) => b.requestId));

    // every invalid entry of the roster is an invalid event at its index
    const entries = [...rosterEntries(spec)];
    const invalidIndexes = entries.filter((e) => e.kind === 'invalid' || e.kind === 'repeat').map((e) => e.index);
    expect(ofType(events, 'invalid').map((e) => e.index)).to.deep.equal(invalidIndexes);
    // server failures are reported with their member's index, reason and operation
    const unknown = entries.filter((e) => e.kind === 'unknown-plan');
    expect(report.failures.filter((f) => f.stage === 'server')).to.have.deep.members(
      unknown.map((e) => ({ reference_id: e.referenceId, index: e.index, stage: 'server', operation: 'add', reason: 'Invalid plan_id' })),
    );
    // events: one submitted and one completed per batch, sizes adding up
    expect(ofType(events, 'submitted').map((e) => e.size)).to.deep.equal(server.batches.map((b) => b.size));
    const completed = ofType(events, 'completed');
    expect(completed.reduce((n, e) => n + e.size, 0)).to.equal(sent.length);
    expect(completed.reduce((n, e) => n + e.synced, 0)).to.equal(expected.synced);
    // a progress event after each batch, the last one matching the report
    const progress = ofType(events, 'progress');
    expect(progress.length).to.be.at.least(server.batches.length);
    expect(progress[progress.length - 1]).to.include({ read: 2000, invalid: report.invalid, synced: report.synced, failed: report.failed, inFlight: 0 });
  });

  it('reports an invalid member with its issues, index and reference_id', async () => {
    const server = createFakeServer();
    const bad = { ...makeMember(1), phone: '12', address: { city: 'SF' } };
    const { events } = await run(syncRoster(server.client, 'grp_1', [makeMember(0), bad, 42, { reference_id: '  ' }], FAST));
    const invalid = ofType(events, 'invalid');
    expect(invalid.map((e) => [e.index, e.reference_id])).to.deep.equal([
      [1, 'EMP-000001'],
      [2, undefined],
      [3, undefined],
    ]);
    expect(invalid[0]!.issues).to.deep.include({ path: 'phone', message: 'must be a 10-digit US phone number' });
    expect(invalid[0]!.issues.map((i) => i.path)).to.include.members(['address.address_line_1', 'address.state', 'address.zipcode']);
    expect(invalid[1]!).to.not.have.property('reference_id');
    const report = reportOf(events);
    expect(report.failures[0]).to.deep.include({ reference_id: 'EMP-000001', index: 1, stage: 'validation' });
    expect(report.failures[0]!.reason).to.contain('phone: must be a 10-digit US phone number');
    expect(server.membersAccepted).to.equal(1);
  });

  it('sends a reference_id once: later occurrences are invalid, an earlier invalid one does not block a valid one', async () => {
    const server = createFakeServer();
    const members = [
      { ...makeMember(1), first_name: '' }, // invalid EMP-000001
      makeMember(1), // valid EMP-000001: sent
      makeMember(2), // valid EMP-000002: sent
      { ...makeMember(3), reference_id: 'EMP-000001' }, // repeat: invalid
      makeMember(2), // repeat: invalid
    ];
    const { events } = await run(syncRoster(server.client, 'grp_1', members, FAST));
    expect(ofType(events, 'invalid').map((e) => [e.index, e.reference_id, e.issues[0]!.path])).to.deep.equal([
      [0, 'EMP-000001', 'first_name'],
      [3, 'EMP-000001', 'reference_id'],
      [4, 'EMP-000002', 'reference_id'],
    ]);
    expect(server.batches.flatMap((b) => b.members ?? []).map((m) => [m.reference_id, m.first_name])).to.deep.equal([
      ['EMP-000001', makeMember(1)['first_name']],
      ['EMP-000002', makeMember(2)['first_name']],
    ]);
    expect(reportOf(events)).to.include({ read: 5, invalid: 3, synced: 2, failed: 0 });
  });

  it('reports a member too large for a batch as invalid and never sends it', async () => {
    const server = createFakeServer();
    const huge = { ...makeMember(2), address: { ...(makeMember(2)['address'] as object), address_line_2: 'x'.repeat(5000) } };
    const { events } = await run(
      syncRoster(server.client, 'grp_1', [makeMember(1), huge, makeMember(3)], { ...FAST, maxBytes: 2000 }),
    );
    const [invalid] = ofType(events, 'invalid');
    expect(invalid).to.deep.include({ index: 1, reference_id: 'EMP-000002' });
    expect(invalid!.issues[0]!.message).to.match(/^is \d+ bytes as a batch of its own, over maxBytes 2000$/);
    expect(server.batches.flatMap((b) => b.members ?? []).map((m) => m.reference_id)).to.deep.equal(['EMP-000001', 'EMP-000003']);
    expect(reportOf(events)).to.include({ read: 3, invalid: 1, synced: 2 });
  });

  it('reports every completed and failed batch with its own reference_ids and source indexes, however batches close (property)', async () => {
    const down = new ConnectionError({ method: 'POST', path: '/v1/groups/grp_1/members/sync' }, 'socket hang up');
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.integer({ min: 1, max: 1_000_000 }),
          size: fc.integer({ min: 0, max: 120 }),
          maxMembers: fc.integer({ min: 1, max: 9 }),
          // ~280-390 bytes a member: from one member a batch up to the maxMembers bound
          maxBytes: fc.integer({ min: 400, max: 3000 }),
          failEvery: fc.integer({ min: 2, max: 5 }),
          concurrency: fc.integer({ min: 1, max: 3 }),
        }),
        async ({ seed, size, maxMembers, maxBytes, failEvery, concurrency }) => {
          const spec: RosterOptions = { size, seed, invalidRate: 0.15, repeatRate: 0.1, unknownPlanRate: 0.1 };
          const entries = [...rosterEntries(spec)];
          const refOf = new Map(entries.map((e) => [e.index, e.referenceId]));
          const refused: Array<ReadonlyArray<MemberInput>> = []; // members of each submit that failed, in order
          const server = createFakeServer({
            submitError: (n, members) => {
              if (n % failEvery !== failEvery - 1) return undefined;
              refused.push([...members]);
              return down;
            },
          });
          const { events, error } = await run(
            syncRoster(server.client, 'grp_1', roster(spec), { ...FAST, maxMembers, maxBytes, concurrency }),
          );
          expect(error).to.equal(undefined);
          const report = reportOf(events);
          expectBalanced(report);
          // each failed event names exactly the members of the submit that failed, in order
          expect(ofType(events, 'failed').map((e) => e.referenceIds)).to.deep.equal(
            refused.map((members) => members.map((m) => m.reference_id)),
          );
          // each completed event's size is that of the batch the server took, in order
          expect(ofType(events, 'completed').map((e) => e.size)).to.have.members(server.batches.map((b) => b.size));
          // every failure names the member at its source index
          for (const f of report.failures) if (f.stage !== 'validation') expect(refOf.get(f.index ?? -1)).to.equal(f.reference_id);
          // request failures are exactly the refused members; server failures exactly the unknown plans that were taken
          const requestFailed = report.failures.filter((f) => f.stage === 'request').map((f) => f.reference_id);
          expect(requestFailed).to.deep.equal(refused.flat().map((m) => m.reference_id));
          const taken = new Set(server.batches.flatMap((b) => b.members ?? []).map((m) => m.reference_id));
          const unknownTaken = entries.filter((e) => e.kind === 'unknown-plan' && taken.has(e.referenceId!));
          expect(report.failures.filter((f) => f.stage === 'server').map((f) => [f.index, f.reference_id])).to.have.deep.members(
            unknownTaken.map((e) => [e.index, e.referenceId]),
          );
          // and every member sent went out once
          const sent = [...server.batches.flatMap((b) => b.members ?? []), ...refused.flat()].map((m) => m.reference_id);
          expect(new Set(sent).size).to.equal(sent.length);
          expect(sent.length).to.equal(report.synced + report.failed);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reports a batch whose submit fails after all retries as failed with all its reference_ids, and goes on', async () => {
    const down = new ConnectionError({ method: 'POST', path: '/v1/groups/grp_1/members/sync' }, 'socket hang up');
    const server = createFakeServer({ submitError: (n) => (n === 1 ? down : undefined) });
    const { events, error } = await run(
      syncRoster(server.client, 'grp_1', roster({ size: 40 }), { ...FAST, maxMembers: 10, concurrency: 1 }),
    );
    expect(error).to.equal(undefined);
    const [failed] = ofType(events, 'failed');
    expect(failed!.error).to.equal(down);
    expect(failed).to.not.have.property('requestId');
    expect(failed!.referenceIds).to.deep.equal([...Array(10)].map((_, i) => `EMP-${String(10 + i).padStart(6, '0')}`));
    const report = reportOf(events);
    expectBalanced(report);
    expect(report).to.include({ read: 40, synced: 30, failed: 10 });
    expect(report.failures).to.have.length(10);
    // a dropped connection may have lost the 202 of an applied batch: the event and the reason say so
    expect(failed!.mayHaveApplied).to.equal(true);
    expect(report.failures[0]).to.deep.equal({
      reference_id: 'EMP-000010',
      index: 10,
      stage: 'request',
      reason: `${down.message}; the server may have applied this batch: its answer to the submit was lost or unclear`,
    });
    expect(server.submitCalls).to.equal(4);
    expect(report.requestIds).to.have.length(3);
  });

  it('reports a batch whose polling fails as failed with its request id; a poll timeout names the id to resume', () => {
    const scheduler = new TestScheduler(() => undefined);
    const server = createFakeServer({ pollsUntilDone: 100, scheduler });
    const events: Array<[number, SyncEvent]> = [];
    let completed = false;
    scheduler.run(() => {
      syncRoster(server.client, 'grp_1', roster({ size: 3 }), {
        scheduler,
        poll: { initialDelayMs: 10, maxDelayMs: 20, timeoutMs: 100 },
      }).subscribe({ next: (e) => events.push([scheduler.now(), e]), complete: () => (completed = true) });
      scheduler.flush();
    });
    expect(completed).to.equal(true);
    const [[at, failed]] = events.filter(([, e]) => e.type === 'failed') as Array<[number, FailedEvent]>;
    expect(at).to.equal(100);
    expect(failed.error).to.be.instanceOf(PollTimeoutError);
    expect(failed.requestId).to.equal('grpmsr_1');
    expect(failed.mayHaveApplied).to.equal(true);
    expect(failed.referenceIds).to.deep.equal(['EMP-000000', 'EMP-000001', 'EMP-000002']);
    const report = reportOf(events.map(([, e]) => e));
    expect(report).to.include({ read: 3, failed: 3, synced: 0 });
    expect(report.failures[0]!.reason).to.contain("client.members.sync.retrieve('grp_1', 'grpmsr_1')");
    expect(report.requestIds).to.deep.equal(['grpmsr_1']);
  });

  it('with failFast stops reading and submitting after the first failed batch, finishes the batches in flight, then errors', async () => {
    const down = new ConnectionError({ method: 'POST', path: '/v1/groups/grp_1/members/sync' }, 'reset');
    const server = createFakeServer({ submitError: (n) => (n === 2 ? down : undefined), pollsUntilDone: 3 });
    let read = 0;
    let returned = false;
    async function* source(): AsyncGenerator<unknown> {
      try {
        for (let i = 0; i < 1000; i++) {
          read++;
          yield makeMember(i);
        }
      } finally {
        returned = true;
      }
    }
    const { events, error } = await run(
      syncRoster(server.client, 'grp_1', source(), { ...FAST, maxMembers: 10, concurrency: 3, failFast: true }),
    );
    expect(error).to.equal(down);
    expect(returned, 'iterator.return() called').to.equal(true);
    expect(read).to.be.below(60);
    expect(server.submitCalls).to.equal(3);
    const types = events.map((e) => e.type);
    expect(types[types.length - 1]).to.equal('done');
    const failed = ofType(events, 'failed');
    expect(failed[0]!.error).to.equal(down);
    const report = reportOf(events);
    expectBalanced(report);
    expect(report.read).to.equal(read);
    expect(report.synced).to.equal(20); // the two batches in flight were polled to the end
    // the open batch was never sent and is reported as such
    const unsent = failed.slice(1);
    for (const f of unsent) expect(f.error.message).to.match(/^not submitted: failFast stopped the sync after a batch failed/);
    expect(report.failed).to.equal(report.read - 20);
  });

  it('never has more than `concurrency` batches submitted but not completed', async () => {
    const server = createFakeServer({ pollsUntilDone: 2 });
    const { events } = await run(
      syncRoster(server.client, 'grp_1', asyncRoster({ size: 600 }), { ...FAST, maxMembers: 10, concurrency: 3 }),
    );
    expect(server.maxOpen).to.equal(3);
    const progress = ofType(events, 'progress');
    expect(Math.max(...progress.map((p) => p.inFlight))).to.be.at.most(3);
    expect(reportOf(events)).to.include({ read: 600, synced: 600 });
  });

  /**
   * Syncs `total` members from an AsyncIterable, and measures the read-ahead:
   * the most members read but not yet settled (in a completed or failed batch,
   * or invalid) at any moment.
   */
  const readAhead = async (
    server: ReturnType<typeof createFakeServer>,
    total: number,
    options: SyncRosterOptions,
  ): Promise<{ report: SyncReport | undefined; maxAhead: number }> => {
    let read = 0;
    let settled = 0;
    let maxAhead = 0;
    const base = makeMember(0);
    async function* source(): AsyncGenerator<unknown> {
      for (let i = 0; i < total; i++) {
        maxAhead = Math.max(maxAhead, read - settled);
        read++;
        yield { ...base, reference_id: `EMP-${i}` };
      }
    }
    let report: SyncReport | undefined;
    await new Promise<void>((resolve, reject) =>
      syncRoster(server.client, 'grp_1', source(), options).subscribe({
        next: (e) => {
          if (e.type === 'completed') settled += e.size;
          else if (e.type === 'failed') settled += e.referenceIds.length;
          else if (e.type === 'invalid') settled++;
          else if (e.type === 'done') report = e.report;
          maxAhead = Math.max(maxAhead, read - settled);
        },
        error: reject,
        complete: resolve,
      }),
    );
    return { report, maxAhead };
  };

  it('pulls the source lazily: the read-ahead stays within concurrency × maxMembers plus one batch', async () => {
    const concurrency = 4;
    const maxMembers = 50;
    const total = 20_000;
    const server = createFakeServer({ keepPayloads: false, pollsUntilDone: 1 });
    const { report, maxAhead } = await readAhead(server, total, { ...FAST, concurrency, maxMembers });
    expect(report).to.include({ read: total, synced: total, invalid: 0, failed: 0 });
    expect(server.membersAccepted).to.equal(total);
    expect(maxAhead).to.be.at.most(concurrency * maxMembers + maxMembers);
    // and the bound was actually approached: the pipeline kept `concurrency` batches busy
    expect(server.maxOpen).to.equal(concurrency);
    expect(maxAhead).to.be.above(concurrency * maxMembers - maxMembers);
  });

  it('with adaptive concurrency the read-ahead stays within the concurrency reached × maxMembers plus one batch', async () => {
    const maxMembers = 50;
    const total = 20_000;
    const server = createFakeServer({ keepPayloads: false, pollsUntilDone: 1 });
    const { report, maxAhead } = await readAhead(server, total, { ...FAST, maxMembers });
    expect(report).to.include({ read: total, synced: total, invalid: 0, failed: 0 });
    expect(server.membersAccepted).to.equal(total);
    // a fast server: the limit grew past where it starts (4), and the read-ahead followed it, no further
    expect(server.maxOpen).to.be.above(4);
    expect(maxAhead).to.be.at.most(server.maxOpen * maxMembers + maxMembers);
  });

  describe('hostile input', () => {
    type Kind = 'valid' | 'invalid' | 'getter' | 'proxy' | 'bigint' | 'cycle' | 'toJSON';
    const hostileMember = (kind: Kind, i: number): unknown => {
      const base = makeMember(i);
      switch (kind) {
        case 'valid':
          return base;
        case 'invalid':
          return makeInvalidMember(i);
        case 'getter':
          return Object.defineProperty({ ...base }, 'first_name', {
            enumerable: true,
            get: () => {
              throw new Error('getter gone');
            },
          });
        case 'proxy':
          return new Proxy(base, {
            get: () => {
              throw new Error('trap');
            },
            has: () => {
              throw new Error('trap');
            },
            ownKeys: () => {
              throw new Error('trap');
            },
            getPrototypeOf: () => {
              throw new Error('trap');
            },
          });
        case 'bigint':
          return { ...base, last_name: BigInt(i) };
        case 'cycle': {
          const cyclic: Record<string, unknown> = { ...base };
          cyclic.address = { ...(base['address'] as object), self: cyclic };
          cyclic.me = cyclic;
          return cyclic;
        }
        case 'toJSON':
          return {
            ...base,
            toJSON: () => {
              throw new Error('no JSON');
            },
          };
      }
    };
    const sourceOf = (how: number, values: unknown[]): Parameters<typeof syncRoster>[2] => {
      switch (how) {
        case 0:
          return values;
        case 1:
          return (function* () {
            yield* values;
          })();
        case 2: {
          // by hand: an async generator's `yield` would itself await a Proxy member (and throw)
          let i = 0;
          return {
            [Symbol.asyncIterator]: () => ({
              next: () => Promise.resolve(i < values.length ? { value: values[i++], done: false } : { value: undefined, done: true }),
            }),
          } as AsyncIterable<unknown>;
        }
        default:
          return from(values);
      }
    };

    it('never throws past its error channel, never crashes, and counts each member once, wherever hostile members are (property)', async () => {
      const crashes: unknown[] = [];
      const onCrash = (e: unknown): void => void crashes.push(e);
      process.on('unhandledRejection', onCrash);
      process.on('uncaughtException', onCrash);
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.constantFrom<Kind>('valid', 'valid', 'invalid', 'getter', 'proxy', 'bigint', 'cycle', 'toJSON'), {
              maxLength: 40,
            }),
            fc.integer({ min: 0, max: 3 }),
            fc.integer({ min: 1, max: 7 }),
            async (kinds, how, maxMembers) => {
              const values = kinds.map((k, i) => hostileMember(k, i));
              const server = createFakeServer();
              const { events, error } = await run(
                syncRoster(server.client, 'grp_1', sourceOf(how, values), { ...FAST, maxMembers }),
              );
              expect(error).to.equal(undefined);
              const report = reportOf(events);
              expectBalanced(report);
              expect(report.read).to.equal(kinds.length);
              const invalidAt = new Set(ofType(events, 'invalid').map((e) => e.index));
              expect(invalidAt.size).to.equal(report.invalid);
              kinds.forEach((k, i) => {
                const unreadable = k === 'getter' || k === 'proxy' || k === 'bigint' || k === 'cycle' || k === 'invalid';
                expect(invalidAt.has(i), `${k} at ${i}`).to.equal(unreadable);
              });
              for (const e of ofType(events, 'invalid'))
                if (kinds[e.index] === 'getter' || kinds[e.index] === 'proxy' || kinds[e.index] === 'cycle')
                  expect(e.issues[0]!.message).to.match(/^cannot be read: /);
              // a toJSON of its own is not read: what is sent is the decoded member
              expect(report.synced).to.equal(kinds.filter((k) => k === 'valid' || k === 'toJSON').length);
            },
          ),
          { numRuns: 60 },
        );
        await new Promise((r) => setImmediate(r));
        expect(crashes).to.deep.equal([]);
      } finally {
        process.off('unhandledRejection', onCrash);
        process.off('uncaughtException', onCrash);
      }
    });

    it('errors with ValidationError on subscription, never a raw exception, for null options, throwing getters, a hostile Proxy as members, or bad durations', async () => {
      const server = createFakeServer();
      const client = server.client;
      const trap = new Proxy(
        {},
        {
          get: () => {
            throw new Error('trap');
          },
          has: () => {
            throw new Error('trap');
          },
          getPrototypeOf: () => {
            throw new Error('trap');
          },
        },
      );
      const cases: ReadonlyArray<[string, () => Observable<SyncEvent>, string]> = [
        ['groupId null', () => syncRoster(client, null as unknown as string, []), 'groupId'],
        ['client null', () => syncRoster(null as unknown as VitableConnect, 'grp_1', []), 'client'],
        ['options null', () => syncRoster(client, 'grp_1', [], null as unknown as SyncRosterOptions), ''],
        ['members Proxy', () => syncRoster(client, 'grp_1', trap as Iterable<unknown>), 'members'],
        [
          'throwing getter',
          () =>
            syncRoster(client, 'grp_1', [], {
              get concurrency(): number {
                throw new Error('no');
              },
            }),
          'concurrency',
        ],
        [
          'throwing poll getter',
          () =>
            syncRoster(client, 'grp_1', [], {
              poll: {
                get factor(): number {
                  throw new Error('no');
                },
              },
            }),
          'poll.factor',
        ],
        ['30-day poll timeout', () => syncRoster(client, 'grp_1', [], { poll: { timeoutMs: 30 * 86_400_000 } }), 'poll.timeoutMs'],
        ['maxMembers 1001', () => syncRoster(client, 'grp_1', [], { maxMembers: 1001 }), 'maxMembers'],
      ];
      for (const [name, make, path] of cases) {
        let observable: Observable<SyncEvent> | undefined;
        expect(() => (observable = make()), name).not.to.throw();
        const { events, error } = await run(observable!);
        expect(events, name).to.deep.equal([]);
        expect(error, name).to.be.instanceOf(ValidationError);
        expect((error as ValidationError).issues.map((i) => i.path), name).to.include(path);
      }
      expect(server.submitCalls).to.equal(0);
    });

    it('redacts the API key a server echoes in a failure reason from completed events and the report', async () => {
      const key = 'vc_test_roster_echoed_key_9';
      registerSecret(key);
      const server = createFakeServer();
      const echoing: VitableConnect = {
        ...server.client,
        members: {
          sync: {
            submit: server.client.members.sync.submit,
            retrieve: (g, r, o) =>
              server.client.members.sync.retrieve(g, r, o).pipe(
                map((request) => ({
                  ...request,
                  results: request.results && {
                    ...request.results,
                    failures: [{ reference_id: 'EMP-000000', operation: 'add' as const, reason: `key ${key} is not allowed` }],
                  },
                })),
              ),
          },
        },
      };
      const { events } = await run(syncRoster(echoing, 'grp_1', roster({ size: 3 }), FAST));
      expect(JSON.stringify(events)).to.not.contain(key);
      expect(reportOf(events).failures[0]!.reason).to.equal(`key ${REDACTED} is not allowed`);
    });
  });

  describe('sources', () => {
    const spec: RosterOptions = { size: 120, invalidRate: 0.1, repeatRate: 0.05 };
    const expected = rosterExpectation(spec);
    const check = async (members: Parameters<typeof syncRoster>[2]): Promise<void> => {
      const server = createFakeServer();
      const { events, error } = await run(syncRoster(server.client, 'grp_1', members, { ...FAST, maxMembers: 25 }));
      expect(error).to.equal(undefined);
      expect(reportOf(events)).to.include({ read: 120, invalid: expected.invalid, synced: expected.synced });
      expect(new Set(server.batches.flatMap((b) => b.members ?? []).map((m) => m.reference_id))).to.deep.equal(
        expected.syncedReferenceIds,
      );
    };

    it('reads an array and a generator (Iterable)', async () => {
      await check([...roster(spec)]);
      await check(roster(spec));
    });

    it('reads an async generator (AsyncIterable)', async () => {
      await check(asyncRoster(spec));
    });

    it('reads a Node object-mode Readable', async () => {
      await check(Readable.from(roster(spec), { objectMode: true }));
    });

    it('reads a synchronous and an asynchronous Observable', async () => {
      await check(of(...roster(spec)));
      const members = [...roster(spec)];
      await check(interval(0, asapScheduler).pipe(take(members.length), map((i) => members[i])));
    });

    it('errors with ValidationError on subscription, reading nothing, for a source of the wrong kind or bad options', async () => {
      let reads = 0;
      const counted = (function* () {
        reads++;
        yield makeMember(0);
      })();
      const server = createFakeServer();
      const bad = [
        syncRoster(server.client, 'grp_1', 42 as unknown as Iterable<unknown>),
        syncRoster(server.client, '', counted),
        syncRoster(server.client, 'grp_1', counted, { concurrency: 0 }),
        syncRoster(server.client, 'grp_1', counted, { maxMembers: -1 }),
        syncRoster(server.client, 'grp_1', counted, { poll: { timeoutMs: -5 } }),
      ];
      for (const events$ of bad) {
        const { events, error } = await run(events$);
        expect(events).to.deep.equal([]);
        expect(error).to.be.instanceOf(ValidationError);
      }
      expect(reads).to.equal(0);
      expect(server.submitCalls).to.equal(0);
    });

    it('reports what was read when the source errors, finishes the batches in flight, then errors', async () => {
      const server = createFakeServer();
      const boom = new Error('disk on fire');
      async function* source(): AsyncGenerator<unknown> {
        for (let i = 0; i < 25; i++) yield i === 3 ? makeInvalidMember(0) : makeMember(i);
        throw boom;
      }
      const { events, error } = await run(syncRoster(server.client, 'grp_1', source(), { ...FAST, maxMembers: 10 }));
      expect(error).to.equal(boom);
      const report = reportOf(events);
      expectBalanced(report);
      expect(report).to.include({ read: 25, invalid: 1, synced: 20, failed: 4 });
      const last = ofType(events, 'failed').pop() as FailedEvent;
      expect(last.error).to.be.instanceOf(VitableError);
      expect(last.error.message).to.equal('not submitted: the source failed: disk on fire');
      expect(server.membersAccepted).to.equal(20);
    });
  });

  describe('cancellation', () => {
    it('unsubscribing stops reading the source (iterator.return) and cancels submits and polls in flight', async () => {
      const server = createFakeServer({ pollsUntilDone: 1000 });
      let read = 0;
      let returned = false;
      async function* source(): AsyncGenerator<unknown> {
        try {
          for (let i = 0; ; i++) {
            read++;
            yield makeMember(i);
          }
        } finally {
          returned = true;
        }
      }
      const events: SyncEvent[] = [];
      const sub = syncRoster(server.client, 'grp_1', source(), { ...FAST, maxMembers: 5, concurrency: 2 }).subscribe((e) =>
        events.push(e),
      );
      while (ofType(events, 'submitted').length < 2) await new Promise((r) => setImmediate(r));
      const readAtStop = read;
      const pollsAtStop = server.retrieveCalls;
      sub.unsubscribe();
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
      expect(returned).to.equal(true);
      expect(read).to.equal(readAtStop);
      expect(server.submitCalls).to.equal(2);
      expect(server.retrieveCalls).to.be.at.most(pollsAtStop + 2);
      expect(readAtStop).to.be.at.most(2 * 5 + 5);
      expect(server.cancelled).to.be.at.least(1); // a poll was in flight and was cut
    });

    it('unsubscribing unsubscribes an Observable source and cancels the poll in flight', () => {
      const scheduler = new TestScheduler((a, b) => {
        expect(a).to.deep.equal(b);
      });
      scheduler.run(({ cold, expectSubscriptions }) => {
        const server = createFakeServer({ scheduler, latencyMs: 3, pollsUntilDone: 1000 });
        const source = cold('a 9ms b 9ms c 9ms d', { a: makeMember(0), b: makeMember(1), c: makeMember(2), d: makeMember(3) });
        const sub = syncRoster(server.client, 'grp_1', source, { scheduler, maxMembers: 2, poll: { initialDelayMs: 5 } }).subscribe();
        // batch [a, b] closes at 10, is accepted at 13, polled at 18 (answer due at 21): stop at 20
        scheduler.schedule(() => sub.unsubscribe(), 20);
        expectSubscriptions(source.subscriptions).toBe('^ 19ms !');
        scheduler.flush();
        expect(server.submitCalls).to.equal(1);
        expect(server.retrieveCalls).to.equal(1);
        expect(server.cancelled).to.equal(1);
      });
    });

    it('unsubscribing destroys a Node Readable source', async () => {
      const server = createFakeServer({ pollsUntilDone: 1000 });
      const stream = Readable.from(roster({ size: 10_000 }), { objectMode: true });
      const sub = syncRoster(server.client, 'grp_1', stream, { ...FAST, maxMembers: 5, concurrency: 1 }).subscribe();
      while (server.submitCalls < 1) await new Promise((r) => setImmediate(r));
      sub.unsubscribe();
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      expect(stream.destroyed).to.equal(true);
    });

    it('a synchronous Iterable is not read past what the consumer took', () => {
      // take(3) on a synchronously completing pipeline: reading stops at once
      const server = createFakeServer();
      let read = 0;
      const source = (function* () {
        for (let i = 0; i < 1_000; i++) {
          read++;
          yield makeInvalidMember(i);
        }
      })();
      const invalid: InvalidEvent[] = [];
      syncRoster(server.client, 'grp_1', source, FAST)
        .pipe(take(3))
        .subscribe((e) => invalid.push(e as InvalidEvent));
      expect(invalid.map((e) => e.index)).to.deep.equal([0, 1, 2]);
      expect(read).to.equal(3);
    });
  });

  describe('progress', () => {
    it('emits progress at most every 250 ms while reading, and after each batch', () => {
      const scheduler = new TestScheduler((a, b) => {
        expect(a).to.deep.equal(b);
      });
      scheduler.run(({ cold }) => {
        const server = createFakeServer({ scheduler });
        // a member every 100 ms for 1 s, batches of 4 polled 50 ms after submission
        const values: Record<string, unknown> = {};
        const letters = 'abcdefghij';
        for (let i = 0; i < 10; i++) values[letters[i]!] = makeMember(i);
        const source = cold('a 99ms b 99ms c 99ms d 99ms e 99ms f 99ms g 99ms h 99ms i 99ms j 99ms |', values);
        const events: Array<[number, SyncEvent]> = [];
        syncRoster(server.client, 'grp_1', source, {
          scheduler,
          maxMembers: 4,
          poll: { initialDelayMs: 50 },
        }).subscribe((e) => events.push([scheduler.now(), e]));
        scheduler.flush();
        const kinds = events.map(([t, e]) => `${e.type}@${t}`);
        // periodic progress at reads 300 and 600 (>= 250 ms after the previous one), after batches at 350, 750
        // and 1050, and a last one before done
        expect(kinds.filter((k) => k.startsWith('progress'))).to.deep.equal([
          'progress@300',
          'progress@350',
          'progress@600',
          'progress@750',
          'progress@1050',
          'progress@1050',
        ]);
        const last = events[events.length - 1]![1] as DoneEvent;
        expect(last.report).to.include({ read: 10, synced: 10, durationMs: 1050 });
        expect(last.report.startedAt).to.equal(new Date(0).toISOString());
        const progress = events.map(([, e]) => e).filter((e): e is ProgressEvent => e.type === 'progress');
        expect(progress[progress.length - 1]!.membersPerSecond).to.be.closeTo((10 / 1050) * 1000, 0.1);
      });
    });
  });

  it('counts a member named in several server failures once', async () => {
    const server = createFakeServer();
    const client: VitableConnect = {
      ...server.client,
      members: {
        sync: {
          submit: server.client.members.sync.submit,
          retrieve: (g, r) =>
            server.client.members.sync.retrieve(g, r).pipe(
              map((req) => ({
                ...req,
                results: req.results && {
                  ...req.results,
                  failures: [
                    { reference_id: 'EMP-000001', operation: 'add' as const, reason: 'Invalid plan_id' },
                    { reference_id: 'EMP-000001', operation: 'remove' as const, reason: 'Not found' },
                    { reference_id: 'OTHER', operation: 'remove' as const, reason: 'Not found' },
                  ],
                },
              })),
            ),
        },
      },
    };
    const { events } = await run(syncRoster(client, 'grp_1', [makeMember(0), makeMember(1)], FAST));
    const [completed] = ofType(events, 'completed') as CompletedEvent[];
    expect(completed).to.include({ synced: 1, size: 2 });
    expect(completed!.failures).to.have.length(3);
    const report = reportOf(events);
    expectBalanced(report);
    expect(report).to.include({ synced: 1, failed: 1 });
  });

  it('reports unknown plans as server failures (stage server)', async () => {
    const server = createFakeServer();
    const { events } = await run(
      syncRoster(server.client, 'grp_1', [makeMember(0), makeMember(1, UNKNOWN_PLAN_ID)], FAST),
    );
    expect(reportOf(events).failures).to.deep.equal([
      { reference_id: 'EMP-000001', index: 1, stage: 'server', operation: 'add', reason: 'Invalid plan_id' },
    ]);
  });

  it('buffers an Observable it cannot pause, and still submits at most `concurrency` batches at once', async () => {
    const server = createFakeServer({ pollsUntilDone: 2 });
    const subject = new Subject<unknown>();
    const done = run(syncRoster(server.client, 'grp_1', subject, { ...FAST, maxMembers: 10, concurrency: 2 }));
    await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 200; i++) subject.next(makeMember(i));
    subject.complete();
    const { events } = await done;
    expect(server.maxOpen).to.equal(2);
    expect(reportOf(events)).to.include({ read: 200, synced: 200 });
  });
});
