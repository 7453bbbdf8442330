import * as E from 'fp-ts/Either';
import { catchError, map, of, type OperatorFunction } from 'rxjs';
import { toVitableError, type VitableError } from '../errors';

/**
 * Turns a stream's error notification into a final `Left` value: every value
 * becomes a `Right`, an error becomes a `Left<VitableError>` (anything else
 * thrown is wrapped in a `VitableError`), and the stream then completes.
 *
 * ```text
 * source:      --a--b--#
 * toEither():  --A--B--(L|)
 *
 * A = right(a), B = right(b), L = left(error): an error becomes a last value
 * source:      --a--b--|
 * toEither():  --A--B--|     (no error: only Rights, completes as the source does)
 * ```
 *
 * @return An operator `Observable<T> → Observable<Either<VitableError, T>>`.
 *
 * @example
 * import { createClient, toEither } from 'vitable-connect-rx';
 * import { isLeft } from 'fp-ts/lib/Either.js';
 *
 * createClient()
 *   .groups.retrieve('grp_missing')
 *   .pipe(toEither())
 *   .subscribe((result) => console.log(isLeft(result) ? result.left._tag : result.right.name));
 */
export const toEither =
  <T>(): OperatorFunction<T, E.Either<VitableError, T>> =>
  (source) =>
    source.pipe(
      map((value: T): E.Either<VitableError, T> => E.right(value)),
      catchError((error: unknown) => of(E.left(toVitableError(error)))),
    );
