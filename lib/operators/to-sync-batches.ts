import { Observable, type OperatorFunction } from 'rxjs';
import type { MemberInput } from '../codecs';
import { ValidationError } from '../errors';
import { memberBytes } from '../internal/json-bytes';
import { shown } from '../internal/read-options';
import { oversizeMessage, resolveBatchOptions, type ToSyncBatchesOptions } from './resolve-batch-options';
import { SyncBatcher } from '../internal/sync-batcher';

export type { ToSyncBatchesOptions } from './resolve-batch-options';

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** Bytes of a member, or the reason it cannot be serialised (a cycle, a BigInt, a getter that throws). */
const measure = (member: unknown): number | string => {
  try {
    return memberBytes(member);
  } catch (e) {
    try {
      return `cannot be serialised: ${e instanceof Error ? e.message : shown(e)}`;
    } catch {
      return 'cannot be serialised';
    }
  }
};

// -------------------------------------------------------------------------------------
// operator
// -------------------------------------------------------------------------------------

/**
 * Groups members into sync batches that the API accepts.
 *
 * ```text
 * members:  -a-b-c-d-e-f-g-|          (maxMembers: 3)
 * batches:  -----x-----y---(z|)       x = [a,b,c], y = [d,e,f], z = [g]
 *
 * members:  -a-b-H-c-                 (H cannot be serialised, or alone is over maxBytes)
 * batches:  -----#                    ValidationError, path [2]
 * ```
 *
 * Keeps the order of the source, never emits an empty batch, and flushes the
 * remainder when the source completes. Each batch holds at most `maxMembers`
 * members (1 to 1000, default 1000) and its request body (UTF-8 bytes of
 * `JSON.stringify({ members: batch })`) is at most `maxBytes`; the size is kept
 * incrementally, member by member. A member too large for a batch of its own,
 * or one that cannot be serialised (a cycle, a BigInt, a throwing getter, a
 * Proxy whose traps throw), errors with a {@link ValidationError} on the error
 * channel (path `[index]`, the member's position in the source). Bad options
 * (`maxMembers` over 1000, `null`, a getter that throws) throw a
 * `ValidationError` when the operator is created.
 *
 * @example
 * import { from } from 'rxjs';
 * import { toSyncBatches } from 'vitable-connect-rx';
 *
 * from(members) // MemberInput values, already validated
 *   .pipe(toSyncBatches({ maxMembers: 500 }))
 *   .subscribe((batch) => console.log(batch.length));
 *
 * @see syncRoster, which validates, batches, submits and polls a whole roster.
 * @param options `maxMembers` (default 1000, at most 1000) and `maxBytes` (default 1 000 000).
 * @returns An operator from members to arrays of members.
 */
export const toSyncBatches = (options?: ToSyncBatchesOptions): OperatorFunction<MemberInput, MemberInput[]> => {
  const { maxMembers, maxBytes } = resolveBatchOptions(options);
  return (source) =>
    new Observable<MemberInput[]>((subscriber) => {
      const batcher = new SyncBatcher<MemberInput>(maxMembers, maxBytes);
      const emit = (batch: MemberInput[]): void => subscriber.next(batch);
      let index = 0;
      const refuse = (message: string): void =>
        subscriber.error(new ValidationError('toSyncBatches', [{ path: `[${index}]`, message }]));
      return source.subscribe({
        next: (member) => {
          if (subscriber.closed) return; // errored on an earlier member while the source was still emitting
          const bytes = measure(member);
          if (typeof bytes === 'string') return refuse(bytes);
          if (batcher.tooLarge(bytes)) return refuse(oversizeMessage(bytes, maxBytes));
          index++;
          batcher.push(member, bytes, emit);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          const rest = batcher.flush();
          if (rest) subscriber.next(rest);
          subscriber.complete();
        },
      });
    });
};
