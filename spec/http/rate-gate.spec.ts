import { expect } from 'chai';
import { concatMap } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { makeRateGate } from '../../lib/http/rate-gate';

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
