/**
 * `npm run soak:crash`: the soak's 200,000 members, with the emulator's faults
 * and a rate limit on, synced by a child process with a file journal that is
 * killed with SIGKILL at 5 random moments (after a seeded random number of
 * completed batches) and resumed each time (the same
 * command again), then run to the end. The emulator runs in this process, so
 * it survives every crash and can be checked against the generator's ground
 * truth. Every invariant of `npm run soak` is checked on the final report
 * (which covers the whole roster: the resumed runs take the completed batches'
 * outcomes from the journal), plus: every request id once, and the work redone
 * after each crash within the batches that were in flight: the batches a
 * resumed run sent again with a key the journal recorded before it (seen by a
 * pass-through in front of the emulator, bench/key-recorder.ts, so that the
 * client's own retries after a dropped connection, also answered as replays,
 * are not taken for redone work). Prints the work redone and the
 * journal's size per batch. Exits 1 when an invariant fails.
 *
 * `SOAK_MEMBERS`, `SOAK_CRASHES` and `SOAK_SEED` override the size, the number
 * of crashes and the seed of the kill moments.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { lastValueFrom } from 'rxjs';
import { createClient, fileJournal, syncRoster } from '../lib';
import type { ResumedEvent, SyncReport } from '../lib';
import { startEmulator } from '../lib/emulator';
import type { StoredMember } from '../lib/emulator';
import { mulberry32 } from '../lib/internal/mulberry32';
import { say } from './harness';
import { startKeyRecorder } from './key-recorder';
import { expectedMember, soakMembers, soakPlan } from './members';
import { Invariants, memberDifference, SOAK_FAULTS, soakTruth } from './soak-checks';

const SIZE = Number(process.env.SOAK_MEMBERS ?? '') || 200_000;
const CRASHES = Number(process.env.SOAK_CRASHES ?? '') || 5;
const SEED = Number(process.env.SOAK_SEED ?? '') || 20261202;
const MAX_MEMBERS = 1000;
const FAULTS = SOAK_FAULTS;
const RATE_LIMIT = { requestsPerSecond: 200, burst: 50 };
const PROCESSING_DELAY_MS = 100;
const POLL = { initialDelayMs: 100, factor: 2, maxDelayMs: 1000 };

/** What the parent hands the child. */
interface WorkerInput {
  readonly url: string;
  readonly apiKey: string;
  readonly groupId: string;
  readonly planIds: ReadonlyArray<string>;
  readonly journal: string;
}

// -------------------------------------------------------------------------------------
// the child: one run of the sync, printing the events the parent needs as JSON lines
// -------------------------------------------------------------------------------------

const worker = async (input: WorkerInput): Promise<void> => {
  const client = createClient({ apiKey: input.apiKey, baseURL: input.url, maxRetries: 8, timeoutMs: 10_000 });
  const out = (line: unknown): void => void process.stdout.write(`${JSON.stringify(line)}\n`);
  out({ type: 'started' });
  await new Promise<void>((resolve, reject) =>
    syncRoster(client, input.groupId, soakMembers(SIZE, input.planIds), {
      maxMembers: MAX_MEMBERS,
      poll: POLL,
      journal: fileJournal(input.journal),
    }).subscribe({
      next: (e) => {
        if (e.type === 'resumed' || e.type === 'done') out(e);
        else if (e.type === 'completed') out({ type: 'completed', requestId: e.request.request_id });
        else if (e.type === 'failed') out({ type: 'failed', size: e.referenceIds.length, error: e.error.message });
      },
      error: reject,
      complete: resolve,
    }),
  );
};

/** Runs the child; kills it with SIGKILL when it has completed `killAfter` batches (never when undefined). */
const runChild = (
  input: WorkerInput,
  killAfter: number | undefined,
): Promise<{ lines: Record<string, unknown>[]; killed: boolean; status: number | null }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [__filename, '--worker', JSON.stringify(input)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines: Record<string, unknown>[] = [];
    let buffered = '';
    let killed = false;
    let completed = 0;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const text = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (text.trim() === '') continue;
        const line = JSON.parse(text) as Record<string, unknown>;
        lines.push(line);
        if (line['type'] === 'completed' && killAfter !== undefined && ++completed === killAfter) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    });
    child.on('error', reject);
    child.on('close', (status) => {
      resolve({ lines, killed, status });
    });
  });

// -------------------------------------------------------------------------------------
// the parent
// -------------------------------------------------------------------------------------

/** The `Idempotency-Key` of every batch the journal at `file` records as sent (none before the first run). */
const recordedKeys = async (file: string): Promise<ReadonlySet<string>> => {
  const rows = await readFile(file, 'utf8').catch(() => '');
  const keys = new Set<string>();
  for (const line of rows.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const record = JSON.parse(line) as { type?: unknown; idempotencyKey?: unknown };
      if (record.type === 'sending' && typeof record.idempotencyKey === 'string') keys.add(record.idempotencyKey);
    } catch {
      // a torn last line, from the kill in the middle of a write
    }
  }
  return keys;
};

const main = async (): Promise<number> => {
  const t0 = performance.now();
  const random = mulberry32(SEED);
  const dir = mkdtempSync(path.join(tmpdir(), 'soak-crash-'));
  const emu = await startEmulator({ processingDelayMs: PROCESSING_DELAY_MS, maxMembersPerSync: MAX_MEMBERS, rateLimit: RATE_LIMIT });
  // the child talks to the emulator through it: the keys of its submits tell what a resume sent again
  const recorder = await startKeyRecorder(emu.url);
  try {
    const client = createClient({ apiKey: emu.apiKey, baseURL: emu.url });
    const group = await lastValueFrom(client.groups.create({ name: 'Soak crash', external_reference_id: 'soak-crash' }));
    emu.setFaults(FAULTS);
    const input: WorkerInput = { url: recorder.url, apiKey: emu.apiKey, groupId: group.id, planIds: emu.planIds, journal: path.join(dir, 'sync.journal') };
    say(`soak:crash: ${SIZE.toLocaleString('en-US')} members into ${group.id}, ${CRASHES} crashes (seed ${SEED}), faults ${JSON.stringify(FAULTS)}, rate limit ${JSON.stringify(RATE_LIMIT)}`);

    // ---- runs: killed CRASHES times at random moments, then to the end --------------
    const runs: {
      killed: boolean;
      killAfter?: number;
      replays: number;
      /** Batches of earlier runs (their keys in the journal before this run) that this run sent again. */
      resent: number;
      resumed?: ResumedEvent;
      completed: number;
    }[] = [];
    let report: SyncReport | undefined;
    for (let i = 0; i <= CRASHES; i++) {
      // a random moment: after 1 to 40 more batches completed
      const killAfter = i < CRASHES ? 1 + Math.floor(random() * 40) : undefined;
      const before = emu.stats().idempotentReplays;
      const recorded = await recordedKeys(input.journal);
      const firstKey = recorder.keys.length;
      const r = await runChild(input, killAfter);
      const resent = new Set(recorder.keys.slice(firstKey).filter((k) => recorded.has(k))).size;
      const resumed = r.lines.find((l) => l['type'] === 'resumed') as ResumedEvent | undefined;
      const done = r.lines.find((l) => l['type'] === 'done') as { report: SyncReport } | undefined;
      if (done) report = done.report;
      const run = {
        killed: r.killed,
        ...(killAfter !== undefined ? { killAfter } : {}),
        replays: emu.stats().idempotentReplays - before,
        resent,
        ...(resumed ? { resumed } : {}),
        completed: r.lines.filter((l) => l['type'] === 'completed').length,
      };
      runs.push(run);
      say(
        `  run ${i + 1}: ${r.killed ? `killed after ${killAfter} batches completed` : `exit ${r.status}`}; ` +
          `${resumed ? `resumed ${resumed.completed} completed, ${resumed.inFlight} in flight, ${resumed.unsent} unsent; ` : ''}` +
          `${run.completed} batches completed in this run; ${run.resent} batches of earlier runs sent again, ` +
          `${run.replays} answers replayed by key (those resends, and retries after a dropped connection)`,
      );
      if (!r.killed && !done) throw new Error(`run ${i + 1} ended (exit ${r.status}) without a report`);
      if (!r.killed) break;
    }
    if (report === undefined) throw new Error('the last run printed no report');
    const r = report;
    const elapsedS = (performance.now() - t0) / 1000;
    emu.setFaults(undefined);
    const stats = emu.stats();
    const journalBytes = statSync(input.journal).size;
    const records = (await fileJournal(input.journal).load()).length;

    // ---- ground truth ---------------------------------------------------------------
    const { expectedInvalid, sent, unknownPlan } = soakTruth(SIZE);

    const invariants = new Invariants();
    const check = invariants.check.bind(invariants);
    check('killed at every crash moment', runs.filter((x) => x.killed).length === CRASHES, `${runs.filter((x) => x.killed).length} of ${CRASHES} runs killed`);
    check(
      'read === invalid + failed + synced over the whole roster',
      r.read === SIZE && r.read === r.invalid + r.failed + r.synced,
      `read ${r.read} (source ${SIZE}) = invalid ${r.invalid} + failed ${r.failed} + synced ${r.synced}`,
    );
    const invalidIdx = r.failures.filter((f) => f.stage === 'validation').map((f) => f.index!);
    const invalidSet = new Set(invalidIdx);
    check(
      'exactly the generated invalid members and repeats are invalid, each once',
      invalidIdx.length === invalidSet.size && invalidSet.size === expectedInvalid.size && [...expectedInvalid].every((i) => invalidSet.has(i)),
      `${invalidIdx.length} listed, ${invalidSet.size} distinct, expected ${expectedInvalid.size}`,
    );
    const serverFailed = r.failures.filter((f) => f.stage === 'server').map((f) => f.reference_id!);
    const requestFailed = r.failures.filter((f) => f.stage === 'request').map((f) => f.reference_id!);
    const lost = new Set([...serverFailed, ...requestFailed]);
    const synced = [...sent.keys()].filter((ref) => !lost.has(ref));
    check(
      'every sent member is synced, failed by the server, or in one failed batch: exactly one of them',
      lost.size === serverFailed.length + requestFailed.length &&
        serverFailed.every((ref) => unknownPlan.has(ref)) &&
        [...unknownPlan].every((ref) => lost.has(ref)) &&
        synced.length === r.synced &&
        lost.size === r.failed,
      `${sent.size} sent = ${synced.length} synced (report ${r.synced}) + ${serverFailed.length} server failures + ${requestFailed.length} in failed batches (report failed ${r.failed})`,
    );
    const stored = new Map<string, StoredMember>();
    let storedTwice = 0;
    for (const m of emu.members(group.id)) {
      if (stored.has(m.reference_id)) storedTwice++;
      stored.set(m.reference_id, m);
    }
    const missing = synced.filter((ref) => !stored.has(ref));
    const syncedSet = new Set(synced);
    const extra = [...stored.keys()].filter((ref) => !syncedSet.has(ref) && !requestFailed.includes(ref));
    const mismatched = synced.filter((ref) => {
      const m = stored.get(ref);
      const i = sent.get(ref)!;
      return m !== undefined && memberDifference(m, expectedMember(i, soakPlan(i, emu.planIds))) !== undefined;
    });
    check(
      "the emulator's group equals the valid input",
      storedTwice === 0 && missing.length === 0 && mismatched.length === 0 && extra.length === 0,
      `${stored.size} stored for ${synced.length} synced; missing ${missing.length}, fields differ ${mismatched.length}, unexpected ${extra.length}, stored twice ${storedTwice}`,
    );
    check(
      'no batch processed twice',
      stats.duplicateBatches === 0,
      `duplicateBatches ${stats.duplicateBatches}, batches accepted ${stats.batchesAccepted}, processed ${stats.batchesProcessed}, idempotent replays ${stats.idempotentReplays}`,
    );
    check(
      'every request id listed once, one per batch the server accepted',
      new Set(r.requestIds).size === r.requestIds.length && r.requestIds.length === stats.batchesAccepted,
      `${r.requestIds.length} request ids, ${new Set(r.requestIds).size} distinct, ${stats.batchesAccepted} batches accepted`,
    );
    const redone = runs.slice(1).map((x) => x.resent);
    check(
      'work redone after each crash within the batches in flight',
      runs.slice(1).every((x) => x.resumed !== undefined && x.resent <= x.resumed.inFlight),
      runs.slice(1).map((x, i) => `crash ${i + 1}: ${x.resent} sent again of ${x.resumed?.inFlight ?? '?'} in flight`).join('; '),
    );
    const batches = r.requestIds.length;
    console.log(
      `Work redone: ${redone.reduce((a, b) => a + b, 0)} batches sent again after ${CRASHES} crashes (${redone.join(', ')}), ` +
        `each with the key recorded before the crash; ${stats.batchesProcessed - batches} batches processed more than once by the server.`,
    );
    console.log(`Journal: ${journalBytes.toLocaleString('en-US')} bytes, ${records} records for ${batches} batches: ${Math.round(journalBytes / batches)} bytes a batch.`);
    invariants.print(elapsedS);
    return invariants.passed ? 0 : 1;
  } finally {
    await recorder.stop();
    await emu.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};

if (process.argv[2] === '--worker')
  // no process.exit: it would cut the report line still being written to the pipe
  worker(JSON.parse(process.argv[3] ?? '{}') as WorkerInput).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
else
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e instanceof Error ? (e.stack ?? e.message) : e);
      process.exit(1);
    },
  );
