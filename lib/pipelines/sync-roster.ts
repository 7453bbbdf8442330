import { Observable, Subscription } from 'rxjs';
import { JournalError, toVitableError, ValidationError, VitableError } from '../errors';
import type { VitableConnect } from '../types';
import { Admission } from './admission';
import { DispatchEngine } from './dispatch-engine';
import { JournalLink } from './journal-link';
import { resolveSyncOptions, type SyncSettings } from './resolve-sync-options';
import { RosterBatcher, type ClosedBatch, type SentBatch } from './roster-batcher';
import { PENDING, type Pulled, type RosterSource } from './roster-source';
import { SyncLedger } from './sync-ledger';
import type { SyncEvent } from './sync-events';

export type { RosterSource } from './roster-source';
export type { SyncRosterOptions } from './resolve-sync-options';
import type { SyncRosterOptions } from './resolve-sync-options';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Default {@link SyncRosterOptions.concurrency} where it starts (it adapts unless given). */
export const DEFAULT_CONCURRENCY = 4;

/** Progress is emitted at most this often while members are read (and after each batch). */
export const PROGRESS_INTERVAL_MS = 250;

// -------------------------------------------------------------------------------------
// pipeline
// -------------------------------------------------------------------------------------

/**
 * Streams a roster of any size into a group and accounts for every member.
 *
 * Pipeline: read → validate (the `MemberInput` codec) → de-duplicate by
 * `reference_id` → batch (`maxMembers`, `maxBytes`) → submit → poll → report.
 *
 * - **Validation.** A member that fails the codec or cannot be read (a
 *   throwing getter, a Proxy whose traps throw), repeats the `reference_id` of
 *   an earlier *valid* member (the first valid occurrence is sent once), or is
 *   too large for a batch of its own (`maxBytes`) becomes an `invalid` event
 *   with its issues and its `index` (position in the source). Only the set of
 *   accepted ids (off the heap, about 20 bytes a short id) and the failures
 *   list are kept for this.
 * - **Flow control.** At most `concurrency` batches are submitted but not yet
 *   completed or failed; by default that number adapts to the server, and
 *   each first poll comes at about the processing time seen so far (an
 *   explicit `concurrency` or `poll` fixes either). The source is read only
 *   while there is room, so the members read ahead of the completed batches
 *   stay within the current concurrency × `maxMembers` plus the batch being
 *   filled. Iterables and AsyncIterables (Node object streams included) are
 *   pulled one `next()` at a time; an Observable cannot be paused, so what it
 *   emits ahead of the reads is buffered: prefer an AsyncIterable for huge
 *   sources.
 * - **Failures.** A batch whose submit fails after the client's retries, or
 *   whose polling ends (a non-retryable answer, or `PollTimeoutError`),
 *   emits `failed` with its `reference_id`s, its `requestId` when the server
 *   had accepted it, and `mayHaveApplied` (true after a 202, or when the
 *   submit was lost in a dropped connection, a timeout or a 5xx); its members
 *   count as failed (stage `'request'`). Other batches go on unless
 *   `failFast`. If the source errors, reading stops, the open batch is
 *   reported failed unsent, the batches in flight finish, `done` is emitted,
 *   then the Observable errors with the source's error.
 * - **Events.** `invalid`, `submitted`, `completed`, `failed`, `progress` (at
 *   most every 250 ms while reading, and after each batch), and finally `done`
 *   with a {@link SyncReport} in which `read === invalid + failed + synced` and
 *   `failures` lists each invalid or failed member once.
 * - **Journal.** With `journal` (`fileJournal(path)` or any `SyncJournal`)
 *   each batch is recorded before it is sent (its sequence number,
 *   `Idempotency-Key` and members' digest: nothing is sent before that record
 *   is durable, and meanwhile the batch holds no place of `concurrency`),
 *   then after the 202 and after it ends (in the background; `done` waits
 *   for every record to be durable). The same call with the same journal
 *   resumes: `resumed` comes first, the roster is read and batched again,
 *   completed batches are not sent (their outcome comes from the journal),
 *   accepted ones are polled, the others are sent again with their recorded
 *   key. A journal of another group or other batch options errors with a
 *   `JournalError` before anything is read; a batch whose digest differs
 *   from its record (an edited roster) stops the sync before it is sent, as
 *   `failFast` does, and the Observable errors with that `JournalError`.
 * - **Cancellation.** Unsubscribing stops reading (`iterator.return()`, which
 *   destroys a Node stream), and aborts in-flight submits and polls.
 *
 * Option errors (an empty `groupId`, `null` options, a getter that throws, a
 * duration over 2147483647 ms, `maxMembers` over 1000) error the Observable
 * with a `ValidationError` on subscription, before anything is read.
 *
 * @example
 * import { createReadStream } from 'node:fs';
 * import { parse } from 'csv-parse';
 * import { filter, lastValueFrom } from 'rxjs';
 * import { createClient, syncRoster, type DoneEvent } from 'vitable-connect-rx';
 *
 * const client = createClient();
 * const rows = createReadStream('roster.csv').pipe(parse({ columns: true })); // shape rows into members first
 * const done = await lastValueFrom(
 *   syncRoster(client, 'grp_abc123', rows).pipe(filter((e): e is DoneEvent => e.type === 'done')),
 * );
 * console.log(done.report.synced, done.report.failures);
 *
 * @see toSyncBatches and pollUntilComplete, the operators it is built from.
 * @param client The client that submits and polls.
 * @param groupId The group to sync into.
 * @param members The roster: an Observable, an Iterable or an AsyncIterable of raw members.
 * @param options See {@link SyncRosterOptions}.
 * @returns A cold Observable of {@link SyncEvent}s ending with `done`.
 */
export const syncRoster = (
  client: VitableConnect,
  groupId: string,
  members: RosterSource,
  options?: SyncRosterOptions,
): Observable<SyncEvent> =>
  new Observable<SyncEvent>((subscriber) => {
    let settings: SyncSettings;
    try {
      settings = resolveSyncOptions(client, groupId, members, options);
    } catch (e) {
      subscriber.error(e instanceof VitableError ? e : new ValidationError('syncRoster', [{ path: '', message: toVitableError(e).message }]));
      return undefined;
    }
    const { now, reader, failFast } = settings;
    const emit = (event: SyncEvent): void => {
      if (!subscriber.closed) subscriber.next(event);
    };
    const admission = new Admission(settings.maxBytes, settings.journal !== undefined);
    const batcher = new RosterBatcher(settings.maxMembers, settings.maxBytes);
    const ledger = new SyncLedger(settings.groupId, now(), (handle) => admission.seen.idAt(handle));
    let lastProgressMs = ledger.startMs;
    const progress = (): void => {
      lastProgressMs = now();
      emit(ledger.progress(lastProgressMs, engine.inFlight));
    };
    /** The journal's side of the sync (with one). */
    const store = settings.journal;
    const journal =
      store === undefined
        ? undefined
        : new JournalLink({ ...settings, journal: store }, ledger, (error) => {
            if (stop) return;
            halt(error, 'the journal could not record a batch');
            pump(); // told from the journal's own write, outside any pump: nothing else may come to end the sync
          });
    const engine = new DispatchEngine(
      {
        client,
        groupId: settings.groupId,
        limit: settings.limit,
        poller: settings.poller,
        now,
        scheduler: settings.scheduler,
        ...(journal ? { beforeSubmit: journal.beforeSubmit } : {}),
      },
      {
        submitted: (batch, submission) => {
          journal?.accepted(batch, submission.request_id);
          emit(ledger.accepted(batch, submission.request_id));
          pump(); // an accepted batch may have widened the limit
        },
        completed: (batch, request) => {
          journal?.completed(batch, request);
          emit(ledger.complete(batch, request));
        },
        failed: (batch, failure) => {
          journal?.failedBatch(batch, failure);
          emit(ledger.fail(batch, failure));
          if (failure.error instanceof JournalError && !stop) halt(failure.error, 'the journal could not record a batch');
          else if (failFast && !stop) halt(failure.error, 'failFast stopped the sync after a batch failed');
        },
        settled: () => {
          progress();
          pump();
        },
        prepared: () => pump(), // its write-ahead record is durable: room for the next batch's
      },
    );
    /** A journal error found while a batch was being closed: acted on once the batcher returns. */
    let pendingHalt: JournalError | undefined;
    const send = (closed: ClosedBatch): void => {
      const { batch } = closed;
      if (!journal) return engine.start(batch, { kind: 'send', members: closed.members });
      if (stop || pendingHalt) return notSent(batch, 'the sync is stopping', pendingHalt ?? stop?.error);
      const differs = journal.start(closed, engine);
      if (differs) {
        emit(ledger.fail(batch, { error: differs, reason: differs.message, mayHaveApplied: false }));
        pendingHalt = differs;
      }
    };

    /** Reports a closed batch failed, unsent, because the sync stops. */
    const notSent = (batch: SentBatch, why: string, error: unknown): void => {
      const cause = toVitableError(error);
      const failure = new VitableError(`not submitted: ${why}: ${cause.message}`, { cause });
      emit(ledger.fail(batch, { error: failure, reason: failure.message, mayHaveApplied: false }));
    };

    let ended = false; // the source completed or errored, or reading was stopped
    let waiting = false; // an async read is outstanding
    let pumping = false;
    let repump = false;
    let finished = false;
    let waitingForJournal = false; // the sync is over but for the journal's records under way
    let stop: { readonly error: unknown } | undefined; // failFast or a source error: the error to end with

    /** Stops reading for good; the open batch is reported failed, unsent. */
    const halt = (error: unknown, why: string): void => {
      stop = { error };
      ended = true;
      reader.close();
      const rest = batcher.flush();
      if (rest) notSent(rest.batch, why, error);
    };

    const step = (pulled: Pulled): void => {
      if (pulled.kind === 'error') return halt(pulled.error, 'the source failed');
      if (pulled.kind === 'done') {
        ended = true;
        const rest = batcher.flush();
        if (rest) send(rest);
        return;
      }
      const index = ledger.read();
      const admitted = admission.admit(pulled.value);
      if (admitted.kind === 'rejected') emit(ledger.reject(index, admitted.referenceId, admitted.issues));
      else {
        batcher.push(admitted.member, admitted.bytes, admitted.handle, index, admitted.fingerprint, send);
        if (pendingHalt) {
          const error = pendingHalt;
          pendingHalt = undefined;
          halt(error, 'the roster differs from the journal');
        }
      }
      if (now() - lastProgressMs >= PROGRESS_INTERVAL_MS) progress();
    };

    const wake = (pulled: Pulled): void => {
      waiting = false;
      if (subscriber.closed || ended) return;
      try {
        step(pulled);
        pump();
      } catch (e) {
        subscriber.error(e); // a defect, never a member: nothing escapes as an unhandled rejection
      }
    };

    const finish = (): void => {
      finished = true;
      progress();
      emit({ type: 'done', report: ledger.report(now()) });
      if (stop) subscriber.error(stop.error);
      else subscriber.complete();
    };

    function pump(): void {
      if (pumping) {
        repump = true;
        return;
      }
      pumping = true;
      try {
        do {
          repump = false;
          while (!subscriber.closed && !ended && !waiting && engine.hasRoom()) {
            const pulled = reader.read(wake);
            if (pulled === PENDING) waiting = true;
            else step(pulled);
          }
          if (!finished && !subscriber.closed && ended && engine.inFlight === 0) {
            // every record of the journal durable before done: a run after this one sends nothing
            if (journal?.busy) {
              if (!waitingForJournal) {
                waitingForJournal = true;
                journal.whenIdle(() => {
                  waitingForJournal = false;
                  pump();
                });
              }
            } else finish();
          }
        } while (repump && !finished && !subscriber.closed);
      } finally {
        pumping = false;
      }
    }

    const opening = new Subscription();
    if (journal === undefined) pump();
    else
      opening.add(
        journal.open().subscribe({
          next: (opened) => {
            ledger.resumeFrom(opened.startedAt);
            admission.seen.reserve(opened.recordedMembers); // the ids about to be re-read, without a rebuild per growth step
            if (opened.resumed) emit(opened.resumed);
          },
          error: (e: unknown) => subscriber.error(e),
          complete: () => pump(),
        }),
      );
    return () => {
      opening.unsubscribe();
      reader.close();
      engine.stop();
      // the journal's open file, once its appends under way are written
      if (store?.close) Promise.resolve().then(() => store.close?.()).catch(() => undefined);
    };
  });
