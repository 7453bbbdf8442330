import { tap, type Observable } from 'rxjs';
import type { Exchange, PreparedCall } from './exchange';
import type { Log } from './log';
import type { RateGate } from './rate-gate';
import { serverDirectedDelayMs, type RetryPolicy } from './retry-policy';
import type { RawResponse } from './send';

/**
 * Runs a call's attempts through the client's shared rate gate: each
 * subscription (the first attempt, and each retry, which re-subscribes) waits
 * for the gate and its turn in the pace, then makes the exchange, numbered
 * from 1. Every answer goes back to the gate: a 429 slows the pace, and one
 * with a server-directed wait closes the gate for that long for every
 * request of the client; any other answer lets the pace grow.
 *
 * @example
 * // internal (lib/http/with-rate-gate.ts), not part of the package root
 * const attempts$ = throughRateGate(gate, policy, log)(exchange)(call);
 *
 * @internal
 */
export const throughRateGate =
  (gate: RateGate, policy: Pick<RetryPolicy, 'maxRetryAfterMs' | 'now'>, log: Log) =>
  (exchange: Exchange) =>
  (call: PreparedCall): Observable<RawResponse> => {
    let number = 0;
    return gate.whenOpen((ticket) => {
      number += 1;
      return exchange({ call, number, ticket }).pipe(
        tap((raw) => {
          if (raw.status !== 429) return gate.admitted(ticket);
          gate.rateLimited(ticket);
          const wait = serverDirectedDelayMs(raw.headers, policy);
          if (wait === undefined) return;
          gate.closeFor(wait);
          log.info(
            `${call.info.method} ${call.info.path} got 429: holding every request of this client for ${Math.round(wait)} ms`,
          );
        }),
      );
    });
  };
