// Timers the emulator specs drive by hand (EmulatorServerOptions.timers):
// nothing fires until the spec says so, so no spec waits on the real clock.
import type { EmulatorTimers } from '../../lib/emulator/server';

export interface ManualTimers extends EmulatorTimers {
  /** The delays asked for so far, in order, fired or not. */
  readonly requested: number[];
  /** Timers set and not yet fired or cleared. */
  pending(): number;
  /** Resolves once at least `n` timers are pending (checked on each set). */
  whenPending(n: number): Promise<void>;
  /** Fires every pending timer, in the order they were set. */
  fireAll(): void;
}

/** Timers that fire only on {@link ManualTimers.fireAll}. */
export const manualTimers = (): ManualTimers => {
  const live = new Map<number, () => void>();
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const requested: number[] = [];
  let next = 0;
  const wake = (): void => {
    for (const w of [...waiters])
      if (live.size >= w.n) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
  };
  return {
    requested,
    setTimeout: (fn, ms) => {
      const id = next++;
      live.set(id, fn);
      requested.push(ms);
      wake();
      return id;
    },
    clearTimeout: (id) => {
      live.delete(id as number);
    },
    pending: () => live.size,
    whenPending: (n) =>
      new Promise<void>((resolve) => {
        waiters.push({ n, resolve });
        wake();
      }),
    fireAll: () => {
      const due = [...live.entries()];
      live.clear();
      for (const [, fn] of due) fn();
    },
  };
};
