import { isObservable, type Observable, type Subscription } from 'rxjs';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** What `syncRoster` reads members from: an Observable, an Iterable or an AsyncIterable (a Node object stream is one). */
export type RosterSource = Observable<unknown> | Iterable<unknown> | AsyncIterable<unknown>;

/** One step of reading a source. @internal */
export type Pulled =
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'done' }
  | { readonly kind: 'error'; readonly error: unknown };

/** Returned by {@link RosterReader.read} when the next step is not at hand yet. @internal */
export const PENDING = Symbol('pending');

/**
 * A pull-based view of a roster source: members are taken one at a time, only
 * when asked for.
 *
 * @internal
 */
export interface RosterReader {
  /**
   * The next step when it is at hand; otherwise {@link PENDING}, and `wake` is
   * called once with the step when it arrives. At most one read is outstanding.
   */
  read(wake: (step: Pulled) => void): Pulled | typeof PENDING;
  /** Stops the source (`iterator.return()`, unsubscribe). Safe to call twice; a no-op once the source ended. */
  close(): void;
}

const DONE: Pulled = { kind: 'done' };

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * A reader over an Iterable: each `read` calls `next()` once, nothing is read ahead.
 *
 * @example
 * // internal (lib/pipelines/roster-source.ts)
 * const reader = iterableReader([1, 2]);
 * reader.read(wake); // { kind: 'value', value: 1 }
 *
 * @internal
 */
export const iterableReader = (source: Iterable<unknown>): RosterReader => {
  let iterator: Iterator<unknown> | undefined;
  let ended = false;
  return {
    read: () => {
      if (ended) return DONE;
      try {
        iterator ??= source[Symbol.iterator]();
        const r = iterator.next();
        if (r.done) {
          ended = true;
          return DONE;
        }
        return { kind: 'value', value: r.value };
      } catch (error) {
        ended = true;
        return { kind: 'error', error };
      }
    },
    close: () => {
      if (ended) return;
      ended = true;
      try {
        iterator?.return?.();
      } catch {
        // the source is being abandoned; its clean-up failure changes nothing here
      }
    },
  };
};

/**
 * A reader over an AsyncIterable: each `read` awaits `next()` once, nothing is
 * read ahead; `close` calls `return()` (which destroys a Node stream).
 *
 * @example
 * // internal (lib/pipelines/roster-source.ts)
 * const reader = asyncIterableReader(cursor);
 * reader.read((step) => console.log(step)); // PENDING, then the step
 *
 * @internal
 */
export const asyncIterableReader = (source: AsyncIterable<unknown>): RosterReader => {
  let iterator: AsyncIterator<unknown> | undefined;
  let ended = false;
  return {
    read: (wake) => {
      if (ended) return DONE;
      let next: Promise<IteratorResult<unknown>>;
      try {
        iterator ??= source[Symbol.asyncIterator]();
        next = iterator.next();
      } catch (error) {
        ended = true;
        return { kind: 'error', error };
      }
      next.then(
        (r) => {
          if (ended) return;
          if (r.done) ended = true;
          wake(r.done ? DONE : { kind: 'value', value: r.value });
        },
        (error: unknown) => {
          if (ended) return;
          ended = true;
          wake({ kind: 'error', error });
        },
      );
      return PENDING;
    },
    close: () => {
      if (ended) return;
      ended = true;
      try {
        iterator?.return?.()?.catch(() => undefined);
      } catch {
        // the source is being abandoned; its clean-up failure changes nothing here
      }
    },
  };
};

/**
 * A reader over an Observable. An Observable cannot be paused, so once the
 * first member is asked for the reader subscribes and **buffers** what arrives
 * ahead of the reads; the buffer only grows when the source emits faster than
 * batches complete.
 *
 * @example
 * // internal (lib/pipelines/roster-source.ts)
 * const reader = observableReader(of(1, 2));
 * reader.read(wake); // { kind: 'value', value: 1 } (2 is buffered)
 *
 * @internal
 */
export const observableReader = (source: Observable<unknown>): RosterReader => {
  let subscription: Subscription | undefined;
  let queue: unknown[] = [];
  let head = 0;
  let end: Pulled | undefined;
  let waiter: ((step: Pulled) => void) | undefined;
  let closed = false;

  const deliver = (step: Pulled): void => {
    const w = waiter;
    waiter = undefined;
    w?.(step);
  };
  const subscribe = (): void => {
    subscription = source.subscribe({
      next: (value) => {
        if (waiter) deliver({ kind: 'value', value });
        else queue.push(value);
      },
      error: (error: unknown) => {
        end = { kind: 'error', error };
        if (waiter) deliver(end);
      },
      complete: () => {
        end = DONE;
        if (waiter) deliver(end);
      },
    });
  };

  return {
    read: (wake) => {
      if (closed) return DONE;
      if (!subscription) subscribe();
      if (head < queue.length) {
        const value = queue[head];
        queue[head++] = undefined;
        if (head >= 1024 && head * 2 >= queue.length) {
          queue = queue.slice(head);
          head = 0;
        }
        return { kind: 'value', value };
      }
      if (end) return end;
      waiter = wake;
      return PENDING;
    },
    close: () => {
      closed = true;
      waiter = undefined;
      queue = [];
      head = 0;
      subscription?.unsubscribe();
    },
  };
};

/**
 * The reader matching a source's kind; `undefined` when `source` is none of them.
 *
 * @example
 * // internal (lib/pipelines/roster-source.ts)
 * rosterReader(Readable.from(rows)); // an AsyncIterable reader
 * rosterReader(42); // undefined
 *
 * @internal
 */
export const rosterReader = (source: unknown): RosterReader | undefined => {
  if (isObservable(source)) return observableReader(source);
  if (source !== null && typeof source === 'object') {
    if (typeof (source as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function')
      return asyncIterableReader(source as AsyncIterable<unknown>);
    if (typeof (source as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function')
      return iterableReader(source as Iterable<unknown>);
  }
  return undefined;
};
