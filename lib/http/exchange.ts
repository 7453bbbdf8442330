import type * as t from 'io-ts';
import type { Observable } from 'rxjs';
import type { RequestInfo } from '../errors';
import type { Ticket } from './rate-gate';
import type { AbortSignalLike } from './validate';
import type { RawResponse, SendSpec } from './send';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

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

/**
 * One endpoint call, ready to send: the exchange every attempt repeats, and
 * what the call's pipeline needs around it. Made once per subscription.
 *
 * @internal
 */
export interface PreparedCall<A = unknown> {
  /** Method, URL, headers and the body bytes every attempt sends. */
  readonly spec: SendSpec;
  /** Method and path, for messages and events. */
  readonly info: RequestInfo;
  /** Per attempt. */
  readonly timeoutMs: number;
  /** Ordinary retries after the first attempt. */
  readonly maxRetries: number;
  /** Decodes a 2xx body (the call keeps only this of its endpoint, not its body). */
  readonly decoder: t.Decoder<unknown, A>;
  readonly signal?: AbortSignalLike;
}

/** What one attempt knows: its call, its number (1 for the first) and how the gate let it through. @internal */
export interface Attempt {
  readonly call: PreparedCall;
  readonly number: number;
  readonly ticket: Ticket;
}

/**
 * One HTTP exchange of one attempt, as a cold Observable of the raw response
 * (any status) that errors only when there was none (`ConnectionError`,
 * `TimeoutError`).
 *
 * @internal
 */
export type Exchange = (attempt: Attempt) => Observable<RawResponse>;

/**
 * A named client transformation of the exchange (a timeout, a listener, a
 * log step), added or left out once, when the client is built, so that the
 * hot path does not branch on configuration.
 *
 * @internal
 */
export type ExchangeTransform = (next: Exchange) => Exchange;

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * Applies transformations to an exchange, the first listed innermost (closest
 * to the wire); `undefined` entries are pieces left out.
 *
 * @example
 * // internal (lib/http/exchange.ts), not part of the package root
 * const exchange = pipeExchange(sendExchange(instance, canceller), withAttemptTimeout(scheduler), listener);
 *
 * @internal
 */
export const pipeExchange = (
  base: Exchange,
  ...transforms: ReadonlyArray<ExchangeTransform | undefined>
): Exchange => transforms.reduce<Exchange>((next, f) => (f === undefined ? next : f(next)), base);
