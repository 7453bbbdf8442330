import type { GenericAbortSignal } from 'axios';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** What `send` needs to cancel one request: a signal axios listens to, and the trigger. @internal */
export interface RequestCanceller {
  readonly signal: GenericAbortSignal;
  /** Fires the signal (once; later calls do nothing). */
  abort(): void;
}

/** Makes the canceller of each request. @internal */
export type NewCanceller = () => RequestCanceller;

/** The event a {@link CancelSignal} passes to its listeners (what axios's adapters read: `type`). */
interface AbortEventLike {
  readonly type: 'abort';
  readonly target: CancelSignal;
}

type AbortListener = (this: CancelSignal, event: AbortEventLike) => void;

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * A one-shot abort signal with exactly the surface axios's own adapters use
 * (`aborted`, `reason`, `onabort`, `addEventListener` / `removeEventListener`
 * of `'abort'`): axios's `GenericAbortSignal`. It costs a plain object where a
 * DOM `AbortController` costs an `EventTarget`, which is most of the library's
 * per-request overhead on Node 20. Used only with the axios instance a client
 * makes for itself, where no interceptor or custom adapter can expect a real
 * `AbortSignal`; a client given an instance uses {@link abortControllerCanceller}.
 *
 * @example
 * // internal (lib/http/request-canceller.ts), not part of the package root
 * const cancel = new CancelSignal();
 * cancel.signal.addEventListener('abort', () => console.log('aborted'));
 * cancel.abort(); // logs "aborted"; cancel.signal.aborted === true
 *
 * @internal
 */
export class CancelSignal implements RequestCanceller, GenericAbortSignal {
  aborted = false;
  /** Set on abort, like a DOM signal's: an `AbortError` `DOMException`. */
  reason: unknown = undefined;
  onabort: AbortListener | null = null;
  private listeners: AbortListener[] = [];

  /** The signal handed to axios: this object. */
  get signal(): this {
    return this;
  }

  addEventListener(type: string, listener: unknown): void {
    if (type !== 'abort' || typeof listener !== 'function' || this.aborted) return;
    const l = listener as AbortListener;
    if (!this.listeners.includes(l)) this.listeners.push(l);
  }

  removeEventListener(type: string, listener: unknown): void {
    if (type !== 'abort') return;
    const i = this.listeners.indexOf(listener as AbortListener);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = new DOMException('This operation was aborted', 'AbortError');
    const event: AbortEventLike = { type: 'abort', target: this };
    const listeners = this.listeners;
    this.listeners = [];
    this.onabort?.call(this, event);
    for (const listener of listeners) listener.call(this, event);
  }
}

/**
 * A canceller backed by a DOM `AbortController`, so interceptors and custom
 * adapters of a user's own axios instance see a real `AbortSignal`.
 *
 * @example
 * // internal (lib/http/request-canceller.ts), not part of the package root
 * const cancel = abortControllerCanceller();
 * cancel.signal instanceof AbortSignal; // true
 *
 * @internal
 */
export const abortControllerCanceller: NewCanceller = () => new AbortController();

/**
 * A {@link CancelSignal} per request.
 *
 * @example
 * // internal (lib/http/request-canceller.ts), not part of the package root
 * cancelSignalCanceller().signal.aborted; // false
 *
 * @internal
 */
export const cancelSignalCanceller: NewCanceller = () => new CancelSignal();
