import { defer, Observable, of, Subject, switchMap, take, throwError, timeout, timer, type SchedulerLike } from 'rxjs';
import type { SyncRequest, SyncSubmission } from '../codecs';
import { PollTimeoutError } from '../errors';
import { NOT_YET, pollRequest, retrieveOrRetry, type ResolvedPollOptions } from '../operators/poll-until-complete';
import type { RequestOptions, VitableConnect } from '../types';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Polls accepted batches of one sync until they complete. @internal */
export interface BatchPoller {
  /**
   * Polls `submission` (accepted at `acceptedAtMs` on the sync's clock) until
   * `completed_at` is set; transient failures are polled again, up to the
   * timeout ({@link PollTimeoutError}).
   */
  poll(submission: SyncSubmission, acceptedAtMs: number, options?: RequestOptions): Observable<SyncRequest>;
}

/** Settings of {@link learnedPoller}. @internal */
export interface LearnedPollSettings {
  readonly scheduler: SchedulerLike;
  /** The sync's clock, in ms. */
  readonly now: () => number;
  /** Give up this long after polling starts (default 900000). */
  readonly timeoutMs?: number;
  /** Longest wait between two polls (default 30000). */
  readonly maxDelayMs?: number;
}

/** The probe's first wait, and its growth from poll to poll, while nothing is known. @internal */
export const PROBE = { firstMs: 250, factor: 1.25 } as const;
/** Processing times remembered; the estimate is the longest of them. @internal */
export const REMEMBERED = 16;

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Polling with explicit `poll` options: the fixed schedule of
 * `pollUntilComplete`, the same for every batch.
 *
 * @example
 * // internal (lib/pipelines/batch-poller.ts)
 * fixedPoller(client, resolvePollOptions({ initialDelayMs: 500 })).poll(submission, 0);
 *
 * @internal
 */
export const fixedPoller = (client: VitableConnect, options: ResolvedPollOptions): BatchPoller => ({
  poll: (submission, _acceptedAtMs, requestOptions) => pollRequest(client, submission, options, requestOptions),
});

/**
 * The default polling of `syncRoster`: it learns how long the server takes,
 * so that most batches need a single poll.
 *
 * ```text
 * batch 1 (probe): 202 ·p·p··p···P           nothing known yet: polls at 250 ms, then ×1.25 each
 * batch 2:         202 ··········(waits)·····P   then once: at its 202 + 1.05 × estimate + 25 ms
 * batch 3:                 202 ··············P
 * ```
 *
 * - The **estimate** is the longest of the last 16 processing times seen,
 *   each `completed_at − accepted_at` as the server stamped it (or the time
 *   from the 202 to the poll that saw it done, when the stamps do not parse).
 * - While nothing is known, **one batch probes** (first poll after 250 ms,
 *   each wait 1.25 times the last) and the others wait for what it learns; if
 *   the probe fails, the next waiting batch probes.
 * - With an estimate, a batch's **first poll** comes 1.05 × estimate + 25 ms
 *   after its 202; if it is not done then, the next polls come after
 *   max(100 ms, estimate / 10), growing 1.5 times, capped at `maxDelayMs`.
 * - A poll that fails transiently counts as "not yet"; past `timeoutMs` the
 *   batch errors with {@link PollTimeoutError}.
 *
 * @example
 * // internal (lib/pipelines/batch-poller.ts)
 * const poller = learnedPoller(client, { scheduler: asyncScheduler, now: Date.now });
 * poller.poll(submission, Date.now()).subscribe((request) => console.log(request.results));
 *
 * @internal
 */
export const learnedPoller = (client: VitableConnect, settings: LearnedPollSettings): BatchPoller => {
  const { scheduler, now } = settings;
  const timeoutMs = settings.timeoutMs ?? 900_000;
  const maxDelayMs = settings.maxDelayMs ?? 30_000;
  const seen: number[] = [];
  let probing = false;
  const changed = new Subject<void>();

  const estimate = (): number | undefined => (seen.length === 0 ? undefined : Math.max(...seen));

  const learn = (request: SyncRequest, acceptedAtMs: number): void => {
    const stamped = Date.parse(request.completed_at ?? '') - Date.parse(request.accepted_at);
    const sample = Number.isFinite(stamped) && stamped >= 0 ? stamped : Math.max(0, now() - acceptedAtMs);
    seen.push(sample);
    if (seen.length > REMEMBERED) seen.shift();
    changed.next();
  };

  return {
    poll: (submission, acceptedAtMs, requestOptions) => {
      const { group_id: groupId, request_id: requestId } = submission;
      /** Poll after `waitMs`; if not done, poll `n + 1` after `next(n + 1)`. */
      const polls = (waitMs: number, next: (n: number) => number, n: number): Observable<SyncRequest> =>
        timer(Math.min(Math.max(0, waitMs), maxDelayMs), scheduler).pipe(
          switchMap(() => retrieveOrRetry(client, groupId, requestId, requestOptions)),
          switchMap((request) => {
            if (request !== NOT_YET && request.completed_at != null) {
              learn(request, acceptedAtMs);
              return of(request);
            }
            return defer(() => polls(next(n + 1), next, n + 1));
          }),
        );
      const probe = (): Observable<SyncRequest> => {
        probing = true;
        let released = false;
        const release = (): void => {
          if (released) return;
          released = true;
          probing = false;
          changed.next();
        };
        return new Observable<SyncRequest>((subscriber) => {
          const sub = polls(PROBE.firstMs, (n) => PROBE.firstMs * Math.pow(PROBE.factor, n), 0).subscribe(subscriber);
          return () => {
            sub.unsubscribe();
            release();
          };
        });
      };
      const learned = (d: number): Observable<SyncRequest> => {
        const step = Math.max(100, d / 10);
        return polls(acceptedAtMs + 1.05 * d + 25 - now(), (n) => step * Math.pow(1.5, n - 1), 0);
      };
      const decide = (): Observable<SyncRequest> => {
        const d = estimate();
        if (d !== undefined) return learned(d);
        if (!probing) return probe();
        return changed.pipe(
          take(1),
          switchMap(() => decide()),
        );
      };
      return defer(decide).pipe(
        timeout({
          first: timeoutMs,
          scheduler,
          with: () => throwError(() => new PollTimeoutError(groupId, requestId, timeoutMs)),
        }),
      );
    },
  };
};
