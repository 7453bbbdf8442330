import { randomUUID } from 'node:crypto';
import { isLeft } from 'fp-ts/Either';
import { asyncScheduler, concat, ignoreElements, mergeMap, Observable, of, Subscription, type SchedulerLike } from 'rxjs';
import { MemberInput, toIssues, type SyncRequest, type SyncSubmission } from '../codecs';
import {
  formatIssues,
  JournalError,
  PollTimeoutError,
  toVitableError,
  ValidationError,
  VitableError,
  type Issue,
} from '../errors';
import { pollUntilComplete, type PollOptions } from '../operators/poll-until-complete';
import {
  isPositiveInteger,
  memberBytes,
  oversizeMessage,
  resolveBatchOptions,
  SyncBatcher,
  type ToSyncBatchesOptions,
} from '../operators/to-sync-batches';
import { batchDigest } from '../journal/batch-digest';
import { mayHaveApplied, planBatch, type BatchPlan } from '../journal/batch-plan';
import type { CompletedRecord, JournalMemberFailure } from '../journal/journal-records';
import { openJournal, type JournalSession } from '../journal/journal-session';
import { resumeCounts } from '../journal/journal-state';
import type { SyncJournal } from '../journal/sync-journal';
import type { VitableConnect } from '../types';
import { ReferenceIdSet } from './reference-id-set';
import { PENDING, rosterReader, type Pulled, type RosterSource } from './roster-source';
import type { MemberFailure, ProgressEvent, SyncEvent, SyncReport } from './sync-events';

export type { RosterSource } from './roster-source';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Options of {@link syncRoster}. Every one is optional. */
export interface SyncRosterOptions extends ToSyncBatchesOptions {
  /** Most batches submitted but not yet completed or failed (default 4). A positive integer. */
  readonly concurrency?: number;
  /** How each batch is polled, as {@link pollUntilComplete} (its `scheduler` and `random` default to the ones below). */
  readonly poll?: PollOptions;
  /**
   * Stop at the first batch that fails after all retries (default false): no
   * more members are read or submitted, the batches already submitted are
   * polled to the end, `done` is emitted with the full report, then the
   * Observable errors with that batch's error.
   */
  readonly failFast?: boolean;
  /**
   * Makes the sync resumable (see {@link SyncJournal} and `fileJournal`):
   * each batch is recorded before it is sent, when it is accepted and when it
   * ends; the same call with the same journal after a crash re-reads the
   * roster, takes the outcome of completed batches from the journal, polls
   * accepted ones and sends the others again with their recorded key.
   */
  readonly journal?: SyncJournal;
  /** For tests: makes each batch's `Idempotency-Key` when a journal records it (default `crypto.randomUUID`). */
  readonly newIdempotencyKey?: () => string;
  /** For tests: the scheduler of polling waits and of the clock (default `asyncScheduler`). */
  readonly scheduler?: SchedulerLike;
  /** For tests: the source of polling jitter (default `Math.random`). */
  readonly random?: () => number;
  /** For tests: the clock, in ms since the epoch (default `scheduler.now()`). */
  readonly now?: () => number;
}

/** Default {@link SyncRosterOptions.concurrency}. */
export const DEFAULT_CONCURRENCY = 4;

/** Progress is emitted at most this often while members are read (and after each batch). */
export const PROGRESS_INTERVAL_MS = 250;

/**
 * What a batch keeps once its members are handed to `submit`: for each member
 * in batch order, its handle in the set of accepted `reference_id`s (which
 * gives the id back) and its position in the source: enough for `completed`,
 * `failed` and the failures list, in two numbers a member, off the heap. The
 * member objects and their strings are left to the request, which needs them
 * only until its body is sent.
 */
interface SentBatch {
  readonly size: number;
  /** `[handle, index, handle, index, …]`. */
  readonly entries: Float64Array;
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const referenceIdOf = (value: unknown): string | undefined => {
  if (value === null || typeof value !== 'object') return undefined;
  const ref = (value as { reference_id?: unknown }).reference_id;
  return typeof ref === 'string' && ref.trim().length > 0 ? ref : undefined;
};

const resolveOptions = (groupId: unknown, members: unknown, options: SyncRosterOptions) => {
  const issues: Issue[] = [];
  let batch = { maxMembers: 0, maxBytes: 0 };
  try {
    batch = resolveBatchOptions(options, 'syncRoster options');
  } catch (e) {
    if (e instanceof ValidationError) issues.push(...e.issues);
    else throw e;
  }
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!isPositiveInteger(concurrency))
    issues.push({ path: 'concurrency', message: `must be a positive integer, got ${String(concurrency)}` });
  if (options.failFast !== undefined && typeof options.failFast !== 'boolean')
    issues.push({ path: 'failFast', message: `must be a boolean, got ${String(options.failFast)}` });
  if (typeof groupId !== 'string' || groupId.trim().length === 0)
    issues.push({ path: 'groupId', message: 'must be a non-empty group id' });
  const reader = rosterReader(members);
  if (!reader) issues.push({ path: 'members', message: 'must be an Observable, an Iterable or an AsyncIterable' });
  const journal = options.journal;
  if (
    journal !== undefined &&
    (journal === null ||
      typeof journal !== 'object' ||
      typeof journal.load !== 'function' ||
      typeof journal.append !== 'function')
  )
    issues.push({ path: 'journal', message: 'must be a SyncJournal: an object with load() and append(record)' });
  if (issues.length > 0 || !reader) throw new ValidationError('syncRoster', issues);

  const scheduler = options.scheduler ?? asyncScheduler;
  const poll: PollOptions = {
    ...options.poll,
    scheduler: options.poll?.scheduler ?? scheduler,
    ...((options.poll?.random ?? options.random) ? { random: options.poll?.random ?? options.random } : {}),
  };
  return {
    ...batch,
    concurrency,
    failFast: options.failFast ?? false,
    poll,
    now: options.now ?? (() => scheduler.now()),
    reader,
    journal,
    newIdempotencyKey: options.newIdempotencyKey ?? randomUUID,
  };
};

// -------------------------------------------------------------------------------------
// pipeline
// -------------------------------------------------------------------------------------

/**
 * Streams a roster of any size into a group and accounts for every member.
 *
 * Pipeline: read → validate (the `MemberInput` codec) → de-duplicate by
 * `reference_id` → batch (`maxMembers`, `maxBytes`) → submit → poll → report.
 *
 * - **Validation.** A member that fails the codec becomes an `invalid` event
 *   with its issues and its `index` (position in the source). So does a member
 *   whose `reference_id` was already taken by an earlier *valid* member of this
 *   roster (the first valid occurrence wins and is sent once; an earlier invalid
 *   occurrence does not block a later valid one), and a member too large for a
 *   batch of its own (`maxBytes`). Only the set of accepted `reference_id`s (kept off the heap, about 20 bytes a short id, see `ReferenceIdSet`) is
 *   kept in memory for this, plus the failures list.
 * - **Back-pressure.** At most `concurrency` batches are submitted but not yet
 *   completed or failed; the source is read only while there is room, so the
 *   members read ahead of the completed batches stay within
 *   `concurrency × maxMembers` plus the batch being filled. Iterables and
 *   AsyncIterables (Node object streams included) are pulled one `next()` at a
 *   time. An Observable cannot be paused: it is subscribed when the first member
 *   is needed and what it emits ahead of the reads is buffered (bounded only by
 *   how much faster it is than the API), so prefer an AsyncIterable for huge
 *   sources.
 * - **Failures.** A batch whose submit or polling fails after the client's
 *   retries emits `failed` with all its `reference_id`s; its members count as
 *   failed (stage `'request'`; on a `PollTimeoutError` the reason names the
 *   request id to resume, as the server may still process it). Other batches go
 *   on unless `failFast` (see {@link SyncRosterOptions.failFast}). If the source
 *   itself errors, reading stops, the open batch is reported failed unsent, the
 *   batches in flight finish, `done` is emitted, then the Observable errors with
 *   the source's error.
 * - **Events.** `invalid`, `submitted`, `completed`, `failed`, `progress` (at
 *   most every 250 ms while reading, and after each batch), and finally `done`
 *   with a {@link SyncReport} in which `read === invalid + failed + synced` and
 *   `failures` lists each invalid or failed member once.
 * - **Cancellation.** Unsubscribing stops reading (`iterator.return()`, which
 *   destroys a Node stream), and aborts in-flight submits and polls.
 *
 * Option errors (and an empty `groupId`) error the Observable with a
 * `ValidationError` on subscription, before anything is read.
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
 *   syncRoster(client, 'grp_abc123', rows, { concurrency: 4 }).pipe(filter((e): e is DoneEvent => e.type === 'done')),
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
  options: SyncRosterOptions = {},
): Observable<SyncEvent> =>
  new Observable<SyncEvent>((subscriber) => {
    let settings: ReturnType<typeof resolveOptions>;
    let poll: ReturnType<typeof pollUntilComplete>;
    try {
      settings = resolveOptions(groupId, members, options);
      poll = pollUntilComplete(client, settings.poll);
    } catch (e) {
      subscriber.error(e);
      return undefined;
    }
    const { maxMembers, maxBytes, concurrency, failFast, now, reader, journal, newIdempotencyKey } = settings;

    // ----- state (no per-member state beyond `seen` and `failures`)
    const startMs = now();
    let startedAt = new Date(startMs).toISOString();
    /** The journal, once opened (absent without one). */
    let session: JournalSession | undefined;
    let nextSeq = 0;
    const seen = new ReferenceIdSet(); // off-heap, ~20 bytes a short id: the heap stays flat
    const failures: MemberFailure[] = [];
    const requestIds: string[] = [];
    const batcher = new SyncBatcher<MemberInput>(maxMembers, maxBytes);
    /** `[handle, index, …]` of the members in the open batch, in order (plus the member being pushed, if any). */
    const open: number[] = [];
    const inFlightBatches = new Subscription();
    let read = 0;
    let invalid = 0;
    let failed = 0;
    let synced = 0;
    let submitted = 0;
    let added = 0;
    let removed = 0;
    let inFlight = 0;
    let lastProgressMs = startMs;
    let sourceEnded = false; // the source completed or errored, or reading was stopped
    let waiting = false; // an async read is outstanding
    let pumping = false;
    let repump = false;
    let finished = false;
    let stop: { readonly error: unknown } | undefined; // failFast or a source error: the error to end with

    const closed = (): boolean => subscriber.closed;
    const emit = (event: SyncEvent): void => {
      if (!closed()) subscriber.next(event);
    };

    const progress = (): ProgressEvent => {
      const t = now();
      lastProgressMs = t;
      const elapsed = t - startMs;
      const done = invalid + failed + synced;
      return {
        type: 'progress',
        read,
        invalid,
        submitted,
        synced,
        failed,
        inFlight,
        membersPerSecond: elapsed > 0 ? Math.round((done / elapsed) * 1000 * 10) / 10 : 0,
      };
    };
    const maybeProgress = (): void => {
      if (now() - lastProgressMs >= PROGRESS_INTERVAL_MS) emit(progress());
    };

    // ----- members

    const reject = (index: number, referenceId: string | undefined, issues: ReadonlyArray<Issue>): void => {
      invalid++;
      failures.push({
        ...(referenceId !== undefined ? { reference_id: referenceId } : {}),
        index,
        stage: 'validation',
        reason: formatIssues(issues),
      });
      emit({ type: 'invalid', index, ...(referenceId !== undefined ? { reference_id: referenceId } : {}), issues });
    };

    const accept = (value: unknown): void => {
      const index = read++;
      const decoded = MemberInput.decode(value);
      if (isLeft(decoded)) {
        reject(index, referenceIdOf(value), toIssues(decoded.left));
      } else {
        const member = decoded.right;
        const ref = member.reference_id;
        const bytes = memberBytes(member);
        if (batcher.tooLarge(bytes)) {
          reject(index, ref, [{ path: '', message: oversizeMessage(bytes, maxBytes) }]);
        } else {
          const handle = seen.insert(ref);
          if (handle === ReferenceIdSet.PRESENT) {
            reject(index, ref, [
              { path: 'reference_id', message: `repeats "${ref}" of an earlier member of this roster; it is sent once` },
            ]);
          } else {
            open.push(handle, index);
            batcher.push(member, bytes, submit);
            if (pendingHalt) {
              const error = pendingHalt;
              pendingHalt = undefined;
              halt(error, 'the roster differs from the journal');
            }
          }
        }
      }
      maybeProgress();
    };

    // ----- batches

    /**
     * Closes the bookkeeping of a batch the batcher just closed: its members
     * are the first `size` of `open` (a member that did not fit, pushed after
     * this batch closes, stays for the next one).
     */
    const seal = (size: number): SentBatch => {
      const entries = new Float64Array(2 * size);
      for (let i = 0; i < 2 * size; i++) entries[i] = open[i]!;
      open.copyWithin(0, 2 * size);
      open.length -= 2 * size;
      return { size, entries };
    };

    const failBatch = (batch: SentBatch, error: VitableError, reason: string, requestId?: string): void => {
      const { size, entries } = batch;
      const referenceIds = new Array<string>(size);
      failed += size;
      for (let i = 0; i < size; i++) {
        const referenceId = (referenceIds[i] = seen.idAt(entries[2 * i]!));
        failures.push({ reference_id: referenceId, index: entries[2 * i + 1]!, stage: 'request', reason });
      }
      emit({ type: 'failed', referenceIds, error, ...(requestId !== undefined ? { requestId } : {}) });
    };

    /** The members of `batch` that the server failed, each once, with its position in the source. */
    const serverFailures = (batch: SentBatch, request: SyncRequest): JournalMemberFailure[] => {
      const { size, entries } = batch;
      const results = request.results;
      const lost: JournalMemberFailure[] = [];
      if (results && results.failures.length > 0) {
        const indexOf = new Map<string, number>();
        for (let i = 0; i < size; i++) indexOf.set(seen.idAt(entries[2 * i]!), entries[2 * i + 1]!);
        for (const f of results.failures) {
          const index = indexOf.get(f.reference_id);
          if (index === undefined) continue; // not a member of this batch: reported in the event only
          indexOf.delete(f.reference_id); // a member counts once, however many failures name it
          lost.push({ index, reference_id: f.reference_id, operation: f.operation, reason: f.reason });
        }
      }
      return lost;
    };

    /** Counts the outcome of a processed batch (this run's or, on resume, the journal's). */
    const countOutcome = (size: number, lost: ReadonlyArray<JournalMemberFailure>, add: number, remove: number): void => {
      for (const f of lost)
        failures.push({ reference_id: f.reference_id, index: f.index, stage: 'server', operation: f.operation, reason: f.reason });
      failed += lost.length;
      synced += size - lost.length;
      added += add;
      removed += remove;
    };

    const completeBatch = (batch: SentBatch, request: SyncRequest, lost: ReadonlyArray<JournalMemberFailure>): void => {
      const { size } = batch;
      const results = request.results;
      countOutcome(size, lost, results?.added_group_member_ids.length ?? 0, results?.removed_group_member_ids.length ?? 0);
      emit({
        type: 'completed',
        request,
        synced: size - lost.length,
        failures: results?.failures ?? [],
        size,
      });
    };

    /** A batch the journal holds as completed: its outcome is counted, nothing is sent. */
    const replayBatch = (size: number, outcome: CompletedRecord): void => {
      requestIds.push(outcome.requestId);
      submitted += size;
      countOutcome(size, outcome.failures, outcome.added, outcome.removed);
    };

    /** Appends a record, then calls `then` (with the journal's error when it could not). */
    const record = (record$: Observable<void>, then: (error?: JournalError) => void): void => {
      const holder = new Subscription();
      inFlightBatches.add(holder);
      holder.add(
        record$.subscribe({
          complete: () => {
            inFlightBatches.remove(holder);
            then();
          },
          error: (e: unknown) => {
            inFlightBatches.remove(holder);
            then(e instanceof JournalError ? e : new JournalError(String(e)));
          },
        }),
      );
    };

    /** A journal error found while a batch was being closed: acted on once the batcher returns. */
    let pendingHalt: JournalError | undefined;

    const submit = (members: MemberInput[]): void => {
      const size = members.length;
      const batch = seal(size);
      const seq = nextSeq++;
      if (stop || pendingHalt) {
        const cause = toVitableError(pendingHalt ?? stop?.error);
        const notSent = new VitableError(`not submitted: the sync is stopping: ${cause.message}`, { cause });
        failBatch(batch, notSent, notSent.message);
        return;
      }
      const journalled = session;
      let plan: BatchPlan | undefined;
      let digest = '';
      if (journalled) {
        digest = batchDigest(members);
        const planned = planBatch(journalled.state, seq, digest, newIdempotencyKey);
        if (isLeft(planned)) {
          failBatch(batch, planned.left, planned.left.message);
          pendingHalt = planned.left;
          return;
        }
        plan = planned.right;
        if (plan.kind === 'done') {
          replayBatch(size, plan.outcome);
          return;
        }
      }
      inFlight++;
      let requestId: string | undefined;
      const holder = new Subscription();
      inFlightBatches.add(holder);
      const settle = (): void => {
        inFlight--;
        inFlightBatches.remove(holder);
        emit(progress());
        pump();
      };
      const afterRecord = <A>(value: A, record$: Observable<void> | undefined): Observable<A> =>
        record$ ? concat(record$.pipe(ignoreElements()), of(value)) : of(value);

      let accepted$: Observable<SyncSubmission>;
      if (plan?.kind === 'poll') {
        requestId = plan.requestId;
        requestIds.push(requestId);
        submitted += size;
        accepted$ = of({ request_id: plan.requestId, group_id: groupId, accepted_at: startedAt });
      } else {
        const key = plan?.kind === 'send' ? plan.idempotencyKey : undefined;
        // already decoded: the codec's re-check in submit returns these very objects, copying nothing
        const send$ = client.members.sync.submit(groupId, { members }, key !== undefined ? { idempotencyKey: key } : undefined);
        accepted$ = concat(
          journalled && key !== undefined
            ? journalled.sending({ seq, idempotencyKey: key, digest, size }).pipe(ignoreElements())
            : of<never>(),
          send$,
        ).pipe(
          mergeMap((submission) => {
            const id = (requestId = submission.request_id);
            requestIds.push(id);
            submitted += size;
            emit({ type: 'submitted', requestId: id, size });
            return afterRecord(submission, journalled?.accepted({ seq, requestId: id }));
          }),
        );
      }
      holder.add(
        accepted$
          .pipe(
            poll,
            mergeMap((request) => {
              const lost = serverFailures(batch, request);
              const results = request.results;
              const outcome$ = journalled?.completed({
                seq,
                requestId: request.request_id,
                synced: size - lost.length,
                added: results?.added_group_member_ids.length ?? 0,
                removed: results?.removed_group_member_ids.length ?? 0,
                failures: lost,
              });
              return afterRecord({ request, lost }, outcome$);
            }),
          )
          .subscribe({
            next: ({ request, lost }) => {
              completeBatch(batch, request, lost);
              settle();
            },
            error: (err: unknown) => {
              const error = toVitableError(err);
              const reason =
                error instanceof PollTimeoutError
                  ? `${error.message}; the server may still process it: resume with ` +
                    `client.members.sync.retrieve('${error.groupId}', '${error.requestId}')`
                  : error.message;
              const fail = (journalError?: JournalError): void => {
                failBatch(batch, error, reason, requestId);
                const halting = journalError ?? (error instanceof JournalError ? error : undefined);
                if (halting && !stop) halt(halting, 'the journal could not record a batch');
                else if (failFast && !stop) halt(error, 'failFast stopped the sync after a batch failed');
                settle();
              };
              if (journalled && !(error instanceof JournalError))
                record(
                  journalled.failed({
                    seq,
                    reason,
                    ...(requestId !== undefined ? { requestId } : {}),
                    mayHaveApplied: mayHaveApplied(error, requestId),
                  }),
                  fail,
                );
              else fail();
            },
          }),
      );
    };

    /** Stops reading for good; the open batch is reported failed, unsent. */
    const halt = (error: unknown, why: string): void => {
      stop = { error };
      sourceEnded = true;
      reader.close();
      const rest = batcher.flush();
      if (rest) {
        const cause = toVitableError(error);
        const notSent = new VitableError(`not submitted: ${why}: ${cause.message}`, { cause });
        failBatch(seal(rest.length), notSent, notSent.message);
      }
    };

    const step = (pulled: Pulled): void => {
      if (pulled.kind === 'value') accept(pulled.value);
      else if (pulled.kind === 'done') {
        sourceEnded = true;
        const rest = batcher.flush();
        if (rest) submit(rest);
      } else halt(pulled.error, 'the source failed');
    };

    const wake = (pulled: Pulled): void => {
      waiting = false;
      if (closed() || sourceEnded) return;
      step(pulled);
      pump();
    };

    const finish = (): void => {
      finished = true;
      emit(progress());
      const report: SyncReport = {
        groupId,
        read,
        invalid,
        failed,
        synced,
        added,
        removed,
        requestIds: [...requestIds],
        failures,
        startedAt,
        durationMs: now() - startMs,
      };
      emit({ type: 'done', report });
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
          while (!closed() && !sourceEnded && !waiting && inFlight < concurrency) {
            const pulled = reader.read(wake);
            if (pulled === PENDING) waiting = true;
            else step(pulled);
          }
          if (!finished && !closed() && sourceEnded && inFlight === 0) finish();
        } while (repump && !finished && !closed());
      } finally {
        pumping = false;
      }
    }

    if (journal === undefined) pump();
    else
      inFlightBatches.add(
        openJournal(journal, { groupId, maxMembers, maxBytes, startedAt }).subscribe({
          next: (opened) => {
            session = opened;
            startedAt = opened.header.startedAt;
            if (opened.resumed) emit({ type: 'resumed', ...resumeCounts(opened.state) });
          },
          error: (e: unknown) => subscriber.error(e),
          complete: () => pump(),
        }),
      );
    return () => {
      reader.close();
      inFlightBatches.unsubscribe();
    };
  });
