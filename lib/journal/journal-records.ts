import * as t from 'io-ts';

/**
 * The records of a sync journal: io-ts codecs, the single source of their
 * types. A journal is a header followed, per batch, by `sending` (written
 * before the batch is sent), `accepted` (after the 202) and its outcome,
 * `completed` or `failed`. Records name batches by their sequence number
 * (0-based, in the order the roster's batches are made) and never list the
 * members of a batch: the journal grows with batches and failures only.
 *
 * @packageDocumentation
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The journal format this version writes and reads. */
export const JOURNAL_VERSION = 1;

const Seq = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0, 'BatchSeq');
const Count = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0, 'Count');
const Text = t.refinement(t.string, (s) => s.length > 0, 'NonEmptyText');

/**
 * The first record: which sync this journal belongs to. A journal is resumed
 * only by a sync of the same group with the same batch options.
 */
export const JournalHeader = t.type(
  {
    type: t.literal('header'),
    version: t.literal(JOURNAL_VERSION),
    groupId: Text,
    maxMembers: Count,
    maxBytes: Count,
    /** ISO-8601 time the first run started: the report's `startedAt` on every resume. */
    startedAt: t.string,
  },
  'JournalHeader',
);
export type JournalHeader = t.TypeOf<typeof JournalHeader>;

/** Written before a batch is sent: its key and the digest of its members. */
export const SendingRecord = t.type(
  { type: t.literal('sending'), seq: Seq, idempotencyKey: Text, digest: Text, size: Count },
  'SendingRecord',
);
export type SendingRecord = t.TypeOf<typeof SendingRecord>;

/** Written after the server accepted a batch (202). */
export const AcceptedRecord = t.type(
  { type: t.literal('accepted'), seq: Seq, requestId: Text },
  'AcceptedRecord',
);
export type AcceptedRecord = t.TypeOf<typeof AcceptedRecord>;

/** A member the server could not sync, with its position in the source. */
export const JournalMemberFailure = t.type(
  {
    index: Count,
    reference_id: t.string,
    operation: t.keyof({ add: null, remove: null }),
    reason: t.string,
  },
  'JournalMemberFailure',
);
export type JournalMemberFailure = t.TypeOf<typeof JournalMemberFailure>;

/** Written after a batch was processed: its counts and the members the server failed. */
export const CompletedRecord = t.type(
  {
    type: t.literal('completed'),
    seq: Seq,
    requestId: Text,
    synced: Count,
    added: Count,
    removed: Count,
    failures: t.array(JournalMemberFailure),
  },
  'CompletedRecord',
);
export type CompletedRecord = t.TypeOf<typeof CompletedRecord>;

/** Written after a batch could not be submitted or confirmed. */
export const FailedRecord = t.intersection(
  [
    t.type({ type: t.literal('failed'), seq: Seq, reason: t.string, mayHaveApplied: t.boolean }),
    t.partial({ requestId: Text }),
  ],
  'FailedRecord',
);
export type FailedRecord = t.TypeOf<typeof FailedRecord>;

/** A record about one batch. */
export const BatchRecord = t.union([SendingRecord, AcceptedRecord, CompletedRecord, FailedRecord], 'BatchRecord');
export type BatchRecord = t.TypeOf<typeof BatchRecord>;

/** Any record of a sync journal. */
export const JournalRecord = t.union([JournalHeader, BatchRecord], 'JournalRecord');
export type JournalRecord = t.TypeOf<typeof JournalRecord>;
