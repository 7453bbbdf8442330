import { isLeft } from 'fp-ts/Either';
import { map, type Observable, type ObservableInput } from 'rxjs';
import type { SyncRequest } from '../codecs';
import type { JournalError } from '../errors';
import { JournalRecorder } from '../journal/journal-recorder';
import { openJournal } from '../journal/journal-session';
import { recordedMembers, resumeCounts } from '../journal/journal-state';
import type { SyncJournal } from '../journal/sync-journal';
import type { DispatchEngine } from './dispatch-engine';
import type { ClosedBatch, SentBatch } from './roster-batcher';
import type { BatchFailure, SyncLedger } from './sync-ledger';
import type { ResumedEvent } from './sync-events';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** What a sync tells its journal link. @internal */
export interface JournalLinkSettings {
  readonly journal: SyncJournal;
  readonly groupId: string;
  readonly maxMembers: number;
  readonly maxBytes: number;
  readonly newIdempotencyKey: () => string;
}

/** What the journal held when it was opened. @internal */
export interface OpenedJournal {
  /** The first run's start (ISO-8601): the report's `startedAt`. */
  readonly startedAt: string;
  /** Members in the batches it records (the ids about to be read again). */
  readonly recordedMembers: number;
  /** The `resumed` event, when the journal held an earlier run. */
  readonly resumed: ResumedEvent | undefined;
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * A roster sync's side of its journal: it opens the journal (replayed and
 * checked against the group and batch options), then plans each batch from
 * it and writes each batch's records through a `JournalRecorder`: the
 * write-ahead `sending` record as the dispatch engine's `beforeSubmit`,
 * `accepted` and the outcome in the background.
 *
 * @example
 * // internal (lib/pipelines/journal-link.ts)
 * const link = new JournalLink({ journal, groupId, maxMembers, maxBytes, newIdempotencyKey }, ledger, halt);
 * link.open().subscribe((opened) => opened.resumed && emit(opened.resumed));
 * const differs = link.start(closed, engine); // undefined: started (or replayed)
 *
 * @internal
 */
export class JournalLink {
  private recorder: JournalRecorder<SentBatch> | undefined;

  constructor(
    private readonly settings: JournalLinkSettings,
    private readonly ledger: SyncLedger,
    /** Told once when a record written in the background could not be written. */
    private readonly failed: (error: JournalError) => void,
  ) {}

  /** Loads and checks the journal (a `JournalError` when it belongs to another sync); emits once, then completes. */
  open(): Observable<OpenedJournal> {
    const { journal, groupId, maxMembers, maxBytes } = this.settings;
    const startedAt = new Date(this.ledger.startMs).toISOString();
    return openJournal(journal, { groupId, maxMembers, maxBytes, startedAt }).pipe(
      map((session) => {
        this.recorder = new JournalRecorder(
          session,
          this.settings.newIdempotencyKey,
          (batch: SentBatch, request) => this.ledger.serverFailures(batch, request),
          this.failed,
        );
        return {
          startedAt: session.header.startedAt,
          recordedMembers: recordedMembers(session.state),
          resumed: session.resumed ? { type: 'resumed', ...resumeCounts(session.state) } : undefined,
        };
      }),
    );
  }

  /**
   * Starts a batch just closed as the journal plans it (see `planBatch`):
   * completed in an earlier run, its outcome goes to the ledger and nothing
   * is sent; accepted, it is polled; else it is sent with its key. Returns
   * the `JournalError` of a batch that differs from its record (nothing is
   * started then).
   */
  start({ batch, members, fingerprints }: ClosedBatch, engine: DispatchEngine): JournalError | undefined {
    const planned = this.opened().plan(batch, fingerprints);
    if (isLeft(planned)) return planned.left;
    const plan = planned.right;
    if (plan.kind === 'done') this.ledger.replayed(batch, plan.outcome);
    else if (plan.kind === 'poll') {
      this.ledger.accepted(batch, plan.requestId); // told when it was accepted, in an earlier run
      engine.start(batch, { kind: 'accepted', requestId: plan.requestId });
    } else engine.start(batch, { kind: 'send', members, idempotencyKey: plan.idempotencyKey });
    return undefined;
  }

  /** The write-ahead record, waited for before the submit. */
  readonly beforeSubmit = (batch: SentBatch, key: string | undefined): ObservableInput<unknown> =>
    this.opened().sending(batch, key);

  /** The server accepted a batch sent in this run. */
  accepted(batch: SentBatch, requestId: string): void {
    this.opened().accepted(batch, requestId);
  }

  /** A batch completed. */
  completed(batch: SentBatch, request: SyncRequest): void {
    this.opened().outcome(batch, { kind: 'completed', request });
  }

  /** A batch failed. */
  failedBatch(batch: SentBatch, failure: BatchFailure): void {
    this.opened().outcome(batch, { kind: 'failed', failure });
  }

  /** True while records are being written in the background. */
  get busy(): boolean {
    return this.recorder?.busy ?? false;
  }

  /** Calls `then` once every record asked for is durable. */
  whenIdle(then: () => void): void {
    if (this.recorder) this.recorder.whenIdle(then);
    else then();
  }

  private opened(): JournalRecorder<SentBatch> {
    if (!this.recorder) throw new Error('the sync journal is used before it was opened');
    return this.recorder;
  }
}
