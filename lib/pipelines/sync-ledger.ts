import type { SyncRequest } from '../codecs';
import { formatIssues, redact, type Issue, type VitableError } from '../errors';
import type { SentBatch } from './roster-batcher';
import type {
  CompletedEvent,
  FailedEvent,
  InvalidEvent,
  MemberFailure,
  ProgressEvent,
  SubmittedEvent,
  SyncReport,
} from './sync-events';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The recorded outcome of a batch completed in an earlier run (see `replayed`). @internal */
export interface ReplayedOutcome {
  readonly requestId: string;
  readonly added: number;
  readonly removed: number;
  readonly failures: ReadonlyArray<{
    readonly index: number;
    readonly reference_id: string;
    readonly operation: 'add' | 'remove';
    readonly reason: string;
  }>;
}

/** How a batch that did not sync failed. @internal */
export interface BatchFailure {
  readonly error: VitableError;
  /** The failures' reason. */
  readonly reason: string;
  readonly requestId?: string;
  readonly mayHaveApplied: boolean;
}

/** Orders failures by their position in the source (stable: one member's failures keep their order). */
const bySourceIndex = (a: MemberFailure, b: MemberFailure): number => (a.index ?? Number.MAX_SAFE_INTEGER) - (b.index ?? Number.MAX_SAFE_INTEGER);

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The account of a roster sync: counters, the failures list, the request ids
 * and the report. Pure: each method records one fact and returns the event
 * that tells it; time comes in as an argument. Every member read ends in
 * exactly one of `invalid`, `failed` or `synced` once its batch settles, so
 * `read === invalid + failed + synced + pending` at every step.
 *
 * @example
 * // internal (lib/pipelines/sync-ledger.ts)
 * const ledger = new SyncLedger('grp_1', 0, (handle) => ids.idAt(handle));
 * const index = ledger.read();
 * ledger.reject(index, 'EMP-1', [{ path: 'first_name', message: 'is required' }]);
 * ledger.report(10).invalid; // 1
 *
 * @internal
 */
export class SyncLedger {
  private counts = { read: 0, invalid: 0, failed: 0, synced: 0, submitted: 0, added: 0, removed: 0 };
  private readonly failures: MemberFailure[] = [];
  private readonly requestIds: string[] = [];
  private startedAt: string | undefined;

  constructor(
    readonly groupId: string,
    readonly startMs: number,
    private readonly idAt: (handle: number) => string,
  ) {}

  /** Members read but not yet counted invalid, failed or synced (in the open batch or in flight). */
  get pending(): number {
    const c = this.counts;
    return c.read - c.invalid - c.failed - c.synced;
  }

  /** Counts one member read; returns its index in the source. */
  read(): number {
    return this.counts.read++;
  }

  /** A member rejected before sending (its id and issues redacted: a member may carry the API key too). */
  reject(index: number, referenceId: string | undefined, issues: ReadonlyArray<Issue>): InvalidEvent {
    this.counts.invalid++;
    const ref = referenceId !== undefined ? { reference_id: redact(referenceId) } : {};
    const safe = redact(issues);
    this.failures.push({ ...ref, index, stage: 'validation', reason: formatIssues(safe) });
    return { type: 'invalid', index, ...ref, issues: safe };
  }

  /** A batch the server accepted (202). */
  accepted(batch: SentBatch, requestId: string): SubmittedEvent {
    const id = redact(requestId); // the server's words, like every other string of its answers
    this.counts.submitted += batch.size;
    this.requestIds.push(id);
    return { type: 'submitted', requestId: id, size: batch.size };
  }

  /** A batch the server finished: its members are synced but those the server names in its failures. */
  complete(batch: SentBatch, request: SyncRequest): CompletedEvent {
    const { size } = batch;
    const safe = redact(request);
    const results = safe.results;
    const lost = this.serverFailures(batch, request);
    this.processed(size, lost, results?.added_group_member_ids.length ?? 0, results?.removed_group_member_ids.length ?? 0);
    return { type: 'completed', request: safe, synced: size - lost.length, failures: results?.failures ?? [], size };
  }

  /**
   * A batch a journal holds as completed in an earlier run: its recorded
   * outcome is counted (its request id too), nothing is sent, no event told.
   */
  replayed(batch: SentBatch, outcome: ReplayedOutcome): void {
    this.requestIds.push(redact(outcome.requestId));
    this.counts.submitted += batch.size;
    this.processed(batch.size, outcome.failures, outcome.added, outcome.removed);
  }

  /** Counts a processed batch of `size` members, `lost` of them failed by the server. */
  private processed(size: number, lost: ReplayedOutcome['failures'], added: number, removed: number): void {
    const c = this.counts;
    for (const f of lost)
      this.failures.push({ reference_id: f.reference_id, index: f.index, stage: 'server', operation: f.operation, reason: f.reason });
    c.failed += lost.length;
    c.synced += size - lost.length;
    c.added += added;
    c.removed += removed;
  }

  /**
   * The members of `batch` that the server failed in `request`, each once,
   * with its position in the source (as `complete` counts them). Matched by
   * the ids as sent; what is returned is redacted.
   */
  serverFailures(batch: SentBatch, request: SyncRequest): ReplayedOutcome['failures'] {
    const { size, entries } = batch;
    const results = request.results;
    const lost: { index: number; reference_id: string; operation: 'add' | 'remove'; reason: string }[] = [];
    if (results && results.failures.length > 0) {
      const indexOf = new Map<string, number>();
      for (let i = 0; i < size; i++) indexOf.set(this.idAt(entries[2 * i]!), entries[2 * i + 1]!);
      for (const f of results.failures) {
        const index = indexOf.get(f.reference_id);
        if (index === undefined) continue; // not a member of this batch: reported in the event only
        indexOf.delete(f.reference_id); // a member counts once, however many failures name it
        lost.push({ index, reference_id: redact(f.reference_id), operation: f.operation, reason: redact(f.reason) });
      }
    }
    return lost;
  }

  /** The sync resumes one that started at `startedAt` (ISO-8601): the report's `startedAt`. */
  resumeFrom(startedAt: string): void {
    this.startedAt = startedAt;
  }

  /** A batch that could not be submitted or confirmed: every member failed, with the same reason. */
  fail(batch: SentBatch, failure: BatchFailure): FailedEvent {
    const { size, entries } = batch;
    const referenceIds = new Array<string>(size);
    const reason = redact(failure.reason);
    this.counts.failed += size;
    for (let i = 0; i < size; i++) {
      const referenceId = (referenceIds[i] = redact(this.idAt(entries[2 * i]!)));
      this.failures.push({ reference_id: referenceId, index: entries[2 * i + 1]!, stage: 'request', reason });
    }
    return {
      type: 'failed',
      referenceIds,
      error: failure.error,
      ...(failure.requestId !== undefined ? { requestId: redact(failure.requestId) } : {}),
      mayHaveApplied: failure.mayHaveApplied,
    };
  }

  /** Running totals at `nowMs`, with `inFlight` batches. */
  progress(nowMs: number, inFlight: number): ProgressEvent {
    const c = this.counts;
    const elapsed = nowMs - this.startMs;
    const done = c.invalid + c.failed + c.synced;
    return {
      type: 'progress',
      read: c.read,
      invalid: c.invalid,
      submitted: c.submitted,
      synced: c.synced,
      failed: c.failed,
      inFlight,
      membersPerSecond: elapsed > 0 ? Math.round((done / elapsed) * 1000 * 10) / 10 : 0,
    };
  }

  /** The report at `nowMs` (a snapshot: later records do not change it). */
  report(nowMs: number): SyncReport {
    const c = this.counts;
    return {
      groupId: this.groupId,
      read: c.read,
      invalid: c.invalid,
      failed: c.failed,
      synced: c.synced,
      added: c.added,
      removed: c.removed,
      requestIds: [...this.requestIds],
      // in source order, whatever order the batches settled in: the same roster gives the same report
      // (a resumed run takes earlier outcomes from the journal as it reads, not as the first run heard them)
      failures: [...this.failures].sort(bySourceIndex),
      startedAt: this.startedAt ?? new Date(this.startMs).toISOString(),
      durationMs: nowMs - this.startMs,
    };
  }
}
