import { defer, tap } from 'rxjs';
import type { ExchangeTransform } from './exchange';
import type { Log } from './log';

/**
 * Logs each attempt as it goes (`→ GET url (attempt n)`) and each response
 * (`← 200 GET path (request id …)`) at debug level. Added only when the
 * client logs at debug level, so other clients pay nothing for it.
 *
 * @example
 * // internal (lib/http/debug-log.ts), not part of the package root
 * pipeExchange(exchange, log.enabled('debug') ? withDebugLog(log) : undefined);
 *
 * @internal
 */
export const withDebugLog =
  (log: Log): ExchangeTransform =>
  (next) =>
  (attempt) => {
    const { spec, info } = attempt.call;
    return defer(() => {
      log.debug(`→ ${spec.method} ${spec.url} (attempt ${attempt.number})`);
      return next(attempt);
    }).pipe(
      tap((raw) => {
        const requestId = raw.headers['x-request-id'];
        log.debug(
          `← ${raw.status} ${info.method} ${info.path}${requestId ? ` (request id ${requestId})` : ''}`,
        );
      }),
    );
  };
