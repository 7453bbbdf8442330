import { expect } from 'chai';
import { concatMap, EMPTY, map, mergeMap, retry, type Observable, type SchedulerAction, type SchedulerLike } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { makeRateGate, MAX_TIMER_MS, type Pace, type Ticket } from '../../lib/http/rate-gate';

const newScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });

describe('makeRateGate', () => {
  it('lets everyone through at once while it was never closed', () => {
    const scheduler = newScheduler();
    scheduler.run(({ expectObservable }) => {
      const gate = makeRateGate(scheduler);
      expectObservable(gate.wait()).toBe('(a|)', { a: undefined });
    });
  });

  it('holds every waiter until the moment it was closed for, including ones that arrive later', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const gate = makeRateGate(scheduler);
      scheduler.schedule(() => gate.closeFor(2000), 100);
      // arrives before the close: passes at once
      expectObservable(gate.wait()).toBe('(a|)', { a: undefined });
      // arrives at 500 and 1500: both pass at 2100
      expectObservable(cold('500ms (x|)').pipe(concatMap(() => gate.wait()))).toBe('2100ms (a|)', {
        a: undefined,
      });
      scheduler.schedule(() => {
        let at = -1;
        gate.wait().subscribe(() => (at = scheduler.now()));
        scheduler.schedule(() => expect(at).to.equal(2100), 700);
      }, 1500);
      // arrives after it opened: passes at once
      scheduler.schedule(() => {
        let at = -1;
        gate.wait().subscribe(() => (at = scheduler.now()));
        expect(at).to.equal(2200);
      }, 2200);
    });
  });

  it('keeps waiters back when it is closed again for longer while they wait, and never shortens a hold', () => {
    const scheduler = newScheduler();
    scheduler.run(({ expectObservable }) => {
      const gate = makeRateGate(scheduler);
      gate.closeFor(1000);
      scheduler.schedule(() => gate.closeFor(3000), 500); // until 3500
      scheduler.schedule(() => gate.closeFor(100), 600); // shorter: ignored
      expectObservable(gate.wait()).toBe('3500ms (a|)', { a: undefined });
      scheduler.flush();
      expect(gate.opensAt()).to.equal(3500);
    });
  });

  it('cancels the wait on unsubscribe', () => {
    const scheduler = newScheduler();
    scheduler.run(({ expectObservable }) => {
      const gate = makeRateGate(scheduler);
      gate.closeFor(1000);
      expectObservable(gate.wait(), '^ 400ms !').toBe('');
    });
  });

  describe('whenOpen', () => {
    it('calls start and subscribes in the same instant while the gate is open, once per subscription', () => {
      const scheduler = newScheduler();
      scheduler.run(({ cold, expectObservable }) => {
        const gate = makeRateGate(scheduler);
        const starts: number[] = [];
        const guarded = gate.whenOpen(() => {
          starts.push(scheduler.now());
          return cold('10ms (r|)');
        });
        expectObservable(guarded).toBe('10ms (r|)');
        expectObservable(cold('300ms (x|)').pipe(concatMap(() => guarded))).toBe('310ms (r|)');
        scheduler.flush();
        expect(starts).to.deep.equal([0, 300]);
      });
    });

    it('calls start only once the gate opens, re-checking on every subscription (as a retry does)', () => {
      const scheduler = newScheduler();
      scheduler.run(({ cold, expectObservable }) => {
        const gate = makeRateGate(scheduler);
        const starts: number[] = [];
        const guarded = gate.whenOpen(() => {
          starts.push(scheduler.now());
          return cold('(r|)');
        });
        gate.closeFor(1000);
        expectObservable(guarded).toBe('1000ms (r|)');
        // closed again at 1500 until 2500: a subscription at 2000 waits for it
        scheduler.schedule(() => gate.closeFor(1000), 1500);
        expectObservable(cold('2000ms (x|)').pipe(concatMap(() => guarded))).toBe('2500ms (r|)');
        scheduler.flush();
        expect(starts).to.deep.equal([1000, 2500]);
      });
    });

    it('never calls start when unsubscribed while the gate is closed', () => {
      const scheduler = newScheduler();
      scheduler.run(({ cold, expectObservable }) => {
        const gate = makeRateGate(scheduler);
        let started = 0;
        gate.closeFor(1000);
        expectObservable(
          gate.whenOpen(() => {
            started += 1;
            return cold('(r|)');
          }),
          '^ 400ms !',
        ).toBe('');
        scheduler.flush();
        expect(started).to.equal(0);
      });
    });
  });
});

/** A pace fixed at `perSecond` (or unlimited), that records the feedback it gets. */
const fixedPace = (perSecond: number | undefined): Pace & { admittedAt: number[]; limitedAt: number[] } => {
  const admittedAt: number[] = [];
  const limitedAt: number[] = [];
  return {
    intervalMs: () => (perSecond === undefined ? undefined : 1000 / perSecond),
    perSecond: () => perSecond,
    admitted: (now) => void admittedAt.push(now),
    rateLimited: (now) => void limitedAt.push(now),
    admittedAt,
    limitedAt,
  };
};

describe('makeRateGate pacing', () => {
  it('releases the requests waiting at a closed gate one at a time at the pace, not all at once', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const gate = makeRateGate(scheduler, fixedPace(10)); // 100 ms apart
      gate.closeFor(1000);
      const started: number[] = [];
      const call = gate.whenOpen(() => {
        started.push(scheduler.now());
        return cold('(r|)');
      });
      for (let i = 0; i < 4; i++) expectObservable(call).toBe(`${1000 + 100 * i}ms (r|)`);
      scheduler.flush();
      expect(started).to.deep.equal([1000, 1100, 1200, 1300]);
    });
  });

  it('keeps the pace for requests that come when nobody waits, and starts one at once when its turn has come', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const gate = makeRateGate(scheduler, fixedPace(4)); // 250 ms apart
      const call = gate.whenOpen(() => cold('(r|)'));
      expectObservable(call).toBe('(r|)'); // its turn: at once
      expectObservable(cold('100ms (x|)').pipe(concatMap(() => call))).toBe('250ms (r|)');
      expectObservable(cold('900ms (x|)').pipe(concatMap(() => call))).toBe('900ms (r|)');
    });
  });

  it('holds the rest of the queue when a 429 closes the gate again while releasing', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const gate = makeRateGate(scheduler, fixedPace(10));
      gate.closeFor(1000);
      const call = gate.whenOpen(() => cold('(r|)'));
      expectObservable(call).toBe('1000ms (r|)');
      expectObservable(call).toBe('1100ms (r|)');
      scheduler.schedule(() => gate.closeFor(500), 1150); // until 1650
      expectObservable(call).toBe('1650ms (r|)');
      expectObservable(call).toBe('1750ms (r|)');
    });
  });

  it('gives a waiting turn up on unsubscribe, and leaves no timer once nobody waits', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const gate = makeRateGate(scheduler, fixedPace(10));
      gate.closeFor(1000);
      const started: string[] = [];
      const call = (name: string) =>
        gate.whenOpen(() => {
          started.push(name);
          return cold('(r|)');
        });
      expectObservable(call('gone'), '^ 500ms !').toBe('');
      expectObservable(call('next')).toBe('1000ms (r|)');
      scheduler.flush();
      expect(started).to.deep.equal(['next']);
      expect(gate.waiting()).to.equal(0);
    });
    const alone = newScheduler();
    alone.run(() => {
      const gate = makeRateGate(alone, fixedPace(10));
      gate.closeFor(60_000);
      const sub = gate.wait().subscribe();
      expect(alone.actions.length).to.equal(1);
      sub.unsubscribe();
      expect(alone.actions.filter((a) => !a.closed).length).to.equal(0);
    });
  });

  it('reports what the server answered to the pace, with the release time and whether the attempt was held', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold }) => {
      const pace = fixedPace(10);
      const gate = makeRateGate(scheduler, pace);
      const tickets: Ticket[] = [];
      gate.closeFor(300);
      const call = gate.whenOpen((ticket) => {
        tickets.push(ticket);
        return cold('5ms (r|)');
      });
      call.subscribe();
      call.subscribe();
      scheduler.flush();
      gate.admitted(tickets[0]!);
      gate.rateLimited(tickets[1]!);
      expect(tickets).to.deep.equal([
        { releasedAt: 300, held: true },
        { releasedAt: 400, held: true },
      ]);
      expect(pace.admittedAt).to.have.length(1);
      expect(pace.limitedAt).to.have.length(1);
    });
  });

  it('waits out a hold longer than Node can time in steps of at most MAX_TIMER_MS, never re-arming a short timer', () => {
    const scheduler = newScheduler();
    const delays: number[] = [];
    const recording: SchedulerLike = {
      now: () => scheduler.now(),
      schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T) {
        delays.push(delay ?? 0);
        return scheduler.schedule(work, delay, state);
      },
    };
    scheduler.run(({ expectObservable }) => {
      const gate = makeRateGate(recording, fixedPace(1));
      gate.closeFor(3e9);
      expectObservable(gate.wait()).toBe('3000000000ms (a|)', { a: undefined });
    });
    expect(delays).to.deep.equal([MAX_TIMER_MS, 3e9 - MAX_TIMER_MS]);
  });
});

/**
 * A token bucket of `perSecond` and `burst` (as the emulator's) answering on
 * the gate's clock, a client keeping `inFlight` calls going for `ms`: what
 * share of the requests sent after the first second got a 429.
 */
const runAgainstBucket = (perSecond: number, burst: number, wholeSeconds: boolean, ms: number, inFlight = 16) => {
  const scheduler = newScheduler();
  let sentAfterFirstSecond = 0;
  let limitedAfterFirstSecond = 0;
  let completed = 0;
  scheduler.run(({ cold }) => {
    const gate = makeRateGate(scheduler);
    let tokens = burst;
    let at = 0;
    const answer = (): number => {
      const now = scheduler.now();
      tokens = Math.min(burst, tokens + ((now - at) / 1000) * perSecond);
      at = now;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      const wait = Math.max(1, Math.ceil(((1 - tokens) / perSecond) * 1000));
      return wholeSeconds ? Math.ceil(wait / 1000) * 1000 : wait;
    };
    const call = gate
      .whenOpen((ticket) =>
        cold('2ms (r|)').pipe(
          map(() => {
            const wait = answer();
            if (ticket.releasedAt >= 1000) sentAfterFirstSecond += 1;
            if (wait === 0) return gate.admitted(ticket);
            if (ticket.releasedAt >= 1000) limitedAfterFirstSecond += 1;
            gate.rateLimited(ticket);
            gate.closeFor(wait);
            throw new Error('429');
          }),
        ),
      )
      .pipe(retry());
    const worker = (): Observable<unknown> =>
      scheduler.now() >= ms ? EMPTY : call.pipe(mergeMap(() => (completed++, worker())));
    for (let i = 0; i < inFlight; i++) worker().subscribe();
  });
  return { share: limitedAfterFirstSecond / sentAfterFirstSecond, completed, sent: sentAfterFirstSecond };
};

describe('makeRateGate against a token bucket (virtual time: the promise of API.md, Rate limits)', () => {
  for (const [perSecond, burst] of [
    [5, 5],
    [10, 3],
    [20, 20],
    [50, 10],
    [100, 100],
    [300, 150],
  ] as const)
    for (const wholeSeconds of [true, false])
      it(`holds 16 calls in flight for 10 s at ${perSecond}/s, burst ${burst}, ${wholeSeconds ? 'whole-second Retry-After' : 'retry-after-ms'}: at most 10% 429s after the first second`, () => {
        const run = runAgainstBucket(perSecond, burst, wholeSeconds, 10_000);
        expect(run.share).to.be.at.most(0.1);
        // and the client kept the server busy (each whole-second pause costs a
        // second, which a small burst does not make up for)
        expect(run.completed).to.be.at.least(perSecond * 10 * (wholeSeconds && burst < perSecond ? 0.4 : 0.8));
      });

  it('would not keep the promise releasing everyone at once (the gate without a pace)', () => {
    const unpaced = (() => {
      const scheduler = newScheduler();
      let sent = 0;
      let limited = 0;
      scheduler.run(({ cold }) => {
        const gate = makeRateGate(scheduler, fixedPace(undefined));
        let tokens = 20;
        let at = 0;
        const call = gate
          .whenOpen((ticket) =>
            cold('2ms (r|)').pipe(
              map(() => {
                const now = scheduler.now();
                tokens = Math.min(20, tokens + ((now - at) / 1000) * 20);
                at = now;
                if (ticket.releasedAt >= 1000) sent += 1;
                if (tokens >= 1) return void (tokens -= 1);
                if (ticket.releasedAt >= 1000) limited += 1;
                gate.closeFor(1000);
                throw new Error('429');
              }),
            ),
          )
          .pipe(retry());
        const worker = (): Observable<unknown> =>
          scheduler.now() >= 10_000 ? EMPTY : call.pipe(mergeMap(() => worker()));
        for (let i = 0; i < 16; i++) worker().subscribe();
      });
      return limited / sent;
    })();
    expect(unpaced).to.be.above(0.1);
  });
});
