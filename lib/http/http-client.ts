import type { AxiosInstance } from 'axios';
import * as E from 'fp-ts/Either';
import { defer, throwError, type Observable, type SchedulerLike } from 'rxjs';
import { ValidationError, type Issue } from '../errors';
import type { ResponseEvent, RetryEvent } from '../types';
import { abortOn } from './abort-signal';
import { withAttemptTimeout } from './attempt-timeout';
import { withDebugLog } from './debug-log';
import { decodeInto } from './decode-response';
import { logFailure } from './error-log';
import { pipeExchange, type Endpoint, type Exchange, type PreparedCall } from './exchange';
import type { Log } from './log';
import { makePrepareCall } from './prepare-call';
import { makeRateGate, type RateGate } from './rate-gate';
import { abortControllerCanceller, cancelSignalCanceller } from './request-canceller';
import { withResponseListener } from './response-listener';
import { retryCall } from './retry-call';
import type { RetryPolicy } from './retry-policy';
import { newAxiosInstance, send, type HttpMethod } from './send';
import {
  readSafely,
  requestOptions,
  validateAll,
  type CheckedRequestOptions,
  type Validation,
} from './validate';
import { throughRateGate } from './with-rate-gate';

export type { Endpoint } from './exchange';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A client's resolved settings, as the HTTP layer needs them. @internal */
export interface HttpConfig {
  readonly apiKey: string;
  /** Without a trailing slash. */
  readonly baseURL: string;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly maxRetryAfterMs: number;
  /** Defaults to a new instance. */
  readonly axios?: AxiosInstance;
  readonly defaultHeaders: Readonly<Record<string, string>>;
  readonly log: Log;
  readonly onRetry?: (event: RetryEvent) => void;
  /** Total server-directed 429 wait one call may go through. */
  readonly maxRateLimitWaitMs: number;
  readonly onResponse?: (event: ResponseEvent) => void;
}

/** Time, randomness and key generation, injected so tests are deterministic. @internal */
export interface HttpDeps {
  /** Runs every wait: retry delays, the 429 gate, per-attempt timeouts. */
  readonly scheduler: SchedulerLike;
  /** Jitter source, `[0, 1)`. */
  readonly random: () => number;
  /** Epoch ms, for `Retry-After` HTTP dates. */
  readonly now: () => number;
  /** Makes an `Idempotency-Key` for a POST call. */
  readonly newIdempotencyKey: () => string;
}

/** The HTTP layer of one client. @internal */
export interface Http {
  /**
   * A cold Observable of one endpoint call. `options` and `build` (the
   * arguments, a body included) are read and checked now, once: every
   * subscription sends what was checked then, and a failure errors each
   * subscription with a `ValidationError` listing every issue of both,
   * nothing sent. A POST gets its `Idempotency-Key` now, once, reused by
   * every retry and re-subscription (always with the same body).
   */
  request<A>(
    method: HttpMethod,
    context: string,
    options: unknown,
    build: () => Validation<Endpoint<A>>,
  ): Observable<A>;
  /** The client's shared 429 gate. */
  readonly gate: RateGate;
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The HTTP layer of one client, built as a pipe of named transformations,
 * each chosen once, here, by adding or leaving out a piece:
 *
 * - the exchange of one attempt: `send` (with a DOM `AbortController` per
 *   request for a user's axios instance, the lighter `CancelSignal` for the
 *   client's own), `withAttemptTimeout`, `withDebugLog` (only at debug
 *   level), `withResponseListener` (only with `onResponse`);
 * - a call: prepared once per subscription (`makePrepareCall`: merged
 *   headers used as they are when the call adds none, the body serialised
 *   once to bytes), its attempts `throughRateGate` (the shared, paced gate),
 *   `decodeInto` an Either whose Left is the error channel, `retryCall`,
 *   `logFailure` (only when errors are logged), `abortOn` (only with a
 *   `signal`).
 *
 * Every wait runs on `deps.scheduler`.
 *
 * @example
 * // internal (lib/http/http-client.ts): createClient wires it; resources call it
 * const http = makeHttp(config, { scheduler: asyncScheduler, random: Math.random, now: Date.now, newIdempotencyKey: randomUUID });
 * http.request('GET', 'groups.retrieve', undefined, () => endpoint(groupPath({ groupId: 'grp_1' }), GroupData));
 *
 * @internal
 */
export const makeHttp = (config: HttpConfig, deps: HttpDeps): Http => {
  const { log } = config;
  const { scheduler } = deps;
  const instance = config.axios ?? newAxiosInstance();
  const newCanceller =
    config.axios === undefined ? cancelSignalCanceller : abortControllerCanceller;
  const gate = makeRateGate(scheduler);
  const policy: RetryPolicy = {
    maxRetryAfterMs: config.maxRetryAfterMs,
    now: deps.now,
    random: deps.random,
  };

  const exchange: Exchange = pipeExchange(
    (attempt) => send(instance, attempt.call.spec, newCanceller),
    withAttemptTimeout(scheduler),
    log.enabled('debug') ? withDebugLog(log) : undefined,
    config.onResponse === undefined
      ? undefined
      : withResponseListener(config.onResponse, log, scheduler),
  );
  const attempts = throughRateGate(gate, policy, log)(exchange);
  const retry = retryCall({
    policy,
    maxRateLimitWaitMs: config.maxRateLimitWaitMs,
    log,
    scheduler,
    ...(config.onRetry === undefined ? {} : { onRetry: config.onRetry }),
  });
  const logged = log.enabled('error');
  const prepare = makePrepareCall(config);

  const execute = <A>(call: PreparedCall<A>): Observable<A> => {
    const retried = attempts(call).pipe(decodeInto(call.decoder, call.info), retry<A>(call));
    const result = logged ? retried.pipe(logFailure<A>(log)) : retried;
    return call.signal === undefined ? result : result.pipe(abortOn<A>(call.signal, call.info));
  };

  const request = <A>(
    method: HttpMethod,
    context: string,
    options: unknown,
    build: () => Validation<Endpoint<A>>,
  ): Observable<A> => {
    // the options and the arguments (a body included) are read once, now: every subscription
    // sends what was checked here, under the same Idempotency-Key, whatever the caller's
    // objects hold by then; a failure errors each subscription, and nothing is sent
    const checkedOptions = readSafely('options', () => requestOptions(options));
    const checked = validateAll({ options: checkedOptions, endpoint: readSafely('arguments', build) });
    const idempotencyKey =
      method === 'POST'
        ? ((E.isRight(checkedOptions) ? checkedOptions.right.idempotencyKey : undefined) ??
          deps.newIdempotencyKey())
        : undefined;
    return defer(() =>
      E.match(
        (issues: ReadonlyArray<Issue>): Observable<A> =>
          throwError(() => new ValidationError(context, issues)),
        (v: { options: CheckedRequestOptions; endpoint: Endpoint<A> }) =>
          execute(prepare(method, v.endpoint, v.options, idempotencyKey)),
      )(checked),
    );
  };

  return { request, gate };
};
