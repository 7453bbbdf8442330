import { tap, type MonoTypeOperatorFunction } from 'rxjs';
import { AbortError, messageOf } from '../errors';
import type { Log } from './log';

/**
 * Logs a call's final failure: an abort by the caller's signal at debug
 * level, anything else as an error. The client adds it only when its log
 * level writes errors (every level but `'off'`).
 *
 * @example
 * // internal (lib/http/error-log.ts), not part of the package root
 * result$.pipe(logFailure(log));
 *
 * @internal
 */
export const logFailure = <A>(log: Log): MonoTypeOperatorFunction<A> =>
  tap<A>({
    error: (error: unknown) =>
      (error instanceof AbortError ? log.debug : log.error)(messageOf(error)),
  });
