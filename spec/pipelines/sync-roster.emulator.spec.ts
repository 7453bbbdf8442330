// End to end: syncRoster → createClient (real HTTP, retries, 429 gate) → the emulator with faults on.
import { expect } from 'chai';
import { asyncScheduler, defer, lastValueFrom, throwError, type SchedulerAction, type SchedulerLike, type Subscription } from 'rxjs';
import { ConnectionError } from '../../lib/errors';
import { makeClient } from '../../lib/client';
import { startEmulator, type Emulator } from '../../lib/emulator';
import { syncRoster } from '../../lib/pipelines/sync-roster';
import type { FailedEvent, SyncEvent, SyncReport } from '../../lib/pipelines/sync-events';
import type { RetryEvent, VitableConnect } from '../../lib/types';
import { rosterEntries, rosterExpectation, type RosterOptions } from '../helpers/roster';

/**
 * The real clock, with every wait shortened `factor` times: the client's retry
 * backoff (0.5 s, 1 s, 2 s…) becomes tens of ms, so a faulty run stays short
 * while keeping its shape.
 */
const fastForward = (factor: number): SchedulerLike => ({
  now: () => asyncScheduler.now(),
  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    return asyncScheduler.schedule(work, delay / factor, state);
  },
});

describe('syncRoster against the emulator', function () {
  this.timeout(30_000);
  let emu: Emulator;

  beforeEach(async () => {
    emu = await startEmulator({ processingDelayMs: 15 });
  });
  afterEach(async () => {
    await emu.stop();
  });

  it('syncs 20,000 members through 5xx, dropped connections and 429s, accounting for each once and sending no batch twice', async () => {
    const retries: RetryEvent[] = [];
    const client = makeClient(
      { apiKey: emu.apiKey, baseURL: emu.url, maxRetries: 8, timeoutMs: 60_000, onRetry: (e: RetryEvent) => retries.push(e) },
      { scheduler: fastForward(20), env: {} },
    );
    const group = await lastValueFrom(client.groups.create({ name: 'Roster e2e', external_reference_id: 'e2e-1' }));

    const spec: RosterOptions = {
      size: 20_000,
      seed: 42,
      invalidRate: 0.05,
      repeatRate: 0.03,
      unknownPlanRate: 0.02,
      planIds: emu.planIds,
    };
    const expected = rosterExpectation(spec);
    emu.setFaults({ seed: 7, errorRate: 0.12, dropRate: 0.06, rateLimitRate: 0.06, retryAfterMs: 40 });

    async function* cursor(): AsyncGenerator<unknown> {
      for (const entry of rosterEntries(spec)) yield entry.member;
    }
    const events: SyncEvent[] = [];
    const started = Date.now();
    await new Promise<void>((resolve, reject) =>
      syncRoster(client, group.id, cursor(), {
        maxMembers: 400,
        concurrency: 4,
        poll: { initialDelayMs: 10, factor: 1.5, maxDelayMs: 60 },
      }).subscribe({ next: (e) => events.push(e), error: reject, complete: resolve }),
    );
    const seconds = (Date.now() - started) / 1000;
    const stats = emu.stats();
    const report = (events[events.length - 1] as { report: SyncReport }).report;

    // the faults really happened, and the client rode them out
    expect(stats.faults.errors, 'injected 5xx').to.be.above(0);
    expect(stats.faults.drops, 'dropped connections').to.be.above(0);
    expect(stats.faults.rateLimited, 'injected 429s').to.be.above(0);
    // each fault cost exactly one retry (none ran out of retries)
    expect(retries.length).to.equal(stats.faults.errors + stats.faults.drops + stats.faults.rateLimited);

    // every member accounted for exactly once
    expect(report).to.include({
      groupId: group.id,
      read: 20_000,
      invalid: expected.invalid,
      failed: expected.serverFailed,
      synced: expected.synced,
    });
    expect(report.read).to.equal(report.invalid + report.failed + report.synced);
    const indexes = report.failures.map((f) => f.index);
    expect(new Set(indexes).size).to.equal(indexes.length);
    const byKind = new Map<string, number[]>();
    for (const e of rosterEntries(spec)) {
      const list = byKind.get(e.kind) ?? [];
      list.push(e.index);
      byKind.set(e.kind, list);
    }
    expect(report.failures.filter((f) => f.stage === 'validation').map((f) => f.index)).to.deep.equal([
      ...(byKind.get('invalid') ?? []),
      ...(byKind.get('repeat') ?? []),
    ].sort((a, b) => a - b));
    expect(report.failures.filter((f) => f.stage === 'server').map((f) => f.index).sort((a, b) => (a ?? 0) - (b ?? 0))).to.deep.equal(
      byKind.get('unknown-plan'),
    );
    expect(report.failures.filter((f) => f.stage === 'server').every((f) => f.reason === 'Invalid plan_id')).to.equal(true);
    expect(report.failures.some((f) => f.stage === 'request')).to.equal(false);

    // the group holds exactly the valid members, and no batch was processed twice
    const stored = emu.members(group.id).map((m) => m.reference_id);
    expect(stored.length).to.equal(expected.synced);
    expect(new Set(stored)).to.deep.equal(expected.syncedReferenceIds);
    expect(report.added).to.equal(expected.synced);
    expect(stats.duplicateBatches).to.equal(0);
    expect(stats.batchesProcessed).to.equal(report.requestIds.length);
    expect(new Set(report.requestIds).size).to.equal(report.requestIds.length);
    console.log(
      `      ${report.requestIds.length} batches in ${seconds.toFixed(1)} s; ${retries.length} retries ` +
        `(${stats.faults.errors} 5xx, ${stats.faults.drops} drops, ${stats.faults.rateLimited} 429s, ` +
        `${stats.idempotentReplays} idempotent replays)`,
    );
  });

  it('with default flow control, against a rate limit, 5xx, dropped connections and polls failing transiently: synced is what the group holds, and nothing applied is reported failed unless mayHaveApplied', async () => {
    await emu.stop();
    emu = await startEmulator({
      processingDelayMs: 150,
      rateLimit: { requestsPerSecond: 15, burst: 5, retryAfterMs: true },
    });
    const client = makeClient(
      { apiKey: emu.apiKey, baseURL: emu.url, maxRetries: 10, timeoutMs: 60_000 },
      { scheduler: fastForward(20), env: {} },
    );
    const group = await lastValueFrom(client.groups.create({ name: 'Roster limits', external_reference_id: 'e2e-2' }));
    const spec: RosterOptions = { size: 6_000, seed: 9, invalidRate: 0.02, planIds: emu.planIds };
    const expected = rosterExpectation(spec);
    emu.setFaults({ seed: 3, errorRate: 0.08, dropRate: 0.05 });

    // on top of the emulator's faults: every third poll fails with a dropped connection after the
    // client's retries, so pollUntilComplete must poll again on its own schedule
    let polls = 0;
    let pollFailures = 0;
    const flaky: VitableConnect = {
      ...client,
      members: {
        sync: {
          submit: client.members.sync.submit,
          retrieve: (g, r, o) =>
            defer(() =>
              ++polls % 3 === 0
                ? (pollFailures++, throwError(() => new ConnectionError({ method: 'GET', path: `/v1/groups/${g}/members/sync/${r}` }, 'socket hang up')))
                : client.members.sync.retrieve(g, r, o),
            ),
        },
      },
    };
    const events: SyncEvent[] = [];
    await new Promise<void>((resolve, reject) =>
      syncRoster(flaky, group.id, [...rosterEntries(spec)].map((e) => e.member), { maxMembers: 500 }).subscribe({
        next: (e) => events.push(e),
        error: reject,
        complete: resolve,
      }),
    );
    const report = (events[events.length - 1] as { report: SyncReport }).report;
    const stats = emu.stats();
    const rateLimited = Object.values(stats.byRoute).reduce((n, byStatus) => n + (byStatus['429'] ?? 0), 0);
    expect(rateLimited, 'the rate limit answered 429s').to.be.above(0);
    expect(stats.faults.errors + stats.faults.drops, 'injected faults').to.be.above(0);
    expect(pollFailures, 'polls failed transiently').to.be.above(0);

    expect(report.read).to.equal(report.invalid + report.failed + report.synced);
    expect(report.invalid).to.equal(expected.invalid);
    const stored = new Set(emu.members(group.id).map((m) => m.reference_id));
    const failedEvents = events.filter((e): e is FailedEvent => e.type === 'failed');
    // a member reported failed is not in the group, unless its batch's event says the server may have applied it
    for (const f of failedEvents)
      if (!f.mayHaveApplied) for (const ref of f.referenceIds) expect(stored.has(ref), ref).to.equal(false);
    const mayHave = new Set(failedEvents.filter((f) => f.mayHaveApplied).flatMap((f) => f.referenceIds));
    const completed = events.filter((e) => e.type === 'completed').length;
    expect(stored.size).to.equal(report.synced + [...mayHave].filter((r) => stored.has(r)).length);
    // polls that fail transiently cost no batch: every accepted batch completed, and synced is what the group holds
    expect(failedEvents.filter((f) => f.requestId !== undefined)).to.deep.equal([]);
    expect(completed).to.equal(report.requestIds.length);
    expect(report.synced).to.equal(stored.size);
    expect(report.synced).to.equal(expected.synced);
    expect(stats.duplicateBatches).to.equal(0);
  });
});
