import * as E from 'fp-ts/Either';
import { JournalError } from '../errors';
import type { CompletedRecord } from './journal-records';
import { batchAt, type JournalState } from './journal-state';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** What a journalled sync does with batch `seq` of the roster, given what the journal says of it. */
export type BatchPlan =
  /** Send it (a new key for an unsent batch, the recorded key for one that was being sent or failed). */
  | { readonly kind: 'send'; readonly idempotencyKey: string }
  /** The server accepted it in an earlier run: poll it by its request id. */
  | { readonly kind: 'poll'; readonly idempotencyKey: string; readonly requestId: string }
  /** It completed in an earlier run: take its outcome, send nothing. */
  | { readonly kind: 'done'; readonly outcome: CompletedRecord };

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * Plans batch `seq`, whose members have `digest`: a batch the journal knows
 * must have the recorded digest, or the roster changed since the journal was
 * written and the sync must stop before sending it (a {@link JournalError}).
 *
 * @example
 * // internal (lib/journal/batch-plan.ts)
 * planBatch(state, 0, batchDigest(members), randomUUID); // Right({ kind: 'done', outcome })
 *
 * @internal
 */
export const planBatch = (
  state: JournalState,
  seq: number,
  digest: string,
  newKey: () => string,
): E.Either<JournalError, BatchPlan> => {
  const b = batchAt(state, seq);
  if (b.kind === 'unsent') return E.right({ kind: 'send', idempotencyKey: newKey() });
  if (b.digest !== digest)
    return E.left(
      new JournalError(
        `batch ${seq} of the roster differs from the journal's record of it (digest ${digest}, recorded ${b.digest}): ` +
          'the roster changed since the journal was written; nothing of this batch or after it is sent',
      ),
    );
  switch (b.kind) {
    case 'completed':
      return E.right({ kind: 'done', outcome: b.outcome });
    case 'accepted':
      return E.right({ kind: 'poll', idempotencyKey: b.idempotencyKey, requestId: b.requestId });
    case 'sending':
    case 'failed':
      return E.right({ kind: 'send', idempotencyKey: b.idempotencyKey });
  }
};
