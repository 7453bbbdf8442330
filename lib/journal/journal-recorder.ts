import * as E from 'fp-ts/Either';
import { from, lastValueFrom, type ObservableInput } from 'rxjs';
import type { SyncRequest } from '../codecs';
import { JournalError, type VitableError } from '../errors';
import { digestOf } from './batch-digest';
import { planBatch, type BatchPlan } from './batch-plan';
import type { JournalMemberFailure } from './journal-records';
import type { JournalSession } from './journal-session';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** What the recorder needs of a batch: its sequence number and size. */
interface Batch {
  readonly seq: number;
  readonly size: number;
}

/** How a batch ended, as the dispatch engine tells it. */
type Outcome =
  | { readonly kind: 'completed'; readonly request: SyncRequest }
  | {
      readonly kind: 'failed';
      readonly failure: {
        readonly error: VitableError;
        readonly reason: string;
        readonly requestId?: string;
        readonly mayHaveApplied: boolean;
      };
    };

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The journal's side of a roster sync: plans each batch from what the journal
 * holds (see {@link planBatch}), then writes its records: `sending` before the
 * submit (write-ahead: the batch's key and digest; a cold Observable the
 * engine waits for, so nothing is sent before its record is durable), then
 * `accepted` after the 202 and `completed` or `failed` once the batch ends.
 * Those two are written in the background, each after the batch's record
 * before it, while the batch goes on: a crash before they are durable costs
 * only a poll, or a replay by the recorded key, on resume (the server keeps
 * the batch either way), whereas waiting for each would hold a batch for an
 * append twice more (measured at 5-20 ms an append on a busy event loop, about
 * 20% of a fast sync's throughput at a fixed concurrency). {@link whenIdle}
 * tells when every record asked for is durable: the sync waits for it before
 * `done`. A background append that fails is told to `failed`, once.
 *
 * @example
 * // internal (lib/journal/journal-recorder.ts)
 * const recorder = new JournalRecorder(session, randomUUID, (batch, request) => ledger.serverFailures(batch, request));
 * const plan = recorder.plan(batch, fingerprints); // Right({ kind: 'send', idempotencyKey })
 *
 * @internal
 */
export class JournalRecorder<B extends Batch> {
  /** Digests of the batches planned for sending, until their `sending` record is written. */
  private readonly digests = new Map<number, string>();
  /** Each batch's last background record still being written: its next record follows it. */
  private readonly tails = new Map<number, Promise<void>>();
  /** Background records asked for and not yet durable. */
  private pending = 0;
  private idle: Array<() => void> = [];
  private broken = false;

  constructor(
    private readonly session: JournalSession,
    private readonly newKey: () => string,
    private readonly serverFailures: (batch: B, request: SyncRequest) => ReadonlyArray<JournalMemberFailure>,
    /** Told once, when a background record could not be written. */
    private readonly failed: (error: JournalError) => void = () => undefined,
  ) {}

  /** Calls `then` once every background record asked for so far is durable (or could not be written); now when none is pending. */
  whenIdle(then: () => void): void {
    if (this.pending === 0) then();
    else this.idle.push(then);
  }

  /** True while background records are being written. */
  get busy(): boolean {
    return this.pending > 0;
  }

  /** Writes `record` after the batch's previous background record; the batch does not wait for it. */
  private background(seq: number, record: () => ObservableInput<unknown>, last: boolean): void {
    this.pending++;
    const previous = this.tails.get(seq) ?? Promise.resolve();
    const written = previous
      .then(() => lastValueFrom(from(record()), { defaultValue: undefined }))
      .then(
        () => undefined,
        (e: unknown) => {
          if (this.broken) return;
          this.broken = true;
          this.failed(e instanceof JournalError ? e : new JournalError(`cannot append a record: ${String(e)}`, { cause: e }));
        },
      )
      .then(() => {
        if (this.tails.get(seq) === written && last) this.tails.delete(seq);
        this.pending--;
        if (this.pending === 0) {
          const waiting = this.idle;
          this.idle = [];
          for (const then of waiting) then();
        }
      });
    this.tails.set(seq, written);
  }

  /**
   * What to do with a batch just closed, from its members' fingerprints (see
   * `digestOf`); a {@link JournalError} when it differs from the journal's record of it.
   */
  plan(batch: B, fingerprints: ArrayLike<number>): E.Either<JournalError, BatchPlan> {
    const digest = digestOf(fingerprints);
    const planned = planBatch(this.session.state, batch.seq, digest, this.newKey);
    if (E.isRight(planned) && planned.right.kind === 'send') this.digests.set(batch.seq, digest);
    return planned;
  }

  /** Before the submit: the write-ahead record. */
  sending(batch: B, idempotencyKey: string | undefined): ObservableInput<unknown> {
    const digest = this.digests.get(batch.seq);
    if (idempotencyKey === undefined || digest === undefined)
      throw new JournalError(`batch ${batch.seq} was not planned before it was sent`);
    this.digests.delete(batch.seq);
    return this.session.sending({ seq: batch.seq, idempotencyKey, digest, size: batch.size });
  }

  /** After the 202: the request id, in the background. */
  accepted(batch: B, requestId: string): void {
    this.background(batch.seq, () => this.session.accepted({ seq: batch.seq, requestId }), false);
  }

  /** Once the batch ended: its outcome, in the background; nothing for a failure that is the journal's own. */
  outcome(batch: B, outcome: Outcome): void {
    const record = this.outcomeRecord(batch, outcome);
    if (record !== undefined) this.background(batch.seq, record, true);
  }

  private outcomeRecord(batch: B, outcome: Outcome): (() => ObservableInput<unknown>) | undefined {
    if (outcome.kind === 'completed') {
      const { request } = outcome;
      const lost = this.serverFailures(batch, request);
      return () => this.session.completed({
        seq: batch.seq,
        requestId: request.request_id,
        synced: batch.size - lost.length,
        added: request.results?.added_group_member_ids.length ?? 0,
        removed: request.results?.removed_group_member_ids.length ?? 0,
        failures: [...lost],
      });
    }
    const { failure } = outcome;
    if (failure.error instanceof JournalError) return undefined;
    return () => this.session.failed({
      seq: batch.seq,
      reason: failure.reason,
      ...(failure.requestId !== undefined ? { requestId: failure.requestId } : {}),
      mayHaveApplied: failure.mayHaveApplied,
    });
  }
}
