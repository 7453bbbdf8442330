import { fail, rateLimited, toText, type TextAnswer } from './answers';
import { requestFingerprint } from './canonical-json';
import type { FaultInjector, FaultOutcome } from './fault-injector';
import { dispatch, type HandlerTable } from './handlers';
import type { IdempotencyStore, StoredResponse } from './idempotency-store';
import type { ParsedRequest } from './parse-request';
import type { RateLimiter } from './rate-limiter';

// What happens to a parsed request between parsing and its handler, as
// wrappers of one shape (`Serve`), outermost first:
//
//   withRateLimit → withFaults → withIdempotency → withDelivery → respond(handlers)
//
// A wrapper answers by itself (429, injected 5xx, 422 conflict) or calls the
// one inside, possibly with more context (the fault drawn, a replay to give).

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** What to do with a request in the end: send an answer, drop the connection, or nothing (client gone). */
export interface Outcome {
  /** The answer the request produced (also present on a drop after it took effect). */
  readonly answer?: TextAnswer;
  readonly delivery: 'send' | 'drop' | 'none';
}

/** Context handed inward. */
export interface ServeContext {
  /** The fault drawn for this request (none until {@link withFaults} draws one). */
  readonly fault: FaultOutcome;
  /** The stored response to replay instead of handling (set by {@link withIdempotency}). */
  readonly replay?: StoredResponse;
  /** False once the emulator is stopping or the client has gone. */
  readonly alive: () => boolean;
}

/** Serves a parsed request. */
export type Serve = (request: ParsedRequest, ctx: ServeContext) => Promise<Outcome>;

/** No fault. */
export const NO_FAULT: FaultOutcome = { latencyMs: 0 };

const send = (answer: TextAnswer): Outcome => ({ answer, delivery: 'send' });
const NOTHING: Outcome = { delivery: 'none' };

// -------------------------------------------------------------------------------------
// wrappers
// -------------------------------------------------------------------------------------

/**
 * The innermost step: gives the replay if there is one (counted with
 * `onReplay`), else runs the route's handler.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/wrappers.ts)
 * const serve = withRateLimit(limiter, false)(withFaults(faults, onError)(withIdempotency(store)(withDelivery(delay)(respond(handlers, onReplay)))));
 */
export const respond =
  (handlers: HandlerTable, onReplay: () => void): Serve =>
  async (request, ctx) => {
    if (ctx.replay === undefined) return send(toText(dispatch(handlers, request)));
    onReplay();
    return send({ ...ctx.replay, headers: { 'idempotent-replayed': 'true' } });
  };

/**
 * A token per request from the API key's bucket, or a 429 with `Retry-After`
 * in whole seconds (and `retry-after-ms` when `exactMs`). No limiter: no limit.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/wrappers.ts)
 * withRateLimit(new RateLimiter({ requestsPerSecond: 1, burst: 1 }, now), false)(inner);
 */
export const withRateLimit =
  (limiter: RateLimiter | undefined, exactMs: boolean) =>
  (inner: Serve): Serve =>
  async (request, ctx) => {
    const decision = limiter?.take(request.org.apiKey);
    if (decision === undefined || decision.allowed) return inner(request, ctx);
    return send(
      toText(rateLimited(decision.retryAfterMs, `Rate limit exceeded; retry in ${decision.retryAfterMs} ms`, exactMs)),
    );
  };

/**
 * Draws the request's fault: an injected 429 or 5xx answers at once (5xx
 * counted with `onError`); latency and drops are handed inward to
 * {@link withDelivery}.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/wrappers.ts)
 * withFaults(new FaultInjector({ seed: 7, errorRate: 0.1 }), () => errors++)(inner);
 */
export const withFaults =
  (faults: FaultInjector, onError: () => void) =>
  (inner: Serve): Serve =>
  async (request, ctx) => {
    const fault = faults.next();
    if (fault.rateLimitMs !== undefined)
      return send(
        toText(rateLimited(fault.rateLimitMs, `Rate limit exceeded (injected); retry in ${fault.rateLimitMs} ms`, true)),
      );
    if (fault.errorStatus !== undefined) {
      onError();
      return send(
        toText(
          fault.errorStatus === 503
            ? fail(503, 'service_unavailable', 'Service temporarily unavailable (injected fault)')
            : fail(500, 'api_error', 'Internal server error (injected fault)'),
        ),
      );
    }
    return inner(request, { ...ctx, fault });
  };

/**
 * The idempotency protocol for a request with a key: a conflict is a 422; a
 * key still held by a first request waits for it; a key already answered is
 * replayed (handed inward, so latency and drops still apply); a new key is
 * held while the request runs, then kept with a 2xx answer or forgotten.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/wrappers.ts)
 * withIdempotency(new IdempotencyStore({ now }))(inner);
 */
export const withIdempotency =
  (store: IdempotencyStore) =>
  (inner: Serve): Serve =>
  async (request, ctx) => {
    const key = request.idempotencyKey;
    if (key === undefined) return inner(request, ctx);
    const { target } = request;
    const known: Record<string, string> = target.kind === 'sync-submit' ? { members: target.payloadPrint() } : {};
    const print = requestFingerprint(request.method, request.path, request.body, known);
    const scope = request.org.id;
    for (;;) {
      const lookup = store.begin(scope, key, print);
      if (lookup.kind === 'pending') {
        await lookup.settled;
        if (!ctx.alive()) return NOTHING;
        continue;
      }
      if (lookup.kind === 'conflict')
        return send(
          toText(
            fail(
              422,
              'idempotency_error',
              'Idempotency-Key was already used with a different request (method, path or body); use a new key for a new request',
            ),
          ),
        );
      if (lookup.kind === 'replay') return inner(request, { ...ctx, replay: lookup.response });
      break;
    }
    const outcome = await inner(request, ctx);
    const answer = outcome.answer;
    if (answer !== undefined && answer.status >= 200 && answer.status < 300)
      store.complete(scope, key, { status: answer.status, body: answer.body });
    else store.abandon(scope, key);
    return outcome;
  };

/**
 * The fault's latency, then its drop: before the request takes effect (nothing
 * happens) or after (it happens, and the client never hears). Nothing is done
 * once the emulator is stopping or the client has gone.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/wrappers.ts)
 * withDelivery((ms) => new Promise((r) => setTimeout(r, ms)))(inner);
 */
export const withDelivery =
  (delay: (ms: number) => Promise<void>) =>
  (inner: Serve): Serve =>
  async (request, ctx) => {
    const { fault } = ctx;
    if (fault.latencyMs > 0) await delay(fault.latencyMs);
    if (!ctx.alive()) return NOTHING;
    if (fault.drop === 'before') return { delivery: 'drop' };
    const outcome = await inner(request, ctx);
    return fault.drop === 'after' ? { answer: outcome.answer, delivery: 'drop' } : outcome;
  };
