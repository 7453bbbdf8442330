import {
  ApiError,
  ConnectionError,
  DecodeError,
  PollTimeoutError,
  TimeoutError,
  type VitableError,
} from '../errors';
import type { BatchFailure } from './sync-ledger';

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
 * // internal (lib/pipelines/batch-failure.ts)
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
 * // internal (lib/pipelines/batch-failure.ts)
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

/**
 * A failed submit that says the server is overloaded or limiting us (a 429, a
 * 5xx, a timeout or a dropped connection): the concurrency limit shrinks.
 *
 * @example
 * // internal (lib/pipelines/batch-failure.ts)
 * isPushBack(new ConnectionError({ method: 'POST', path: '/v1/…' }, 'socket hang up')); // true
 *
 * @internal
 */
export const isPushBack = (error: VitableError): boolean =>
  error instanceof ConnectionError ||
  error instanceof TimeoutError ||
  (error instanceof ApiError && (error.status === 429 || error.status >= 500));

/**
 * The failure of a batch, with a reason that says whether the server may have
 * applied it and, where known, the request id to check.
 *
 * @example
 * // internal (lib/pipelines/batch-failure.ts)
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
