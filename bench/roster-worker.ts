/**
 * One roster sync in a fresh process (benchmark 3), so that its peak RSS
 * belongs to that roster size alone. Input: a {@link RosterWorkerInput} as a
 * JSON argument; output: one {@link RosterWorkerOutput} JSON line on stdout.
 */
import { performance } from 'node:perf_hooks';
import { createClient, fileJournal, syncRoster } from '../lib';
import type { SyncReport } from '../lib';
import { validMembers } from './members';

/** What the parent asks for. */
export interface RosterWorkerInput {
  readonly url: string;
  readonly apiKey: string;
  readonly groupId: string;
  readonly planIds: ReadonlyArray<string>;
  readonly size: number;
  readonly maxMembers: number;
  readonly concurrency: number;
  readonly poll: { readonly initialDelayMs: number; readonly factor: number; readonly maxDelayMs: number };
  /** A journal file to sync with (`fileJournal`), when set. */
  readonly journal?: string;
}

/** What the worker measured. */
export interface RosterWorkerOutput {
  readonly size: number;
  readonly read: number;
  readonly invalid: number;
  readonly failed: number;
  readonly synced: number;
  readonly batches: number;
  readonly ms: number;
  readonly membersPerSecond: number;
  /** `process.resourceUsage().maxRSS` at the end, in MB. */
  readonly peakRssMB: number;
  /** Highest `heapUsed` sampled every 50 ms, in MB. */
  readonly peakHeapMB: number;
  readonly firstError?: string;
}

const MB = 1024 * 1024;

const main = async (): Promise<void> => {
  const input = JSON.parse(process.argv[2] ?? '{}') as RosterWorkerInput;
  const client = createClient({ apiKey: input.apiKey, baseURL: input.url });
  let peakHeap = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 50);
  let firstError: string | undefined;
  const start = performance.now();
  const report = await new Promise<SyncReport>((resolve, reject) => {
    let done: SyncReport | undefined;
    syncRoster(client, input.groupId, validMembers(input.size, input.planIds), {
      maxMembers: input.maxMembers,
      concurrency: input.concurrency,
      poll: input.poll,
      ...(input.journal !== undefined ? { journal: fileJournal(input.journal) } : {}),
    }).subscribe({
      next: (event) => {
        if (event.type === 'done') done = event.report;
        else if (event.type === 'failed' && firstError === undefined) firstError = event.error.message;
      },
      error: reject,
      complete: () => (done === undefined ? reject(new Error('syncRoster completed without a report')) : resolve(done)),
    });
  });
  const ms = performance.now() - start;
  clearInterval(sampler);
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  const output: RosterWorkerOutput = {
    size: input.size,
    read: report.read,
    invalid: report.invalid,
    failed: report.failed,
    synced: report.synced,
    batches: report.requestIds.length,
    ms,
    membersPerSecond: report.synced / (ms / 1000),
    peakRssMB: (process.resourceUsage().maxRSS * 1024) / MB,
    peakHeapMB: peakHeap / MB,
    ...(firstError === undefined ? {} : { firstError }),
  };
  process.stdout.write(`${JSON.stringify(output)}\n`);
};

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`roster-worker: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
