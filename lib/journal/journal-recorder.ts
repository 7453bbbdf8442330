import * as E from 'fp-ts/Either';
import type { ObservableInput } from 'rxjs';
import type { MemberInput, SyncRequest } from '../codecs';
import { JournalError, type VitableError } from '../errors';
import { batchDigest } from './batch-digest';
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
 * holds (see {@link planBatch}), then writes its records at the dispatch
 * engine's hooks: `sending` before the submit (write-ahead: the batch's key
 * and digest), `accepted` after the 202 and before polling, `completed` or
 * `failed` before the sync counts the outcome. Each hook is a cold
 * Observable the engine waits for, so a batch's records are in order and
 * durable before the next step.
 *
 * @example
 * // internal (lib/journal/journal-recorder.ts)
 * const recorder = new JournalRecorder(session, randomUUID, (batch, request) => ledger.serverFailures(batch, request));
 * const plan = recorder.plan(batch, members); // Right({ kind: 'send', idempotencyKey })
 *
 * @internal
 */
export class JournalRecorder<B extends Batch> {
  /** Digests of the batches planned for sending, until their `sending` record is written. */
  private readonly digests = new Map<number, string>();

  constructor(
    private readonly session: JournalSession,
    private readonly newKey: () => string,
    private readonly serverFailures: (batch: B, request: SyncRequest) => ReadonlyArray<JournalMemberFailure>,
  ) {}

  /** What to do with a batch just closed; a {@link JournalError} when it differs from the journal's record of it. */
  plan(batch: B, members: ReadonlyArray<MemberInput>): E.Either<JournalError, BatchPlan> {
    const digest = batchDigest(members);
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

  /** After the 202. */
  accepted(batch: B, requestId: string): ObservableInput<unknown> {
    return this.session.accepted({ seq: batch.seq, requestId });
  }

  /** Before the outcome is counted; nothing for a failure that is the journal's own. */
  outcome(batch: B, outcome: Outcome): ObservableInput<unknown> | undefined {
    if (outcome.kind === 'completed') {
      const { request } = outcome;
      const lost = this.serverFailures(batch, request);
      return this.session.completed({
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
    return this.session.failed({
      seq: batch.seq,
      reason: failure.reason,
      ...(failure.requestId !== undefined ? { requestId: failure.requestId } : {}),
      mayHaveApplied: failure.mayHaveApplied,
    });
  }
}
