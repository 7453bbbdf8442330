import { tap, type SchedulerLike } from 'rxjs';
import { messageOf } from '../errors';
import { redact } from '../internal/redaction';
import type { ResponseEvent } from '../types';
import type { ExchangeTransform } from './exchange';
import type { Log } from './log';

/**
 * Tells `onResponse` of every response, each attempt included, with
 * `{ method, path, status, headers, requestId, attempt, durationMs }`: the
 * headers and request id with the API key replaced by a marker, the duration
 * from the attempt's release by the gate. A listener that throws is logged
 * and ignored. Added only for a client given `onResponse`.
 *
 * @example
 * // internal (lib/http/response-listener.ts), not part of the package root
 * pipeExchange(exchange, withResponseListener((e) => metrics.timing(e.path, e.durationMs), log, asyncScheduler));
 *
 * @internal
 */
export const withResponseListener =
  (
    onResponse: (event: ResponseEvent) => void,
    log: Log,
    scheduler: SchedulerLike,
  ): ExchangeTransform =>
  (next) =>
  (attempt) =>
    next(attempt).pipe(
      tap((raw) => {
        const event: ResponseEvent = {
          method: attempt.call.info.method,
          path: redact(attempt.call.info.path),
          status: raw.status,
          headers: redact(raw.headers),
          requestId: redact(raw.headers['x-request-id']),
          attempt: attempt.number,
          durationMs: scheduler.now() - attempt.ticket.releasedAt,
        };
        try {
          onResponse(event);
        } catch (e) {
          log.warn(`onResponse threw: ${messageOf(e)}`);
        }
      }),
    );
