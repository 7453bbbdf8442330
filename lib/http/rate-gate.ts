import { Observable, of, type SchedulerLike, type Subscription } from 'rxjs';
import { AdaptiveRate } from './adaptive-rate';
import { MAX_DURATION_MS } from './validate';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** When and how an attempt was let through the gate: what its answer is reported with. @internal */
export interface Ticket {
  /** Scheduler time at which the attempt was released. */
  readonly releasedAt: number;
  /** Whether it had to wait (for the gate to open or for its turn in the pace). */
  readonly held: boolean;
}

/** The shared 429 gate of one client, with its pacer. @internal */
export interface RateGate {
  /** Holds every later attempt back until `ms` from now (never shortens a longer hold). */
  closeFor(ms: number): void;
  /**
   * On each subscription, calls `start` and subscribes to what it returns once
   * the gate is open and it is this subscription's turn in the pace (so a
   * retry, which re-subscribes, goes through again). Before the first 429 and
   * while the gate is open and nobody waits, at once and without a timer.
   * Unsubscribing while waiting gives up the turn.
   */
  whenOpen<T>(start: (ticket: Ticket) => Observable<T>): Observable<T>;
  /** Emits once (then completes) when {@link RateGate.whenOpen} would start. */
  wait(): Observable<void>;
  /** The attempt of `ticket` got an answer that was not a 429: the pace may speed up. */
  admitted(ticket: Ticket): void;
  /** The attempt of `ticket` got a 429: the pace slows down (see {@link AdaptiveRate}). */
  rateLimited(ticket: Ticket): void;
  /** Scheduler time at which the gate opens (`-Infinity` when never closed). */
  opensAt(): number;
  /** The pace, requests per second; `undefined` until the first 429 (unlimited). */
  perSecond(): number | undefined;
  /** How many subscriptions are waiting for their turn. */
  waiting(): number;
}

/** The pace the gate keeps: {@link AdaptiveRate}, or a fixed one in tests. @internal */
export interface Pace {
  /** Milliseconds between two releases, or `undefined` while unlimited. */
  intervalMs(): number | undefined;
  /** Requests per second, or `undefined` while unlimited. */
  perSecond(): number | undefined;
  admitted(now: number, held: boolean): void;
  rateLimited(now: number, sentAt: number): void;
}

/** The longest timer Node runs as asked (a longer one fires after 1 ms). */
export const MAX_TIMER_MS = MAX_DURATION_MS;

interface Waiter {
  /** Starts the attempt (called once, by the pacer). */
  go: (ticket: Ticket) => void;
  /** Released or unsubscribed: no longer waiting. */
  done: boolean;
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * A gate shared by every request of one client. A 429 that asks for a wait
 * closes it for that long: every attempt, new requests and retries alike,
 * waits. From the first 429 on, attempts are also paced: released one at a
 * time, in arrival order, `1000 / rate` ms apart, where the rate adapts to
 * what the server admits ({@link AdaptiveRate}): cut on each 429, grown while
 * requests pass. So when the gate opens, the waiting requests go out at the
 * pace, not all in the same instant. Time comes from `scheduler`; one timer
 * at most is pending, never longer than {@link MAX_TIMER_MS}.
 *
 * @example
 * // internal (lib/http/rate-gate.ts), not part of the package root
 * const gate = makeRateGate(asyncScheduler);
 * gate.closeFor(2000);
 * gate.wait().subscribe(() => console.log('open after 2 s'));
 *
 * @internal
 */
export const makeRateGate = (
  scheduler: SchedulerLike,
  rate: Pace = new AdaptiveRate(),
): RateGate => {
  let openAt = -Infinity;
  /** Earliest release of the next attempt in the pace. */
  let nextAt = -Infinity;
  const queue: Waiter[] = [];
  let head = 0;
  let live = 0;
  let pump: Subscription | undefined;

  const takeTurn = (now: number): void => {
    const interval = rate.intervalMs();
    if (interval !== undefined) nextAt = now + interval;
  };

  const nextLive = (): Waiter | undefined => {
    while (head < queue.length) {
      const w = queue[head]!;
      queue[head] = undefined as unknown as Waiter;
      head += 1;
      if (!w.done) return w;
    }
    return undefined;
  };

  const compact = (): void => {
    if (head === queue.length) {
      queue.length = 0;
      head = 0;
    } else if (head > 1024 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
  };

  const release = (): void => {
    pump = undefined;
    const now = scheduler.now();
    if (now < openAt || now < nextAt) return schedule();
    // unpaced (the gate was closed without a 429): everyone goes now
    const paced = rate.intervalMs() !== undefined;
    do {
      const waiter = nextLive();
      if (waiter === undefined) break;
      live -= 1;
      takeTurn(now);
      waiter.go({ releasedAt: now, held: true });
    } while (!paced && live > 0);
    compact();
    if (live > 0) schedule();
  };

  const schedule = (): void => {
    if (pump !== undefined || live === 0) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, Math.max(openAt, nextAt) - scheduler.now()));
    pump = scheduler.schedule(release, delay);
  };

  const whenOpen = <T>(start: (ticket: Ticket) => Observable<T>): Observable<T> =>
    new Observable<T>((subscriber) => {
      const now = scheduler.now();
      if (live === 0 && now >= openAt && now >= nextAt) {
        takeTurn(now);
        return start({ releasedAt: now, held: false }).subscribe(subscriber);
      }
      let inner: Subscription | undefined;
      const waiter: Waiter = {
        go: (ticket) => {
          waiter.done = true;
          inner = start(ticket).subscribe(subscriber);
        },
        done: false,
      };
      queue.push(waiter);
      live += 1;
      schedule();
      return () => {
        if (waiter.done) return inner?.unsubscribe();
        waiter.done = true;
        live -= 1;
        if (live === 0) {
          // nobody waits: no timer may keep the process alive
          pump?.unsubscribe();
          pump = undefined;
          queue.length = 0;
          head = 0;
        }
      };
    });

  return {
    closeFor: (ms) => {
      openAt = Math.max(openAt, scheduler.now() + ms);
    },
    whenOpen,
    wait: () => whenOpen(() => of(undefined)),
    admitted: (ticket) => rate.admitted(scheduler.now(), ticket.held),
    rateLimited: (ticket) => rate.rateLimited(scheduler.now(), ticket.releasedAt),
    opensAt: () => openAt,
    perSecond: () => rate.perSecond(),
    waiting: () => live,
  };
};
