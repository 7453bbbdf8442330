import type { SyncFailure, SyncRequest } from '../codecs';
import type { Issue, VitableError } from '../errors';

/** Where a member was lost: rejected locally, by the server, or with a failed request. */
export type FailureStage = 'validation' | 'server' | 'request';

/** One member that did not sync, as the {@link SyncReport} lists it. */
export interface MemberFailure {
  /** Absent when the member had no usable `reference_id`. */
  readonly reference_id?: string;
  /** Position in the source, for members rejected before sending. */
  readonly index?: number;
  readonly stage: FailureStage;
  /** The server's operation, for `stage: 'server'`. */
  readonly operation?: SyncFailure['operation'];
  readonly reason: string;
}

/** A member rejected before sending (bad fields, a repeated `reference_id`, over `maxBytes`). */
export interface InvalidEvent {
  readonly type: 'invalid';
  readonly index: number;
  readonly reference_id?: string;
  readonly issues: ReadonlyArray<Issue>;
}

/** A batch the server accepted (202). */
export interface SubmittedEvent {
  readonly type: 'submitted';
  readonly requestId: string;
  readonly size: number;
}

/** A batch the server finished processing (reasons from the server are redacted: the API key never appears). */
export interface CompletedEvent {
  readonly type: 'completed';
  readonly request: SyncRequest;
  /** Members of the batch that synced (batch size minus server failures). */
  readonly synced: number;
  /** Member failures the server reported, e.g. `Invalid plan_id`. */
  readonly failures: ReadonlyArray<SyncFailure>;
  /** Members in the batch (`synced` plus the batch members named in `failures`). */
  readonly size: number;
}

/** A batch that could not be submitted or confirmed after all retries. */
export interface FailedEvent {
  readonly type: 'failed';
  readonly referenceIds: ReadonlyArray<string>;
  readonly error: VitableError;
  /** The sync request id, when the server accepted the batch (202) before polling failed. */
  readonly requestId?: string;
  /**
   * True when the server may have applied the batch: it answered 202, or the
   * submit was lost in a dropped connection, a timeout, a 409 or a 5xx. Then the
   * failures' reason says so and names the request id where known.
   */
  readonly mayHaveApplied: boolean;
}

/**
 * The first event of a sync that resumes from a journal holding an earlier
 * run: counts of the batches the journal knows of (the rest of the roster is
 * read again and batched as before).
 */
export interface ResumedEvent {
  readonly type: 'resumed';
  /** Batches completed in an earlier run: not sent again, their outcome comes from the journal. */
  readonly completed: number;
  /** Batches the server may hold (being sent, accepted, or failed after it may have applied them): polled or sent again with their key. */
  readonly inFlight: number;
  /** Batches recorded that never reached the server: sent again with their key. */
  readonly unsent: number;
}

/** Running totals, at most every 250 ms and after each batch. */
export interface ProgressEvent {
  readonly type: 'progress';
  readonly read: number;
  readonly invalid: number;
  readonly submitted: number;
  readonly synced: number;
  readonly failed: number;
  /** Batches submitted but not yet completed or failed. */
  readonly inFlight: number;
  readonly membersPerSecond: number;
}

/** The account of a whole roster sync: `read === invalid + failed + synced`. */
export interface SyncReport {
  readonly groupId: string;
  readonly read: number;
  readonly invalid: number;
  readonly failed: number;
  readonly synced: number;
  /** Count of member ids the server reported added. */
  readonly added: number;
  /** Count of member ids the server reported removed. */
  readonly removed: number;
  /** Every sync request id, in submission order. */
  readonly requestIds: ReadonlyArray<string>;
  /** Every invalid or failed member, once each, in source order (by `index`). */
  readonly failures: ReadonlyArray<MemberFailure>;
  /** ISO-8601 timestamp of the subscription. */
  readonly startedAt: string;
  readonly durationMs: number;
}

/** The last event: the report. */
export interface DoneEvent {
  readonly type: 'done';
  readonly report: SyncReport;
}

/** Everything `syncRoster` emits. */
export type SyncEvent =
  | ResumedEvent
  | InvalidEvent
  | SubmittedEvent
  | CompletedEvent
  | FailedEvent
  | ProgressEvent
  | DoneEvent;
