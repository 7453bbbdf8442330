import {
  asyncScheduler,
  concat,
  concatMap,
  defer,
  from,
  ignoreElements,
  of,
  retry,
  Subscription,
  switchMap,
  tap,
  throwError,
  timer,
  type Observable,
  type ObservableInput,
  type SchedulerLike,
} from 'rxjs';
import type { MemberInput, SyncRequest, SyncSubmission } from '../codecs';
import {
  ApiError,
  ConnectionError,
  DecodeError,
  PollTimeoutError,
  TimeoutError,
  toVitableError,
  type VitableError,
} from '../errors';
import type { RequestOptions, VitableConnect } from '../types';
import type { BatchPoller } from './batch-poller';
import type { ConcurrencyLimit } from './concurrency-limit';
import type { SentBatch } from './roster-batcher';
import type { BatchFailure } from './sync-ledger';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Where a batch starts: `send` it (with a recorded `Idempotency-Key`, when
 * resuming), poll a batch the server already `accepted`, or take the recorded
 * outcome of one already `done` (nothing is sent). @internal
 */
export type BatchStart =
  | { readonly kind: 'send'; readonly members: MemberInput[]; readonly idempotencyKey?: string }
  | { readonly kind: 'accepted'; readonly requestId: string }
  | { readonly kind: 'done'; readonly request: SyncRequest };

/** What the engine tells the sync about each batch, in this order: `submitted`, then `completed` or `failed`, then `settled`. @internal */
export interface DispatchHandlers {
  /** The server accepted the batch (202); the limit has taken it into account, so there may be room for another. */
  submitted(batch: SentBatch, submission: SyncSubmission): void;
  completed(batch: SentBatch, request: SyncRequest): void;
  failed(batch: SentBatch, failure: BatchFailure): void;
  /** The batch left the engine: there may be room for another. */
  settled(batch: SentBatch): void;
}

/** What the engine works with. @internal */
export interface DispatchSettings {
  readonly client: VitableConnect;
  readonly groupId: string;
  readonly limit: ConcurrencyLimit;
  readonly poller: BatchPoller;
  /** The sync's clock, in ms. */
  readonly now: () => number;
  /** The scheduler of the waits after a submit answered 429 (default `asyncScheduler`). */
  readonly scheduler?: SchedulerLike;
  /** Longest a batch waits out 429s on its submit before it fails (default 900000 ms, as polling). */
  readonly rateLimitBudgetMs?: number;
  /** Runs before each submit and must finish first (a journal's write-ahead record). */
  readonly beforeSubmit?: (batch: SentBatch, idempotencyKey: string | undefined) => ObservableInput<unknown>;
  /** Runs after the server accepted a batch sent here, and must finish before it is polled (a journal's record of its request id). */
  readonly afterAccepted?: (batch: SentBatch, requestId: string) => ObservableInput<unknown>;
  /** Runs when a batch has its outcome, and must finish before the handlers hear of it (a journal's record of the outcome). */
  readonly beforeOutcome?: (batch: SentBatch, outcome: BatchOutcome) => ObservableInput<unknown> | undefined;
}

/** How a batch ended, for {@link DispatchSettings.beforeOutcome}. @internal */
export type BatchOutcome =
  | { readonly kind: 'completed'; readonly request: SyncRequest }
  | { readonly kind: 'failed'; readonly failure: BatchFailure };

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * True when a submit that failed with `error` may still have been applied:
 * the server answered 2xx (a body that did not decode), or the answer was lost
 * (dropped connection, timeout), or it answered 409 (the same key in progress)
 * or >= 500.
 *
 * @example
 * // internal (lib/pipelines/dispatch-engine.ts)
 * submitMayHaveApplied(new TimeoutError({ method: 'POST', path: '/v1/…' }, 60000)); // true
 *
 * @internal
 */
export const submitMayHaveApplied = (error: VitableError): boolean =>
  error instanceof ConnectionError ||
  error instanceof TimeoutError ||
  error instanceof DecodeError ||
  (error instanceof ApiError && (error.status === 409 || error.status >= 500));

/**
 * The wait a 429 asks for: `retry-after-ms`, else `Retry-After` seconds, else
 * 1 s; between 100 ms and 60 s.
 *
 * @example
 * // internal (lib/pipelines/dispatch-engine.ts)
 * rateLimitWaitMs(error); // 2000 for `Retry-After: 2`
 *
 * @internal
 */
export const rateLimitWaitMs = (error: ApiError): number => {
  const ms = Number(error.headers['retry-after-ms']);
  const seconds = Number(error.headers['retry-after']);
  const wait = Number.isFinite(ms) && ms > 0 ? ms : Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000;
  return Math.min(60_000, Math.max(100, wait));
};

/** A failed submit that says the server is overloaded or limiting us. */
const isPushBack = (error: VitableError): boolean =>
  error instanceof ConnectionError ||
  error instanceof TimeoutError ||
  (error instanceof ApiError && (error.status === 429 || error.status >= 500));

/**
 * The failure of a batch, with a reason that says whether the server may have
 * applied it and, where known, the request id to check.
 *
 * @example
 * // internal (lib/pipelines/dispatch-engine.ts)
 * batchFailure('grp_1', error, 'grpmsr_1').mayHaveApplied; // true
 *
 * @internal
 */
export const batchFailure = (groupId: string, error: VitableError, requestId?: string): BatchFailure => {
  if (requestId !== undefined) {
    const check = `client.members.sync.retrieve('${groupId}', '${requestId}')`;
    const reason =
      error instanceof PollTimeoutError
        ? `${error.message}; the server may still process it: resume with ${check}`
        : `${error.message}; the server accepted this batch (request ${requestId}) and may have applied it: check with ${check}`;
    return { error, reason, requestId, mayHaveApplied: true };
  }
  if (submitMayHaveApplied(error))
    return {
      error,
      reason: `${error.message}; the server may have applied this batch: its answer to the submit was lost or unclear`,
      mayHaveApplied: true,
    };
  return { error, reason: error.message, mayHaveApplied: false };
};

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Submits and polls the batches of a sync, as many at once as its
 * {@link ConcurrencyLimit} allows, and tells each outcome to its handlers.
 * The sync asks {@link hasRoom} before it reads more members.
 *
 * ```text
 * start:      a--b--c------------d------    (hasRoom: limit 2 in flight)
 * submit a:   -202··········P               (· the server processing, P the completing poll)
 * submit b:      -202·········P
 * settled:    ---------------a-b-----c--
 * ```
 *
 * Each batch has its own subscription: a submit (with the batch's
 * `Idempotency-Key` when given, after `beforeSubmit`), then the poller's
 * polls. The submit's round trip feeds the limit: accepted fast grows it,
 * stretched or pushed back (429, 5xx, timeout, dropped connection) shrinks it.
 * A submit still answered 429 after the client's own waiting was not applied:
 * it is sent again after the wait the server asks for, while the server keeps
 * answering (up to `rateLimitBudgetMs`), so a rate limit never fails a batch.
 * `stop` aborts everything in flight.
 *
 * @example
 * // internal (lib/pipelines/dispatch-engine.ts)
 * const engine = new DispatchEngine({ client, groupId, limit, poller, now }, handlers);
 * if (engine.hasRoom()) engine.start(batch, { kind: 'send', members });
 *
 * @internal
 */
export class DispatchEngine {
  private running = 0;
  private readonly subscriptions = new Subscription();

  constructor(
    private readonly settings: DispatchSettings,
    private readonly handlers: DispatchHandlers,
  ) {}

  /** Batches started and not yet settled. */
  get inFlight(): number {
    return this.running;
  }

  /** True while fewer batches are in flight than the limit allows. */
  hasRoom(): boolean {
    return this.running < this.settings.limit.current;
  }

  /** Starts one batch (see {@link BatchStart}); its outcome comes to the handlers. */
  start(batch: SentBatch, how: BatchStart): void {
    const { handlers } = this;
    this.running++;
    if (how.kind === 'done') {
      handlers.completed(batch, how.request);
      this.settle(batch, undefined);
      return;
    }
    const { groupId, limit, poller, now, afterAccepted, beforeOutcome } = this.settings;
    /** `value` once `hook` (if any) has finished. */
    const after = <A>(value: A, hook: ObservableInput<unknown> | undefined): Observable<A> =>
      hook === undefined ? of(value) : concat(from(hook).pipe(ignoreElements()), of(value));
    const holder = new Subscription();
    this.subscriptions.add(holder);
    let requestId = how.kind === 'accepted' ? how.requestId : undefined;
    let acceptedAt = now();
    const accepted =
      how.kind === 'accepted'
        ? from([{ request_id: how.requestId, group_id: groupId, accepted_at: new Date(acceptedAt).toISOString() }])
        : this.submit(batch, how, (submission, latencyMs, token) => {
            requestId = submission.request_id;
            acceptedAt = now();
            limit.accepted(token, latencyMs);
            handlers.submitted(batch, submission);
          });
    const release = (): void => {
      if (requestId !== undefined && how.kind === 'send') limit.released();
    };
    const recorded =
      how.kind === 'send' && afterAccepted
        ? accepted.pipe(concatMap((submission) => after(submission, afterAccepted(batch, submission.request_id))))
        : accepted;
    holder.add(
      recorded
        .pipe(
          switchMap((submission) => poller.poll(submission, acceptedAt)),
          concatMap((request) => after(request, beforeOutcome?.(batch, { kind: 'completed', request }))),
        )
        .subscribe({
          next: (request) => {
            release();
            handlers.completed(batch, request);
            this.settle(batch, holder);
          },
          error: (err: unknown) => {
            release();
            const failure = batchFailure(groupId, toVitableError(err), requestId);
            const report = (): void => {
              handlers.failed(batch, failure);
              this.settle(batch, holder);
            };
            const hook = beforeOutcome?.(batch, { kind: 'failed', failure });
            if (hook === undefined) return report();
            // the outcome is told whether or not the hook could record it (a hook's own error is told first)
            holder.add(
              from(hook).subscribe({
                complete: report,
                error: (e: unknown) => {
                  handlers.failed(batch, batchFailure(groupId, toVitableError(e), requestId));
                  this.settle(batch, holder);
                },
              }),
            );
          },
        }),
    );
  }

  /** Aborts every submit and poll in flight; nothing more is reported. */
  stop(): void {
    this.subscriptions.unsubscribe();
  }

  private submit(
    batch: SentBatch,
    how: Extract<BatchStart, { kind: 'send' }>,
    onAccepted: (submission: SyncSubmission, latencyMs: number, token: number) => void,
  ): Observable<SyncSubmission> {
    const { client, groupId, limit, now, beforeSubmit } = this.settings;
    const scheduler = this.settings.scheduler ?? asyncScheduler;
    const budgetMs = this.settings.rateLimitBudgetMs ?? 900_000;
    const key = how.idempotencyKey;
    const options: RequestOptions | undefined = key !== undefined ? { idempotencyKey: key } : undefined;
    let waitedMs = 0;
    // a 429 left after the client's own waiting means the batch was not applied: it is sent again
    // after the wait the server asks for, while the server keeps answering, up to the budget
    const again = {
      delay: (err: unknown) => {
        if (!(err instanceof ApiError) || err.status !== 429 || waitedMs >= budgetMs) return throwError(() => err);
        const wait = Math.min(rateLimitWaitMs(err), budgetMs - waitedMs);
        waitedMs += wait;
        return timer(wait, scheduler);
      },
    };
    const send = defer(() => {
      const token = limit.sent();
      const sentAt = now();
      // the members are already decoded: the codec's re-check in submit returns these very objects
      return client.members.sync.submit(groupId, { members: how.members }, options).pipe(
        tap({
          next: (submission) => onAccepted(submission, now() - sentAt, token),
          error: (err: unknown) => {
            if (isPushBack(toVitableError(err))) limit.pushedBack(token);
          },
        }),
      );
    }).pipe(retry(again));
    return beforeSubmit ? concat(defer(() => from(beforeSubmit(batch, key))).pipe(ignoreElements()), send) : send;
  }

  private settle(batch: SentBatch, holder: Subscription | undefined): void {
    this.running--;
    if (holder) this.subscriptions.remove(holder);
    this.handlers.settled(batch);
  }
}
