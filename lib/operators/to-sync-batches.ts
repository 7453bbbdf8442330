import { Observable, type OperatorFunction } from 'rxjs';
import type { MemberInput } from '../codecs';
import { ValidationError, type Issue } from '../errors';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Options of {@link toSyncBatches}. */
export interface ToSyncBatchesOptions {
  /** Most members in one batch (default 500). A positive integer. */
  readonly maxMembers?: number;
  /**
   * Most UTF-8 bytes of one batch's request body, `JSON.stringify({ members: batch })`
   * (default 1 000 000). A positive integer.
   */
  readonly maxBytes?: number;
}

/** Default {@link ToSyncBatchesOptions.maxMembers}. */
export const DEFAULT_MAX_MEMBERS = 500;
/** Default {@link ToSyncBatchesOptions.maxBytes}. */
export const DEFAULT_MAX_BYTES = 1_000_000;

/** Bytes of `{"members":[]}`, the body around the members. @internal */
export const ENVELOPE_BYTES = Buffer.byteLength(JSON.stringify({ members: [] }), 'utf8');

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * UTF-8 bytes of one member as it appears inside the body's array.
 *
 * @example
 * // internal (lib/operators/to-sync-batches.ts)
 * memberBytes({ reference_id: 'é' }); // 21
 *
 * @internal
 */
export const memberBytes = (member: unknown): number => jsonBytes(member);

/** Strings JSON writes as they are between two quotes: printable ASCII but `"` and `\\`. */
const VERBATIM = /^[\x20\x21\x23-\x5b\x5d-\x7f]*$/;

const hasOwn = Object.prototype.hasOwnProperty;

const isPlainObject = (v: object): v is Readonly<Record<string, unknown>> => {
  const proto: unknown = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && typeof (v as { toJSON?: unknown }).toJSON !== 'function';
};

/** Strings up to this length are scanned with a loop; longer ones with {@link VERBATIM}. */
const SHORT_STRING = 64;

/**
 * True when `s` is made only of the characters {@link VERBATIM} accepts. Fast
 * path: for the short strings of a roster a charCodeAt loop is cheaper than a
 * call into the regexp engine; it tests exactly the same character set.
 */
const isVerbatim = (s: string): boolean => {
  const n = s.length;
  if (n > SHORT_STRING) return VERBATIM.test(s);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7f || c === 0x22 || c === 0x5c) return false;
  }
  return true;
};

const stringBytes = (s: string): number =>
  isVerbatim(s) ? s.length + 2 : Buffer.byteLength(JSON.stringify(s), 'utf8');

/** `"key":` bytes of the few keys a roster uses, remembered (bounded: odd keys are just measured). */
const keyBytesCache = new Map<string, number>();
const keyBytes = (key: string): number => {
  let bytes = keyBytesCache.get(key);
  if (bytes === undefined) {
    bytes = stringBytes(key) + 1;
    if (keyBytesCache.size < 256) keyBytesCache.set(key, bytes);
  }
  return bytes;
};

/**
 * UTF-8 bytes of `JSON.stringify(value)`, counted without building the string
 * for the plain objects and verbatim strings a roster is made of (everything
 * else is stringified and measured). A property test holds it equal to
 * `Buffer.byteLength(JSON.stringify(value))`.
 */
const jsonBytes = (value: unknown): number => {
  if (typeof value === 'string') return stringBytes(value);
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && isPlainObject(value)) {
    let bytes = 2; // {}
    let entries = 0;
    // for..in instead of Object.keys: no array per object. With the prototype
    // Object.prototype or null and the own-property test, it visits exactly
    // Object.keys(value), in the same order.
    for (const key in value) {
      if (!hasOwn.call(value, key)) continue;
      const v = value[key];
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      bytes += keyBytes(key) + jsonBytes(v); // "key":value
      entries++;
    }
    return bytes + Math.max(0, entries - 1); // commas
  }
  const json = JSON.stringify(value) ?? 'null';
  return Buffer.byteLength(json, 'utf8');
};

/**
 * Checks batching options and fills in the defaults; bad values throw a
 * {@link ValidationError} naming each one.
 *
 * @example
 * // internal (lib/operators/to-sync-batches.ts)
 * resolveBatchOptions({ maxMembers: 100 }); // { maxMembers: 100, maxBytes: 1000000 }
 *
 * @internal
 */
export const resolveBatchOptions = (
  options: ToSyncBatchesOptions = {},
  context = 'toSyncBatches options',
): Required<ToSyncBatchesOptions> => {
  const maxMembers = options.maxMembers ?? DEFAULT_MAX_MEMBERS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const issues: Issue[] = [];
  if (!isPositiveInteger(maxMembers))
    issues.push({ path: 'maxMembers', message: `must be a positive integer, got ${String(maxMembers)}` });
  if (!isPositiveInteger(maxBytes))
    issues.push({ path: 'maxBytes', message: `must be a positive integer, got ${String(maxBytes)}` });
  else if (maxBytes <= ENVELOPE_BYTES)
    issues.push({ path: 'maxBytes', message: `must leave room for a member, got ${maxBytes}` });
  if (issues.length > 0) throw new ValidationError(context, issues);
  return { maxMembers, maxBytes };
};

/**
 * True for a finite integer above 0.
 *
 * @example
 * // internal (lib/operators/to-sync-batches.ts)
 * isPositiveInteger(3); // true
 * isPositiveInteger(1.5); // false
 *
 * @internal
 */
export const isPositiveInteger = (n: unknown): n is number =>
  typeof n === 'number' && Number.isInteger(n) && n > 0;

/**
 * The message of the issue reported for a member over `maxBytes`.
 *
 * @example
 * // internal (lib/operators/to-sync-batches.ts)
 * oversizeMessage(2000, 1000); // 'is 2014 bytes as a batch of its own, over maxBytes 1000'
 *
 * @internal
 */
export const oversizeMessage = (bytes: number, maxBytes: number): string =>
  `is ${ENVELOPE_BYTES + bytes} bytes as a batch of its own, over maxBytes ${maxBytes}`;

/**
 * The incremental batcher behind {@link toSyncBatches} and `syncRoster`: it
 * keeps the running body size (envelope + members + commas) instead of
 * re-serialising the batch.
 *
 * @example
 * // internal (lib/operators/to-sync-batches.ts)
 * const batcher = new SyncBatcher<MemberInput>(500, 1_000_000);
 * for (const m of members) batcher.push(m, memberBytes(m), send);
 * const rest = batcher.flush();
 * if (rest) send(rest);
 *
 * @internal
 */
export class SyncBatcher<A> {
  private items: A[] = [];
  private bytes = ENVELOPE_BYTES;

  constructor(
    readonly maxMembers: number,
    readonly maxBytes: number,
  ) {}

  /** Members held in the open batch. */
  get size(): number {
    return this.items.length;
  }

  /** Body bytes of the open batch. */
  get bodyBytes(): number {
    return this.bytes;
  }

  /** True when a member of `bytes` bytes cannot fit even in an empty batch. */
  tooLarge(bytes: number): boolean {
    return ENVELOPE_BYTES + bytes > this.maxBytes;
  }

  /**
   * Adds one member of `bytes` bytes (see {@link memberBytes}); calls `emit`
   * with each batch this closes (zero, one or two: the open one when the member
   * does not fit, the new one when it reaches `maxMembers` or `maxBytes`).
   * The caller checks {@link tooLarge} first.
   */
  push(item: A, bytes: number, emit: (batch: A[]) => void): void {
    if (this.items.length > 0 && this.bytes + 1 + bytes > this.maxBytes) emit(this.take());
    this.bytes += (this.items.length > 0 ? 1 : 0) + bytes;
    this.items.push(item);
    if (this.items.length >= this.maxMembers || this.bytes >= this.maxBytes) emit(this.take());
  }

  /** Closes and returns the open batch, or `undefined` when it is empty. */
  flush(): A[] | undefined {
    return this.items.length > 0 ? this.take() : undefined;
  }

  private take(): A[] {
    const batch = this.items;
    this.items = [];
    this.bytes = ENVELOPE_BYTES;
    return batch;
  }
}

// -------------------------------------------------------------------------------------
// operator
// -------------------------------------------------------------------------------------

/**
 * Groups members into sync batches that the API accepts.
 *
 * Keeps the order of the source, never emits an empty batch, and flushes the
 * remainder when the source completes. Each batch holds at most `maxMembers`
 * members and its request body (UTF-8 bytes of `JSON.stringify({ members: batch })`)
 * is at most `maxBytes`; the size is kept incrementally, member by member.
 * A member too large for a batch of its own errors with a {@link ValidationError}
 * (path `[index]`, the member's position in the source). Bad options throw a
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
 * @param options `maxMembers` (default 500) and `maxBytes` (default 1 000 000).
 * @returns An operator from members to arrays of members.
 */
export const toSyncBatches = (options: ToSyncBatchesOptions = {}): OperatorFunction<MemberInput, MemberInput[]> => {
  const { maxMembers, maxBytes } = resolveBatchOptions(options);
  return (source) =>
    new Observable<MemberInput[]>((subscriber) => {
      const batcher = new SyncBatcher<MemberInput>(maxMembers, maxBytes);
      const emit = (batch: MemberInput[]): void => subscriber.next(batch);
      let index = 0;
      return source.subscribe({
        next: (member) => {
          if (subscriber.closed) return; // errored on an earlier member while the source was still emitting
          const bytes = memberBytes(member);
          if (batcher.tooLarge(bytes)) {
            subscriber.error(
              new ValidationError('toSyncBatches', [{ path: `[${index}]`, message: oversizeMessage(bytes, maxBytes) }]),
            );
            return;
          }
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
