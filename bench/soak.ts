/**
 * `npm run soak`: 200,000 members through `syncRoster` with its default flow
 * control (adaptive concurrency, learned polling) into an emulator in a
 * separate process, rate-limited (a token bucket of 20 requests/s, burst 10,
 * whole-second `Retry-After`) and with faults on top (10% 5xx, 5% dropped
 * connections, 5% injected 429, latency jitter), then checks the invariants
 * against ground truth the roster generator knows independently of the library:
 *
 * 1. every member is accounted for exactly once (`read === invalid + failed + synced`,
 *    and per source index / reference_id);
 * 2. the emulator's group equals the valid input (field by field, normalised);
 * 3. no batch was processed twice (`stats().duplicateBatches === 0`);
 * 4. no batch failed: 0 members failed but those the server itself rejects.
 *
 * A batch reported `failed` after all retries may still have been processed by
 * the server (a connection dropped after the request took effect, then every
 * retry failed too): the check accepts such a batch in the group only whole,
 * and reports how many there were. Exits 1 when an invariant fails.
 */
import { performance } from 'node:perf_hooks';
import * as path from 'node:path';
import { lastValueFrom } from 'rxjs';
import { createClient, syncRoster } from '../lib';
import type { FailedEvent, RetryReason, SyncReport } from '../lib';
import type { EmulatorStats, RateLimitOptions, StoredMember } from '../lib/emulator';
import { startEmulatorProcess } from './child';
import { say } from './harness';
import { expectedMember, soakMembers, soakPlan } from './members';
import { machineInfo, renderDocs, repoRoot, writeJson } from './report';
import type { SoakFile } from './report';
import { Invariants, memberDifference, SOAK_FAULTS, soakTruth } from './soak-checks';

const SIZE = Number(process.env.SOAK_MEMBERS ?? '') || 200_000;
const MAX_MEMBERS = 1000;
const RATE_LIMIT: RateLimitOptions = { requestsPerSecond: 20, burst: 10 };
const FAULTS = SOAK_FAULTS;
const PROCESSING_DELAY_MS = 100;
const MAX_RETRIES = Number(process.env.SOAK_MAX_RETRIES ?? '') || 8;
/** Overrides (`SOAK_MEMBERS`, `SOAK_MAX_RETRIES`) are for trying the checks out; their results are not recorded. */
const OVERRIDDEN = process.env.SOAK_MEMBERS !== undefined || process.env.SOAK_MAX_RETRIES !== undefined;
const TIME_LIMIT_S = 600;

const main = async (): Promise<number> => {
  const started = new Date();
  const t0 = performance.now();
  const emu = await startEmulatorProcess({
    processingDelayMs: PROCESSING_DELAY_MS,
    maxMembersPerSync: MAX_MEMBERS,
    rateLimit: RATE_LIMIT,
  });
  const retries: Partial<Record<RetryReason, number>> = {};
  const client = createClient({
    apiKey: emu.apiKey,
    baseURL: emu.url,
    maxRetries: MAX_RETRIES,
    timeoutMs: 10_000,
    onRetry: (e) => {
      retries[e.reason] = (retries[e.reason] ?? 0) + 1;
    },
  });
  try {
    const group = await lastValueFrom(client.groups.create({ name: 'Soak', external_reference_id: 'soak' }));
    await emu.setFaults(FAULTS);
    say(`soak: ${SIZE.toLocaleString('en-US')} members into ${group.id}, rate limit ${JSON.stringify(RATE_LIMIT)}, faults ${JSON.stringify(FAULTS)}`);

    // ---- run --------------------------------------------------------------------------
    const invalidIndexes: number[] = [];
    const failedBatches: FailedEvent[] = [];
    const serverFailed = new Map<string, string>();
    let completedSynced = 0;
    let submitted = 0;
    let lastProgress = 0;
    let report: SyncReport | undefined;
    await new Promise<void>((resolve, reject) => {
      syncRoster(client, group.id, soakMembers(SIZE, emu.planIds), { maxMembers: MAX_MEMBERS }).subscribe({
        next: (e) => {
          switch (e.type) {
            case 'invalid':
              invalidIndexes.push(e.index);
              break;
            case 'submitted':
              submitted++;
              break;
            case 'completed':
              completedSynced += e.synced;
              for (const f of e.failures) serverFailed.set(f.reference_id, f.reason);
              break;
            case 'failed':
              failedBatches.push(e);
              break;
            case 'progress': {
              const now = performance.now();
              if (now - lastProgress > 5000) {
                lastProgress = now;
                say(
                  `  read ${e.read}, synced ${e.synced}, invalid ${e.invalid}, failed ${e.failed}, in flight ${e.inFlight}, ` +
                    `${Math.round(e.membersPerSecond)} members/s, ${((now - t0) / 1000).toFixed(0)} s`,
                );
              }
              break;
            }
            case 'done':
              report = e.report;
              break;
          }
        },
        error: reject,
        complete: resolve,
      });
    });
    const elapsedS = (performance.now() - t0) / 1000;
    if (report === undefined) throw new Error('syncRoster completed without a done event');
    const r: SyncReport = report;
    await emu.setFaults(undefined);
    const stats = (await emu.stats()) as EmulatorStats;

    // ---- ground truth ---------------------------------------------------------------
    const { expectedInvalid, sent, unknownPlan } = soakTruth(SIZE);

    // ---- accounting -------------------------------------------------------------------
    const invariants = new Invariants();
    const check = invariants.check.bind(invariants);
    check(
      'read === invalid + failed + synced',
      r.read === SIZE && r.read === r.invalid + r.failed + r.synced,
      `read ${r.read} (source ${SIZE}) = invalid ${r.invalid} + failed ${r.failed} + synced ${r.synced}`,
    );

    const invalidSet = new Set(invalidIndexes);
    const wrongInvalid = [...invalidSet].filter((i) => !expectedInvalid.has(i));
    const missedInvalid = [...expectedInvalid].filter((i) => !invalidSet.has(i));
    check(
      'exactly the generated invalid members and repeats are invalid, each once',
      invalidIndexes.length === invalidSet.size &&
        wrongInvalid.length === 0 &&
        missedInvalid.length === 0 &&
        r.invalid === expectedInvalid.size,
      `${invalidIndexes.length} invalid events, ${invalidSet.size} distinct, expected ${expectedInvalid.size}; ` +
        `wrongly rejected ${wrongInvalid.slice(0, 5).join(',') || 'none'}, missed ${missedInvalid.slice(0, 5).join(',') || 'none'}`,
    );

    const failedRefs = new Map<string, number>();
    for (const b of failedBatches) for (const ref of b.referenceIds) failedRefs.set(ref, (failedRefs.get(ref) ?? 0) + 1);
    const failedTwice = [...failedRefs].filter(([, n]) => n > 1).map(([ref]) => ref);
    const failedUnknown = [...failedRefs.keys()].filter((ref) => !sent.has(ref));
    const failedAndServer = [...failedRefs.keys()].filter((ref) => serverFailed.has(ref));
    const serverNotUnknownPlan = [...serverFailed.keys()].filter((ref) => !unknownPlan.has(ref));
    const unknownPlanUnreported = [...unknownPlan].filter((ref) => !serverFailed.has(ref) && !failedRefs.has(ref));
    const synced = [...sent.keys()].filter((ref) => !failedRefs.has(ref) && !serverFailed.has(ref));
    check(
      'every sent member is synced, failed by the server, or in one failed batch: exactly one of them',
      failedTwice.length === 0 &&
        failedUnknown.length === 0 &&
        failedAndServer.length === 0 &&
        serverNotUnknownPlan.length === 0 &&
        unknownPlanUnreported.length === 0 &&
        synced.length === r.synced &&
        completedSynced === r.synced &&
        failedRefs.size + serverFailed.size === r.failed,
      `${sent.size} sent = ${synced.length} synced (report ${r.synced}, completed events ${completedSynced}) + ` +
        `${serverFailed.size} server failures (all unknown plans: ${serverNotUnknownPlan.length === 0 && unknownPlanUnreported.length === 0}) + ` +
        `${failedRefs.size} in ${failedBatches.length} failed batches (report failed ${r.failed}); ` +
        `in two failed batches ${failedTwice.length}, failed but never sent ${failedUnknown.length}, both failed and server-failed ${failedAndServer.length}`,
    );
    const byStage = { validation: 0, server: 0, request: 0 };
    for (const f of r.failures) byStage[f.stage]++;
    check(
      'report.failures lists each invalid or failed member once, by stage',
      byStage.validation === r.invalid && byStage.server === serverFailed.size && byStage.request === failedRefs.size,
      `validation ${byStage.validation}, server ${byStage.server}, request ${byStage.request}`,
    );

    // ---- the group ------------------------------------------------------------------
    const stored = new Map<string, StoredMember>();
    let storedTwice = 0;
    for (const m of await emu.members(group.id)) {
      if (stored.has(m.reference_id)) storedTwice++;
      stored.set(m.reference_id, m);
    }
    const missing = synced.filter((ref) => !stored.has(ref));
    const syncedSet = new Set(synced);
    const extra = [...stored.keys()].filter((ref) => !syncedSet.has(ref));
    const extraNotFailed = extra.filter((ref) => !failedRefs.has(ref));
    const mismatched: string[] = [];
    for (const ref of [...synced, ...extra.filter((r) => failedRefs.has(r))]) {
      const m = stored.get(ref);
      const i = sent.get(ref);
      if (m === undefined || i === undefined) continue;
      const problem = memberDifference(m, expectedMember(i, soakPlan(i, emu.planIds)));
      if (problem !== undefined) mismatched.push(`${ref}: ${problem}`);
    }
    let processedAnyway = 0;
    let partial = 0;
    for (const b of failedBatches) {
      // members with a plan the server rejects are never stored, even when the batch was processed
      const storable = b.referenceIds.filter((ref) => !unknownPlan.has(ref)).length;
      const inGroup = b.referenceIds.filter((ref) => stored.has(ref)).length;
      if (inGroup > 0 && inGroup === storable) processedAnyway++;
      else if (inGroup > 0) partial++;
    }
    check(
      "the emulator's group equals the valid input",
      storedTwice === 0 && missing.length === 0 && mismatched.length === 0 && extraNotFailed.length === 0 && partial === 0,
      `${stored.size} members stored for ${synced.length} synced; missing ${missing.length}, fields differ ${mismatched.length}` +
        `${mismatched.length > 0 ? ` (${mismatched[0]})` : ''}, unexpected ${extraNotFailed.length}, stored twice ${storedTwice}; ` +
        `${failedBatches.length} failed batches: ${processedAnyway} processed server-side anyway (in the group whole), ${partial} partly`,
    );
    check(
      'no batch processed twice',
      stats.duplicateBatches === 0,
      `duplicateBatches ${stats.duplicateBatches}, batches accepted ${stats.batchesAccepted}, processed ${stats.batchesProcessed}, idempotent replays ${stats.idempotentReplays}`,
    );
    check(
      'no batch failed: 0 members failed but those the server rejects',
      failedBatches.length === 0 && r.failed === serverFailed.size,
      `${failedBatches.length} failed batches; failed ${r.failed} = ${serverFailed.size} server failures (unknown plans)`,
    );
    const rateLimited = Object.values(stats.byRoute).reduce((n, byStatus) => n + (byStatus['429'] ?? 0), 0);
    check(
      'the rate limit was reached',
      rateLimited > 0,
      `${rateLimited} requests answered 429 (${((rateLimited / stats.requests) * 100).toFixed(1)}% of ${stats.requests})`,
    );
    check('finished within 10 minutes', elapsedS < TIME_LIMIT_S, `${elapsedS.toFixed(1)} s`);

    // ---- output -------------------------------------------------------------------
    const passed = invariants.passed;
    const out: SoakFile = {
      startedAt: started.toISOString(),
      durationS: elapsedS,
      machine: machineInfo(),
      settings: {
        members: SIZE,
        concurrency: 'default (adaptive)',
        maxMembers: MAX_MEMBERS,
        maxRetries: MAX_RETRIES,
        'client timeoutMs': 10_000,
        poll: 'default (learned)',
        processingDelayMs: PROCESSING_DELAY_MS,
        'rate limit': JSON.stringify(RATE_LIMIT),
        faults: JSON.stringify(FAULTS),
        emulator: 'a separate process',
      },
      report: {
        read: r.read,
        invalid: r.invalid,
        failed: r.failed,
        synced: r.synced,
        added: r.added,
        removed: r.removed,
        batches: r.requestIds.length,
        'submitted events': submitted,
        'failed batches': failedBatches.length,
        durationMs: r.durationMs,
        'members/s': r.read / (r.durationMs / 1000),
      },
      emulator: {
        requests: stats.requests,
        'injected 5xx': stats.faults.errors,
        'dropped connections': stats.faults.drops,
        'injected 429': stats.faults.rateLimited,
        'idempotent replays': stats.idempotentReplays,
        'batches accepted': stats.batchesAccepted,
        'batches processed': stats.batchesProcessed,
        'duplicate batches': stats.duplicateBatches,
        'members in group': stored.size,
      },
      retries: retries as Record<string, number>,
      invariants: invariants.list,
      passed,
    };
    const { failures, requestIds, ...summary } = r;
    console.log('Report:', JSON.stringify({ ...summary, requestIds: `${requestIds.length} ids`, failures: `${failures.length} entries` }, null, 2));
    if (failedBatches.length > 0)
      console.log('Failed batches:', failedBatches.map((b) => `${b.referenceIds.length} members: ${b.error._tag} ${b.error.message}`));
    console.log('Emulator:', JSON.stringify(out.emulator), '\nRetries:', JSON.stringify(retries));
    invariants.print(elapsedS);
    if (!OVERRIDDEN) {
      writeJson(path.join(repoRoot(), 'bench', 'soak-results.json'), out);
      renderDocs();
    }
    return passed ? 0 : 1;
  } finally {
    await emu.stop();
  }
};

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);
