import type { MonoTypeOperatorFunction, SchedulerLike } from 'rxjs';
import { messageOf } from '../errors';
import { redact } from '../internal/redaction';
import type { RetryEvent } from '../types';
import type { PreparedCall } from './exchange';
import type { Log } from './log';
import { decideRetry, type RetryPolicy } from './retry-policy';
import { retryWithPolicy, type ScheduledRetry } from './retry-with-policy';

/** What {@link retryCall} needs of the client. @internal */
export interface RetryCallConfig {
  readonly policy: RetryPolicy;
  /** Total server-directed 429 wait one call may go through. */
  readonly maxRateLimitWaitMs: number;
  readonly onRetry?: (event: RetryEvent) => void;
  readonly log: Log;
  readonly scheduler: SchedulerLike;
}

/**
 * The retry step of a call: {@link retryWithPolicy} with the client's policy
 * and the call's `maxRetries`, each retry logged (warn) and told to `onRetry`
 * (`{ attempt, reason, delayMs, method, path, status? }`, the path with the
 * API key replaced by a marker; a listener that throws is logged and ignored).
 *
 * @example
 * // internal (lib/http/retry-call.ts), not part of the package root
 * attempts$.pipe(decodeInto(call.decoder, call.info), retryCall(config)(call));
 *
 * @internal
 */
export const retryCall =
  (config: RetryCallConfig) =>
  <A>(call: PreparedCall): MonoTypeOperatorFunction<A> => {
    const { info, maxRetries } = call;
    const notify = (retry: ScheduledRetry): void => {
      config.log.warn(
        retry.rateLimited === true
          ? `rate limited: ${info.method} ${info.path} goes again in ${Math.round(retry.delayMs)} ms ` +
              `(${Math.round(retry.rateLimitWaitedMs)} of ${config.maxRateLimitWaitMs} ms of 429 waits used)`
          : `retrying ${info.method} ${info.path} in ${Math.round(retry.delayMs)} ms ` +
              `(retry ${retry.attempt} of ${maxRetries}, ${retry.reason})`,
      );
      if (config.onRetry === undefined) return;
      const event: RetryEvent = {
        attempt: retry.attempt,
        reason: retry.reason,
        delayMs: retry.delayMs,
        method: info.method,
        path: redact(info.path),
        ...(retry.status === undefined ? {} : { status: retry.status }),
      };
      try {
        config.onRetry(event);
      } catch (e) {
        config.log.warn(`onRetry threw: ${messageOf(e)}`);
      }
    };
    return retryWithPolicy<A>({
      maxRetries,
      maxRateLimitWaitMs: config.maxRateLimitWaitMs,
      decide: (error, retryIndex) => decideRetry(error, retryIndex, config.policy),
      onRetry: notify,
      scheduler: config.scheduler,
    });
  };
