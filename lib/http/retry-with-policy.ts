import { retry, throwError, timer, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';
import type { RetryDecision } from './retry-policy';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A retry that is about to be scheduled. */
export type ScheduledRetry = Extract<RetryDecision, { retry: true }> & {
  /** 1 for the first retry, 2 for the second… */
  readonly attempt: number;
};

/** Options of {@link retryWithPolicy}. */
export interface RetryWithPolicyConfig {
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  /** The policy: whether the failure of retry `retryIndex` (0-based) is retried, and after how long. */
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
 * delay it chose on `scheduler`, at most `maxRetries` times; any other failure,
 * or the last one, goes through. Unsubscribing cancels a pending wait.
 *
 * @example
 * // internal (lib/http/retry-with-policy.ts), not part of the package root
 * attempt$.pipe(
 *   retryWithPolicy({ maxRetries: 2, decide: (e, n) => decideRetry(e, n, policy), scheduler: asyncScheduler }),
 * );
 *
 * @internal
 */
export const retryWithPolicy = <T>(config: RetryWithPolicyConfig): MonoTypeOperatorFunction<T> =>
  retry<T>({
    count: config.maxRetries,
    delay: (error: unknown, retryCount: number) => {
      const decision = config.decide(error, retryCount - 1);
      if (!decision.retry) return throwError(() => error);
      config.onRetry?.({ ...decision, attempt: retryCount });
      return timer(decision.delayMs, config.scheduler);
    },
  });
