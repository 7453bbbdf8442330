import {
  asyncScheduler,
  concat,
  defer,
  from,
  ignoreElements,
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
import { ApiError, toVitableError } from '../errors';
import type { RequestOptions, VitableConnect } from '../types';
import { batchFailure, isPushBack, rateLimitWaitMs } from './batch-failure';
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
  /** The batch's `beforeSubmit` finished and it is being submitted: there may be room for another. */
  prepared?(batch: SentBatch): void;
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
}

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
  /** Batches started whose write-ahead (`beforeSubmit`) has not finished: not yet submitted. */
  private preparing = 0;
  private readonly subscriptions = new Subscription();

  constructor(
    private readonly settings: DispatchSettings,
    private readonly handlers: DispatchHandlers,
  ) {}

  /** Batches started and not yet settled. */
  get inFlight(): number {
    return this.running;
  }

  /**
   * True while fewer batches are submitted (or being submitted) than the
   * limit allows, and no batch is waiting for its `beforeSubmit`: a batch
   * whose write-ahead record is being written is not submitted yet, so it does
   * not hold a place of the limit (the submits keep the server busy
   * meanwhile), and there is at most one such batch, in place of the batch
   * being filled. So the members held stay within the limit times
   * `maxMembers` plus one batch.
   */
  hasRoom(): boolean {
    return this.running - this.preparing < this.settings.limit.current && this.preparing === 0;
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
    const { groupId, limit, poller, now } = this.settings;
    const holder = new Subscription();
    this.subscriptions.add(holder);
    // nothing that outlives the submit may hold `how`: its members are garbage once their body is sent
    const sent = how.kind === 'send';
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
      if (requestId !== undefined && sent) limit.released();
    };
    holder.add(
      accepted.pipe(switchMap((submission) => poller.poll(submission, acceptedAt))).subscribe({
        next: (request) => {
          release();
          handlers.completed(batch, request);
          this.settle(batch, holder);
        },
        error: (err: unknown) => {
          release();
          handlers.failed(batch, batchFailure(groupId, toVitableError(err), requestId));
          this.settle(batch, holder);
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
    if (!beforeSubmit) return send;
    // the write-ahead: the batch waits for it outside the limit (see hasRoom)
    const prepared = defer(() => {
      this.preparing++;
      let waiting = true;
      const done = (): void => {
        if (!waiting) return;
        waiting = false;
        this.preparing--;
      };
      return from(beforeSubmit(batch, key)).pipe(
        ignoreElements(),
        tap({ complete: () => (done(), this.handlers.prepared?.(batch)), error: done, finalize: done }),
      );
    });
    return concat(prepared, send);
  }

  private settle(batch: SentBatch, holder: Subscription | undefined): void {
    this.running--;
    if (holder) this.subscriptions.remove(holder);
    this.handlers.settled(batch);
  }
}
