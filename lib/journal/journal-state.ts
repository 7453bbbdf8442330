import * as E from 'fp-ts/Either';
import { toIssues } from '../codecs/report';
import { formatIssues, JournalError } from '../errors';
import {
  AcceptedRecord,
  CompletedRecord,
  FailedRecord,
  JournalHeader,
  SendingRecord,
  type JournalRecord,
} from './journal-records';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** What the journal says of one batch, by its sequence number. */
export type BatchState =
  | { readonly kind: 'unsent' }
  | { readonly kind: 'sending'; readonly idempotencyKey: string; readonly digest: string; readonly size: number }
  | {
      readonly kind: 'accepted';
      readonly idempotencyKey: string;
      readonly digest: string;
      readonly size: number;
      readonly requestId: string;
    }
  | {
      readonly kind: 'completed';
      readonly idempotencyKey: string;
      readonly digest: string;
      readonly size: number;
      readonly outcome: CompletedRecord;
    }
  | {
      readonly kind: 'failed';
      readonly idempotencyKey: string;
      readonly digest: string;
      readonly size: number;
      readonly outcome: FailedRecord;
    };

/** A batch the journal has a record of. */
export type RecordedBatch = Exclude<BatchState, { readonly kind: 'unsent' }>;

/** The counts a resumed sync announces in its `resumed` event. */
export interface ResumeCounts {
  /** Batches processed: their outcome comes from the journal, nothing is sent. */
  readonly completed: number;
  /** Batches the server may hold: being sent, accepted, or failed when it may have applied them. */
  readonly inFlight: number;
  /** Batches recorded that the server never got (they failed before reaching it). */
  readonly unsent: number;
}

/** A journal replayed: its header (absent for an empty journal) and each recorded batch, by sequence number. */
export interface JournalState {
  readonly header: JournalHeader | undefined;
  readonly batches: ReadonlyArray<RecordedBatch>;
}

/** What a journal must belong to: checked against its header before anything is sent. */
export interface JournalIdentity {
  readonly groupId: string;
  readonly maxMembers: number;
  readonly maxBytes: number;
}

/** The journal of a sync that has not started. */
export const EMPTY_JOURNAL: JournalState = { header: undefined, batches: [] };

const UNSENT: BatchState = { kind: 'unsent' };

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const corrupt = (position: number, message: string): JournalError => new JournalError(message, { record: position });

/** Decodes one record, dispatching on its `type` so the message names the record's own fields. */
const decodeRecord = (raw: unknown, position: number): E.Either<JournalError, JournalRecord> => {
  const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
  const codec =
    type === 'header'
      ? JournalHeader
      : type === 'sending'
        ? SendingRecord
        : type === 'accepted'
          ? AcceptedRecord
          : type === 'completed'
            ? CompletedRecord
            : type === 'failed'
              ? FailedRecord
              : undefined;
  if (codec === undefined)
    return E.left(corrupt(position, `not a journal record (type ${JSON.stringify(type) ?? 'missing'})`));
  const decoded = codec.decode(raw);
  return E.isLeft(decoded)
    ? E.left(corrupt(position, `not a valid ${codec.name}: ${formatIssues(toIssues(decoded.left))}`))
    : E.right(decoded.right);
};

const recorded = (batches: ReadonlyArray<RecordedBatch>, seq: number): BatchState =>
  seq < batches.length ? batches[seq]! : UNSENT;

/** One record applied to the batches so far, or why it cannot follow them. */
const step = (batches: RecordedBatch[], r: Exclude<JournalRecord, JournalHeader>, position: number): JournalError | undefined => {
  const current = recorded(batches, r.seq);
  const where = `batch ${r.seq}`;
  switch (r.type) {
    case 'sending': {
      if (current.kind === 'unsent') {
        if (r.seq !== batches.length)
          return corrupt(position, `sending for ${where} out of order: the next batch is ${batches.length}`);
        batches.push({ kind: 'sending', idempotencyKey: r.idempotencyKey, digest: r.digest, size: r.size });
        return undefined;
      }
      if (current.kind !== 'failed' && current.kind !== 'sending')
        return corrupt(position, `sending for ${where}, which is already ${current.kind}`);
      if (current.idempotencyKey !== r.idempotencyKey || current.digest !== r.digest || current.size !== r.size)
        return corrupt(position, `sending for ${where} differs from its first record (key, digest or size)`);
      batches[r.seq] = { kind: 'sending', idempotencyKey: r.idempotencyKey, digest: r.digest, size: r.size };
      return undefined;
    }
    case 'accepted': {
      if (current.kind === 'unsent') return corrupt(position, `accepted for ${where}, which was never sent`);
      if (current.kind !== 'sending' && current.kind !== 'failed')
        return corrupt(position, `accepted for ${where}, which is already ${current.kind}`);
      const { idempotencyKey, digest, size } = current;
      batches[r.seq] = { kind: 'accepted', idempotencyKey, digest, size, requestId: r.requestId };
      return undefined;
    }
    case 'completed': {
      if (current.kind !== 'accepted')
        return corrupt(position, `completed for ${where}, which is ${current.kind === 'unsent' ? 'unknown' : current.kind}`);
      if (current.requestId !== r.requestId)
        return corrupt(position, `completed for ${where} names request ${r.requestId}, accepted as ${current.requestId}`);
      if (r.synced + r.failures.length !== current.size)
        return corrupt(
          position,
          `completed for ${where} accounts for ${r.synced + r.failures.length} members of ${current.size}`,
        );
      const { idempotencyKey, digest, size } = current;
      batches[r.seq] = { kind: 'completed', idempotencyKey, digest, size, outcome: r };
      return undefined;
    }
    case 'failed': {
      if (current.kind !== 'sending' && current.kind !== 'accepted')
        return corrupt(position, `failed for ${where}, which is ${current.kind === 'unsent' ? 'unknown' : current.kind}`);
      const { idempotencyKey, digest, size } = current;
      batches[r.seq] = { kind: 'failed', idempotencyKey, digest, size, outcome: r };
      return undefined;
    }
  }
};

// -------------------------------------------------------------------------------------
// replay
// -------------------------------------------------------------------------------------

/**
 * Replays a journal's records into the state of each batch, validating each
 * record's shape and its place: a header first and only there; a batch's
 * `sending` in sequence order; `accepted` only after `sending` (or a failure,
 * when a retry was accepted); `completed` only after `accepted`, naming the
 * same request and accounting for the batch's size; nothing after
 * `completed`. The first record at fault is a {@link JournalError} naming its
 * position (1-based). Pure.
 *
 * @example
 * // internal (lib/journal/journal-state.ts)
 * replayJournal(await journal.load()); // Right({ header, batches })
 *
 * @internal
 */
export const replayJournal = (records: ReadonlyArray<unknown>): E.Either<JournalError, JournalState> => {
  if (records.length === 0) return E.right(EMPTY_JOURNAL);
  let header: JournalHeader | undefined;
  const batches: RecordedBatch[] = [];
  for (let i = 0; i < records.length; i++) {
    const position = i + 1;
    const decoded = decodeRecord(records[i], position);
    if (E.isLeft(decoded)) return decoded;
    const r = decoded.right;
    if (r.type === 'header') {
      if (i !== 0) return E.left(corrupt(position, 'a header after the first record'));
      header = r;
      continue;
    }
    if (header === undefined) return E.left(corrupt(position, `the first record is a ${r.type}, not the header`));
    const error = step(batches, r, position);
    if (error) return E.left(error);
  }
  return E.right({ header, batches });
};

/**
 * Checks that a replayed journal belongs to this sync: the same group and the
 * same batch options (so the roster is batched again identically). An empty
 * journal belongs to any sync.
 *
 * @example
 * // internal (lib/journal/journal-state.ts)
 * checkIdentity(state, { groupId: 'grp_1', maxMembers: 1000, maxBytes: 1_000_000 });
 *
 * @internal
 */
export const checkIdentity = (state: JournalState, expected: JournalIdentity): E.Either<JournalError, JournalState> => {
  const h = state.header;
  if (h === undefined) return E.right(state);
  if (h.groupId !== expected.groupId)
    return E.left(
      new JournalError(`a journal of another group: it belongs to ${h.groupId}, this sync is for ${expected.groupId}`, {
        record: 1,
      }),
    );
  if (h.maxMembers !== expected.maxMembers || h.maxBytes !== expected.maxBytes)
    return E.left(
      new JournalError(
        `a journal of other batch options: it was written with maxMembers ${h.maxMembers} and maxBytes ${h.maxBytes}, ` +
          `this sync has maxMembers ${expected.maxMembers} and maxBytes ${expected.maxBytes}`,
        { record: 1 },
      ),
    );
  return E.right(state);
};

/**
 * What the journal says of batch `seq`.
 *
 * @example
 * // internal (lib/journal/journal-state.ts)
 * batchAt(state, 0).kind; // 'completed'
 *
 * @internal
 */
export const batchAt = (state: JournalState, seq: number): BatchState => recorded(state.batches, seq);

/**
 * The counts of the `resumed` event: completed, in flight (being sent,
 * accepted, or failed after the server may have applied them) and unsent
 * (failed before reaching the server).
 *
 * @example
 * // internal (lib/journal/journal-state.ts)
 * resumeCounts(state); // { completed: 12, inFlight: 4, unsent: 0 }
 *
 * @internal
 */
export const resumeCounts = (state: JournalState): ResumeCounts => {
  let completed = 0;
  let inFlight = 0;
  let unsent = 0;
  for (const b of state.batches) {
    if (b.kind === 'completed') completed++;
    else if (b.kind === 'failed' && !b.outcome.mayHaveApplied) unsent++;
    else inFlight++;
  }
  return { completed, inFlight, unsent };
};

/**
 * Members in the batches the journal records: the ids a resumed sync re-adds
 * to its set of accepted `reference_id`s before it reaches new batches.
 *
 * @example
 * // internal (lib/journal/journal-state.ts)
 * recordedMembers(state); // 12000
 *
 * @internal
 */
export const recordedMembers = (state: JournalState): number => {
  let members = 0;
  for (const b of state.batches) members += b.size;
  return members;
};
