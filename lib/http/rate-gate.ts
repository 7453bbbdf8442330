import { concatMap, defer, of, timer, type Observable, type SchedulerLike } from 'rxjs';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The shared 429 gate of one client. @internal */
export interface RateGate {
  /** Holds every later {@link RateGate.wait} back until `ms` from now (never shortens a longer hold). */
  closeFor(ms: number): void;
  /** Emits once (then completes) as soon as the gate is open; re-checks if it was closed again meanwhile. */
  wait(): Observable<void>;
  /**
   * On each subscription, calls `start` and subscribes to what it returns as
   * soon as the gate is open (so a retry, which re-subscribes, re-checks it);
   * while the gate is open, at once and without a timer.
   */
  whenOpen<T>(start: () => Observable<T>): Observable<T>;
  /** Virtual or real time at which the gate opens (`-Infinity` when never closed). */
  opensAt(): number;
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * A gate shared by every request of one client: when a 429 asks for a wait,
 * the client closes the gate for that long, and every attempt, new requests
 * and retries alike, passes through `whenOpen()` first. Time comes from `scheduler`.
 *
 * @example
 * // internal (lib/http/rate-gate.ts), not part of the package root
 * const gate = makeRateGate(asyncScheduler);
 * gate.closeFor(2000);
 * gate.wait().subscribe(() => console.log('open after 2 s'));
 *
 * @internal
 */
export const makeRateGate = (scheduler: SchedulerLike): RateGate => {
  let openAt = -Infinity;
  const whenOpen = <T>(start: () => Observable<T>): Observable<T> =>
    defer(() => {
      const remaining = openAt - scheduler.now();
      return remaining > 0
        ? timer(remaining, scheduler).pipe(concatMap(() => whenOpen(start)))
        : start();
    });
  return {
    closeFor: (ms) => {
      openAt = Math.max(openAt, scheduler.now() + ms);
    },
    wait: () => whenOpen(() => of(undefined)),
    whenOpen,
    opensAt: () => openAt,
  };
};
