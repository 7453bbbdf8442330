/**
 * One resume, or one re-reading without a journal, in a fresh process
 * (benchmark 6): a resume happens after a crash or a deploy, in a process
 * that has run nothing before, and a fresh process per run keeps each run
 * from inheriting the heap and the compiler's state of the runs before it.
 * Input: a {@link ResumeWorkerInput} as a JSON argument; output: one
 * {@link ResumeWorkerOutput} JSON line on stdout.
 */
import { performance } from 'node:perf_hooks';
import { lastValueFrom, throwError } from 'rxjs';
import { fileJournal, syncRoster, type VitableConnect } from '../lib';
import { Admission } from '../lib/pipelines/admission';
import { RosterBatcher } from '../lib/pipelines/roster-batcher';
import { validMembers } from './members';

/** What the parent asks for. */
export interface ResumeWorkerInput {
  /**
   * `resume`: the sync again with the journal; `read`: validation,
   * de-duplication and batching alone; `generate`: the roster generator alone.
   */
  readonly which: 'resume' | 'read' | 'generate';
  /** The journal of the completed sync (for `resume`). */
  readonly journal: string;
  readonly groupId: string;
  readonly planIds: ReadonlyArray<string>;
  readonly size: number;
  readonly maxMembers: number;
}

/** What the worker measured. */
export interface ResumeWorkerOutput {
  readonly ms: number;
  /** Members the resume reported synced (for `read`: members batched). */
  readonly synced: number;
  /** Request ids the resume reported (for `read`: batches closed). */
  readonly batches: number;
}

/** A client that must not be called: a resume of a completed sync sends nothing. */
const refusingClient = (): VitableConnect =>
  ({
    members: {
      sync: {
        submit: () => throwError(() => new Error('resume sent a batch')),
        retrieve: () => throwError(() => new Error('resume polled a batch')),
      },
    },
  }) as unknown as VitableConnect;

const resume = async (input: ResumeWorkerInput): Promise<ResumeWorkerOutput> => {
  const start = performance.now();
  const last = await lastValueFrom(
    syncRoster(refusingClient(), input.groupId, validMembers(input.size, input.planIds), {
      maxMembers: input.maxMembers,
      journal: fileJournal(input.journal),
    }),
  );
  const ms = performance.now() - start;
  if (last.type !== 'done') throw new Error(`the resume ended with ${last.type}`);
  return { ms, synced: last.report.synced, batches: last.report.requestIds.length };
};

/** Re-reading without a journal: validation, de-duplication and batching, as the sync does them. */
const read = (input: ResumeWorkerInput): ResumeWorkerOutput => {
  const start = performance.now();
  const admission = new Admission(1_000_000);
  const batcher = new RosterBatcher(input.maxMembers, 1_000_000);
  let batches = 0;
  let synced = 0;
  let index = 0;
  const closed = (c: { readonly members: ReadonlyArray<unknown> }): void => {
    batches++;
    synced += c.members.length;
  };
  for (const m of validMembers(input.size, input.planIds)) {
    const a = admission.admit(m);
    if (a.kind !== 'rejected') batcher.push(a.member, a.bytes, a.handle, index, a.fingerprint, closed);
    index++;
  }
  const rest = batcher.flush();
  if (rest) closed(rest);
  return { ms: performance.now() - start, synced, batches };
};

/** The roster generator alone: what any reading of this roster costs before the library sees a member. */
const generate = (input: ResumeWorkerInput): ResumeWorkerOutput => {
  const start = performance.now();
  let n = 0;
  for (const m of validMembers(input.size, input.planIds)) if (m !== undefined) n++;
  return { ms: performance.now() - start, synced: n, batches: Math.ceil(n / input.maxMembers) };
};

const main = async (): Promise<void> => {
  const input = JSON.parse(process.argv[2] ?? '{}') as ResumeWorkerInput;
  const output = input.which === 'resume' ? await resume(input) : input.which === 'read' ? read(input) : generate(input);
  process.stdout.write(`${JSON.stringify(output)}\n`);
};

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`resume-worker: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
