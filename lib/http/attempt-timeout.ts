import { throwError, timeout, type SchedulerLike } from 'rxjs';
import { TimeoutError } from '../errors';
import type { ExchangeTransform } from './exchange';

/**
 * Limits each attempt to its call's `timeoutMs` on `scheduler`: without a
 * response by then, the exchange is unsubscribed (which aborts the request)
 * and the attempt errors with `TimeoutError`, which the retry policy may retry.
 *
 * @example
 * // internal (lib/http/attempt-timeout.ts), not part of the package root
 * pipeExchange(sendExchange(instance, canceller), withAttemptTimeout(asyncScheduler));
 *
 * @internal
 */
export const withAttemptTimeout =
  (scheduler: SchedulerLike): ExchangeTransform =>
  (next) =>
  (attempt) =>
    next(attempt).pipe(
      timeout({
        first: attempt.call.timeoutMs,
        with: () => throwError(() => new TimeoutError(attempt.call.info, attempt.call.timeoutMs)),
        scheduler,
      }),
    );
