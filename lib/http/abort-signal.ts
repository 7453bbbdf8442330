import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import { AbortError, type RequestInfo } from '../errors';
import type { AbortSignalLike } from './validate';

/**
 * Ends the call with `AbortError` when `signal` aborts (at once if it already
 * has), unsubscribing from the source, which aborts the request in flight and
 * cancels a pending retry; the listener is removed when the call ends.
 *
 * @example
 * // internal (lib/http/abort-signal.ts), not part of the package root
 * result$.pipe(abortOn(controller.signal, { method: 'GET', path: '/v1/groups' }));
 *
 * @internal
 */
export const abortOn =
  <A>(signal: AbortSignalLike, info: RequestInfo): MonoTypeOperatorFunction<A> =>
  (source) =>
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
