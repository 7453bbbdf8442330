import {
  defer,
  retry,
  throwError,
  timer,
  type MonoTypeOperatorFunction,
  type SchedulerLike,
} from 'rxjs';
import type { RetryDecision } from './retry-policy';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A retry that is about to be scheduled. */
export type ScheduledRetry = Extract<RetryDecision, { retry: true }> & {
  /** 1 for the first retry, 2 for the second… (rate-limit waits included). */
  readonly attempt: number;
  /**
   * Time this call has spent waiting out 429s so far, this wait included, in
   * ms: from each such retry's scheduling to the answer of the attempt after
   * it (the server's wait, the client's pacing, the attempt itself).
   */
  readonly rateLimitWaitedMs: number;
};

/** Options of {@link retryWithPolicy}. */
export interface RetryWithPolicyConfig {
  /** Ordinary retries after the first attempt. */
  readonly maxRetries: number;
  /** Most time one subscription may spend waiting out 429s (see {@link ScheduledRetry.rateLimitWaitedMs}). */
  readonly maxRateLimitWaitMs: number;
  /** The policy: whether a failure is retried, and after how long; `retryIndex` counts ordinary retries (0-based). */
  readonly decide: (error: unknown, retryIndex: number) => RetryDecision;
  /** Told before each retry's wait starts. */
  readonly onRetry?: (retry: ScheduledRetry) => void;
  /** Where the waits run (virtual in tests). */
  readonly scheduler: SchedulerLike;
}

// -------------------------------------------------------------------------------------
// operator
// -------------------------------------------------------------------------------------

/**
 * Re-subscribes to the source after a failure the policy retries, waiting the
 * delay it chose on `scheduler`. Two budgets, per subscription: an ordinary
 * retry counts against `maxRetries`; a 429 with a server-directed wait
 * (`rateLimited`) does not, and goes again as long as the time spent waiting
 * out 429s stays within `maxRateLimitWaitMs` (then its `RateLimitError` goes
 * through). That time is measured on `scheduler`, from each such retry's
 * scheduling to the next failure, so the client's own pacing after a 429
 * (the shared gate) counts as well as the server's wait. Any other failure,
 * or one past its budget, goes through. Unsubscribing cancels a pending wait.
 *
 * @example
 * // internal (lib/http/retry-with-policy.ts), not part of the package root
 * attempt$.pipe(
 *   retryWithPolicy({ maxRetries: 2, maxRateLimitWaitMs: 120_000, decide: (e, n) => decideRetry(e, n, policy), scheduler: asyncScheduler }),
 * );
 *
 * @internal
 */
export const retryWithPolicy =
  <T>(config: RetryWithPolicyConfig): MonoTypeOperatorFunction<T> =>
  (source) =>
    defer(() => {
      let retries = 0;
      let attempt = 0;
      let rateLimitWaitedMs = 0;
      /** When the last 429 retry was scheduled, until the next failure ends its wait. */
      let waitingSince: number | undefined;
      return source.pipe(
        retry<T>({
          delay: (error: unknown) => {
            const now = config.scheduler.now();
            if (waitingSince !== undefined) rateLimitWaitedMs += now - waitingSince;
            waitingSince = undefined;
            const decision = config.decide(error, retries);
            if (!decision.retry) return throwError(() => error);
            if (decision.rateLimited === true) {
              if (rateLimitWaitedMs + decision.delayMs > config.maxRateLimitWaitMs)
                return throwError(() => error);
              waitingSince = now;
            } else {
              if (retries >= config.maxRetries) return throwError(() => error);
              retries += 1;
            }
            attempt += 1;
            const waited = decision.rateLimited === true ? rateLimitWaitedMs + decision.delayMs : rateLimitWaitedMs;
            config.onRetry?.({ ...decision, attempt, rateLimitWaitedMs: waited });
            return timer(decision.delayMs, config.scheduler);
          },
        }),
      );
    });
