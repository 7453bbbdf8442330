// End to end: syncRoster → createClient (real HTTP, retries, 429 gate) → the emulator with faults on.
import { expect } from 'chai';
import { asyncScheduler, lastValueFrom, type SchedulerAction, type SchedulerLike, type Subscription } from 'rxjs';
import { makeClient } from '../../lib/client';
import { startEmulator, type Emulator } from '../../lib/emulator';
import { syncRoster } from '../../lib/pipelines/sync-roster';
import type { SyncEvent, SyncReport } from '../../lib/pipelines/sync-events';
import type { RetryEvent } from '../../lib/types';
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
});
