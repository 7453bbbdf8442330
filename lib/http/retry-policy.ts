import { ApiError, ConnectionError, TimeoutError } from '../errors';
import type { RetryReason } from '../types';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** What the retry policy needs besides the failure: the cap on server waits, a clock, jitter. */
export interface RetryPolicy {
  /** Longest server-directed wait honoured, in ms. */
  readonly maxRetryAfterMs: number;
  /** Current time in ms since the epoch (for `Retry-After` HTTP dates). */
  readonly now: () => number;
  /** A number in `[0, 1)`, for jitter. */
  readonly random: () => number;
}

/** The policy's verdict on one failed attempt. */
export type RetryDecision =
  | { readonly retry: false }
  | {
      readonly retry: true;
      readonly reason: RetryReason;
      readonly delayMs: number;
      /** HTTP status of the failed attempt, when there was a response. */
      readonly status?: number;
      /**
       * A 429 with a server-directed wait: not counted against `maxRetries`,
       * but against the call's `maxRateLimitWaitMs`.
       */
      readonly rateLimited?: true;
    };

/** Base of the exponential backoff, ms. */
export const INITIAL_RETRY_DELAY_MS = 500;
/** Cap of the exponential backoff, ms. */
export const MAX_RETRY_DELAY_MS = 8000;

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * Why `error` may be retried, or `undefined` when it must not be: connection
 * errors, timeouts, 408, 409, 429 and >= 500; `x-should-retry: true|false`
 * overrides the status rule.
 *
 * @example
 * // internal (lib/http/retry-policy.ts), not part of the package root
 * retryReason(apiErrorFor({ status: 503, body: '', headers: {}, requestId: undefined, method: 'GET', path: '/' }));
 * // 'status-5xx'
 *
 * @internal
 */
export const retryReason = (error: unknown): RetryReason | undefined => {
  if (error instanceof ConnectionError) return 'connection';
  if (error instanceof TimeoutError) return 'timeout';
  if (!(error instanceof ApiError)) return undefined;
  const override = error.headers['x-should-retry'];
  const byStatus = statusReason(error.status);
  if (override === 'false') return undefined;
  if (override === 'true') return byStatus ?? 'x-should-retry';
  return byStatus;
};

const statusReason = (status: number): RetryReason | undefined => {
  switch (status) {
    case 408:
      return 'status-408';
    case 409:
      return 'status-409';
    case 429:
      return 'status-429';
    default:
      return status >= 500 ? 'status-5xx' : undefined;
  }
};

const SECONDS = /^\s*\d+(\.\d+)?\s*$/;

/**
 * The wait a response asks for: `retry-after-ms`, else `Retry-After` in
 * seconds or as an HTTP date; `undefined` unless it is above 0 and at most
 * `maxRetryAfterMs`.
 *
 * @example
 * // internal (lib/http/retry-policy.ts), not part of the package root
 * serverDirectedDelayMs({ 'retry-after': '2' }, policy); // 2000
 *
 * @internal
 */
export const serverDirectedDelayMs = (
  headers: Readonly<Record<string, string>>,
  policy: Pick<RetryPolicy, 'maxRetryAfterMs' | 'now'>,
): number | undefined => {
  const honoured = (ms: number): number | undefined =>
    Number.isFinite(ms) && ms > 0 && ms <= policy.maxRetryAfterMs ? ms : undefined;
  const ms = headers['retry-after-ms'];
  const fromMs = ms !== undefined && SECONDS.test(ms) ? honoured(Number(ms)) : undefined;
  if (fromMs !== undefined) return fromMs;
  const after = headers['retry-after'];
  if (after === undefined || after.trim() === '') return undefined;
  if (SECONDS.test(after)) return honoured(Number(after) * 1000);
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : honoured(date - policy.now());
};

/**
 * Jittered exponential backoff before retry `retryIndex` (0-based):
 * `min(0.5 s * 2^n, 8 s) * (1 - 0.25 * random)`.
 *
 * @example
 * // internal (lib/http/retry-policy.ts), not part of the package root
 * backoffDelayMs(2, () => 0); // 2000
 *
 * @internal
 */
export const backoffDelayMs = (retryIndex: number, random: () => number): number =>
  Math.min(INITIAL_RETRY_DELAY_MS * 2 ** retryIndex, MAX_RETRY_DELAY_MS) * (1 - 0.25 * random());

// -------------------------------------------------------------------------------------
// policy
// -------------------------------------------------------------------------------------

/**
 * Decides whether the attempt that failed with `error` is retried and after
 * how long. A 429 with a usable server-directed wait is marked `rateLimited`
 * (it does not count as a retry). Pure apart from the injected clock and
 * random source; `retryIndex` counts the ordinary retries so far; the limits
 * are applied by {@link retryWithPolicy}.
 *
 * @example
 * // internal (lib/http/retry-policy.ts): what `createClient` applies to every request
 * import { createClient } from 'vitable-connect-rx';
 *
 * createClient({ maxRetries: 3, onRetry: (e) => console.warn(e.reason, e.delayMs) });
 *
 * @internal
 */
export const decideRetry = (
  error: unknown,
  retryIndex: number,
  policy: RetryPolicy,
): RetryDecision => {
  const reason = retryReason(error);
  if (reason === undefined) return { retry: false };
  const serverDelay =
    error instanceof ApiError ? serverDirectedDelayMs(error.headers, policy) : undefined;
  const delayMs = serverDelay ?? backoffDelayMs(retryIndex, policy.random);
  if (!(error instanceof ApiError)) return { retry: true, reason, delayMs };
  return error.status === 429 && serverDelay !== undefined
    ? { retry: true, reason, delayMs, status: 429, rateLimited: true }
    : { retry: true, reason, delayMs, status: error.status };
};
