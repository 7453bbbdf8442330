import type { AxiosInstance } from 'axios';
import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import { defer, map, Observable, tap, throwError, timeout, type SchedulerLike } from 'rxjs';
import { toIssues } from '../codecs/report';
import {
  AbortError,
  apiErrorFor,
  DecodeError,
  redact,
  TimeoutError,
  ValidationError,
  type Issue,
  type RequestInfo,
  type VitableError,
} from '../errors';
import type { ResponseEvent, RetryEvent } from '../types';
import type { Log } from './log';
import { makeRateGate, type RateGate, type Ticket } from './rate-gate';
import {
  abortControllerCanceller,
  cancelSignalCanceller,
  type NewCanceller,
} from './request-canceller';
import { decideRetry, serverDirectedDelayMs, type RetryPolicy } from './retry-policy';
import { retryWithPolicy, type ScheduledRetry } from './retry-with-policy';
import { newAxiosInstance, send, type HttpMethod, type RawResponse, type SendSpec } from './send';
import {
  readSafely,
  requestOptions,
  validateAll,
  type AbortSignalLike,
  type CheckedRequestOptions,
  type Validation,
} from './validate';
import { USER_AGENT } from './version';

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

/** One endpoint call, validated: where it goes, what it sends, how its answer decodes. @internal */
export interface Endpoint<A> {
  /** Path with parameters already percent-encoded, e.g. `/v1/groups/grp_1`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, number | string | undefined>>;
  /** A JSON value (already decoded by its codec, so exactly what is sent). */
  readonly body?: unknown;
  /** Decodes a 2xx body into what the Observable emits. */
  readonly decoder: t.Decoder<unknown, A>;
}

/** The HTTP layer of one client. @internal */
export interface Http {
  /**
   * A cold Observable of one endpoint call. `build` and `options` are checked on
   * subscription (a `ValidationError` listing every issue, nothing sent); a POST
   * gets its `Idempotency-Key` now, once, reused by every retry and re-subscription.
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
// utils
// -------------------------------------------------------------------------------------

const mergeHeaders = (
  ...layers: ReadonlyArray<Readonly<Record<string, string>>>
): Record<string, string> => {
  const byLowerName = new Map<string, [string, string]>();
  for (const layer of layers)
    for (const [name, value] of Object.entries(layer))
      byLowerName.set(name.toLowerCase(), [name, value]);
  return Object.fromEntries(byLowerName.values());
};

const isEmpty = (record: Readonly<Record<string, string>>): boolean =>
  Object.keys(record).length === 0;

const queryString = (query: Endpoint<unknown>['query']): string => {
  if (query === undefined) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.append(k, String(v));
  const s = params.toString();
  return s === '' ? '' : `?${s}`;
};

const parseJson = (text: string): E.Either<string, unknown> => {
  try {
    return E.right(JSON.parse(text));
  } catch (e) {
    return E.left(e instanceof Error ? e.message : String(e));
  }
};

/** A non-2xx body: parsed JSON when it is JSON, else the text. */
const errorBody = (body: unknown): unknown =>
  typeof body === 'string' ? E.getOrElse((): unknown => body)(parseJson(body)) : body;

const interpret = <A>(
  raw: RawResponse,
  decoder: t.Decoder<unknown, A>,
  info: RequestInfo,
): E.Either<VitableError, A> => {
  const requestId = raw.headers['x-request-id'];
  if (raw.status < 200 || raw.status > 299)
    return E.left(
      apiErrorFor({
        ...info,
        status: raw.status,
        body: errorBody(raw.body),
        headers: raw.headers,
        requestId,
      }),
    );
  const meta = { ...info, codec: decoder.name, requestId };
  if (typeof raw.body === 'string') {
    const parsed = parseJson(raw.body);
    if (E.isLeft(parsed))
      return E.left(
        new DecodeError(
          meta,
          [{ path: '', message: `body is not JSON (${parsed.left})` }],
          raw.body,
        ),
      );
    return E.mapLeft(
      (errors: t.Errors): VitableError => new DecodeError(meta, toIssues(errors), parsed.right),
    )(decoder.decode(parsed.right));
  }
  return E.mapLeft(
    (errors: t.Errors): VitableError => new DecodeError(meta, toIssues(errors), raw.body),
  )(decoder.decode(raw.body));
};

/** Builds the endpoint, and combines it with the options checked at call time; even a throwing getter becomes an issue. */
const checkArguments = <A>(
  options: Validation<CheckedRequestOptions>,
  build: () => Validation<Endpoint<A>>,
): Validation<{ options: CheckedRequestOptions; endpoint: Endpoint<A> }> =>
  validateAll({ options, endpoint: readSafely('arguments', build) });

const abortable = <A>(
  source: Observable<A>,
  signal: AbortSignalLike,
  info: RequestInfo,
): Observable<A> =>
  new Observable<A>((subscriber) => {
    if (signal.aborted) {
      subscriber.error(new AbortError(info));
      return undefined;
    }
    const onAbort = (): void => subscriber.error(new AbortError(info));
    signal.addEventListener('abort', onAbort);
    const subscription = source.subscribe({
      next: (value) => subscriber.next(value),
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
    return () => {
      signal.removeEventListener('abort', onAbort);
      subscription.unsubscribe();
    };
  });

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The HTTP layer of one client: headers, per-attempt timeout, decoding into
 * the error channel, retries with the shared 429 gate, abort on unsubscribe.
 * Every wait runs on `deps.scheduler`.
 *
 * @example
 * // internal (lib/http/http-client.ts): createClient wires it; resources call it
 * const http = makeHttp(config, { scheduler: asyncScheduler, random: Math.random, now: Date.now, newIdempotencyKey: randomUUID });
 * http.request('GET', 'groups.retrieve', undefined, () => E.right({ path: '/v1/groups/grp_1', decoder }));
 *
 * @internal
 */
export const makeHttp = (config: HttpConfig, deps: HttpDeps): Http => {
  const instance = config.axios ?? newAxiosInstance();
  // Our own instance has no interceptors or custom adapter that could need a DOM
  // AbortSignal, so its requests cancel through the lighter CancelSignal; a
  // user's instance gets a real AbortController per request.
  const newCanceller: NewCanceller =
    config.axios === undefined ? cancelSignalCanceller : abortControllerCanceller;
  const gate = makeRateGate(deps.scheduler);
  const { log } = config;
  const policy: RetryPolicy = {
    maxRetryAfterMs: config.maxRetryAfterMs,
    now: deps.now,
    random: deps.random,
  };

  const notifyRetry = (retry: ScheduledRetry, info: RequestInfo, maxRetries: number): void => {
    const event: RetryEvent = {
      attempt: retry.attempt,
      reason: retry.reason,
      delayMs: retry.delayMs,
      method: info.method,
      path: redact(info.path),
      ...(retry.status === undefined ? {} : { status: retry.status }),
    };
    log.warn(
      retry.rateLimited === true
        ? `rate limited: ${info.method} ${info.path} goes again in ${Math.round(retry.delayMs)} ms ` +
            `(${Math.round(retry.rateLimitWaitedMs)} of ${config.maxRateLimitWaitMs} ms of 429 waits used)`
        : `retrying ${info.method} ${info.path} in ${Math.round(retry.delayMs)} ms ` +
            `(retry ${retry.attempt} of ${maxRetries}, ${retry.reason})`,
    );
    try {
      config.onRetry?.(event);
    } catch (e) {
      log.warn(`onRetry threw: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  /** Tells the gate how the server answered: a 429 slows the pace (and closes the gate for its wait). */
  const observeRateLimit = (raw: RawResponse, info: RequestInfo, ticket: Ticket): void => {
    if (raw.status !== 429) return gate.admitted(ticket);
    gate.rateLimited(ticket);
    const wait = serverDirectedDelayMs(raw.headers, policy);
    if (wait === undefined) return;
    gate.closeFor(wait);
    log.info(
      `${info.method} ${info.path} got 429: holding every request of this client for ${Math.round(wait)} ms`,
    );
  };

  const { onResponse } = config;
  const notifyResponse = (raw: RawResponse, info: RequestInfo, attempt: number, startedAt: number): void => {
    if (onResponse === undefined) return;
    const event: ResponseEvent = {
      method: info.method,
      path: redact(info.path),
      status: raw.status,
      headers: redact(raw.headers),
      requestId: redact(raw.headers['x-request-id']),
      attempt,
      durationMs: deps.scheduler.now() - startedAt,
    };
    try {
      onResponse(event);
    } catch (e) {
      log.warn(`onResponse threw: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  // The headers every request of this client sends, merged once: `withoutBody`
  // for GETs, `withBody` adds the JSON Content-Type (which defaultHeaders may
  // still override, as when everything was merged per request).
  const coreHeaders = {
    Accept: 'application/json',
    'User-Agent': USER_AGENT,
    Authorization: `Bearer ${config.apiKey}`,
  };
  const clientHeaders = {
    withoutBody: mergeHeaders(coreHeaders, config.defaultHeaders),
    withBody: mergeHeaders(
      { ...coreHeaders, 'Content-Type': 'application/json' },
      config.defaultHeaders,
    ),
  };

  const requestHeaders = (
    hasBody: boolean,
    idempotencyKey: string | undefined,
    options: CheckedRequestOptions,
  ): Readonly<Record<string, string>> => {
    const base = hasBody ? clientHeaders.withBody : clientHeaders.withoutBody;
    // fast path: nothing per request to add, so the client's merged headers are used as they are
    if (idempotencyKey === undefined && isEmpty(options.headers)) return base;
    return mergeHeaders(
      base,
      idempotencyKey === undefined ? {} : { 'Idempotency-Key': idempotencyKey },
      options.headers,
    );
  };

  /** One attempt: the exchange, limited to `timeoutMs`, its answer decoded (errors thrown into the stream). */
  const attemptOnce = <A>(
    spec: SendSpec,
    decoder: t.Decoder<unknown, A>,
    timeoutMs: number,
    ticket: Ticket,
    attempt: number,
  ): Observable<A> =>
    send(instance, spec, newCanceller).pipe(
      timeout({
        first: timeoutMs,
        with: () => throwError(() => new TimeoutError(spec.info, timeoutMs)),
        scheduler: deps.scheduler,
      }),
      map((raw) => {
        if (log.enabled('debug')) {
          const requestId = raw.headers['x-request-id'];
          log.debug(
            `← ${raw.status} ${spec.info.method} ${spec.info.path}${requestId ? ` (request id ${requestId})` : ''}`,
          );
        }
        notifyResponse(raw, spec.info, attempt, ticket.releasedAt);
        observeRateLimit(raw, spec.info, ticket);
        const result = interpret(raw, decoder, spec.info);
        if (E.isLeft(result)) throw result.left;
        return result.right;
      }),
    );

  const execute = <A>(
    method: HttpMethod,
    endpoint: Endpoint<A>,
    options: CheckedRequestOptions,
    idempotencyKey: string | undefined,
  ): Observable<A> => {
    const info: RequestInfo = { method, path: endpoint.path };
    // serialised once, to the bytes every attempt sends: the JSON text is garbage
    // at once, while a string kept through the request (a sync batch's is
    // ~300 KB) outlives a scavenge and piles up in the old generation
    const body =
      endpoint.body === undefined ? undefined : Buffer.from(JSON.stringify(endpoint.body), 'utf8');
    const spec: SendSpec = {
      method,
      url: `${config.baseURL}${endpoint.path}${queryString(endpoint.query)}`,
      headers: requestHeaders(body !== undefined, idempotencyKey, options),
      info,
      ...(body === undefined ? {} : { body }),
    };
    const timeoutMs = options.timeoutMs ?? config.timeoutMs;
    const maxRetries = options.maxRetries ?? config.maxRetries;
    // the attempts keep only the decoder: the endpoint's body (a whole batch of
    // members for a sync) is garbage once serialised into `spec`
    const { decoder } = endpoint;
    let attempt = 0;
    // every attempt, the first and each retry, waits for the shared 429 gate
    const attempt$ = gate.whenOpen((ticket) => {
      attempt += 1;
      if (log.enabled('debug')) log.debug(`→ ${method} ${spec.url} (attempt ${attempt})`);
      return attemptOnce(spec, decoder, timeoutMs, ticket, attempt);
    });
    const retried$ = attempt$.pipe(
      retryWithPolicy({
        maxRetries,
        maxRateLimitWaitMs: config.maxRateLimitWaitMs,
        decide: (error, retryIndex) => decideRetry(error, retryIndex, policy),
        onRetry: (retry) => notifyRetry(retry, info, maxRetries),
        scheduler: deps.scheduler,
      }),
    );
    // the final failure is logged (an abort at debug level, anything else as an error);
    // when logging is off (every other level includes 'error'), the step is left out
    const result$ = log.enabled('error')
      ? retried$.pipe(
          tap({
            error: (error: unknown) =>
              (error instanceof AbortError ? log.debug : log.error)(
                error instanceof Error ? error.message : String(error),
              ),
          }),
        )
      : retried$;
    return options.signal === undefined ? result$ : abortable(result$, options.signal, info);
  };

  const request = <A>(
    method: HttpMethod,
    context: string,
    options: unknown,
    build: () => Validation<Endpoint<A>>,
  ): Observable<A> => {
    // the options are read once, now, whatever happens on subscription
    const checkedOptions = readSafely('options', () => requestOptions(options));
    const idempotencyKey =
      method === 'POST'
        ? ((E.isRight(checkedOptions) ? checkedOptions.right.idempotencyKey : undefined) ??
          deps.newIdempotencyKey())
        : undefined;
    return defer(() =>
      E.match(
        (issues: ReadonlyArray<Issue>): Observable<A> =>
          throwError(() => new ValidationError(context, issues)),
        ({
          options: checked,
          endpoint,
        }: {
          options: CheckedRequestOptions;
          endpoint: Endpoint<A>;
        }) => execute(method, endpoint, checked, idempotencyKey),
      )(checkArguments(checkedOptions, build)),
    );
  };

  return { request, gate };
};
