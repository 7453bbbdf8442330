import { expect } from 'chai';
import { concatMap } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { Attempt } from '../../lib/http/exchange';
import { makeRateGate } from '../../lib/http/rate-gate';
import { throughRateGate } from '../../lib/http/with-rate-gate';
import { call, raw, recordingLog } from './pieces';

const newScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => void expect(actual).to.deep.equal(expected));

describe('throughRateGate', () => {
  it('numbers the attempts of one call from 1, each subscription (a retry) one more', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold }) => {
      const gate = makeRateGate(scheduler);
      const seen: Attempt[] = [];
      const attempts = throughRateGate(
        gate,
        { maxRetryAfterMs: 60_000, now: () => 0 },
        recordingLog().log,
      )((a) => {
        seen.push(a);
        return cold('(r|)', { r: raw(200) });
      })(call());
      attempts.subscribe();
      attempts.subscribe();
      scheduler.flush();
      expect(seen.map((a) => a.number)).to.deep.equal([1, 2]);
      expect(seen[0]!.ticket).to.deep.equal({ releasedAt: 0, held: false });
    });
  });

  it('closes the gate for every request of the client when a 429 says how long to wait, and paces from then on', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const gate = makeRateGate(scheduler);
      const { lines, log } = recordingLog('info');
      const through = throughRateGate(
        gate,
        { maxRetryAfterMs: 60_000, now: () => scheduler.now() },
        log,
      );
      const limited = through(() => cold('10ms (r|)', { r: raw(429, '', { 'retry-after': '2' }) }))(
        call(),
      );
      const other = through(() => cold('(r|)', { r: raw(200) }))(call());
      expectObservable(limited).toBe('10ms (r|)', { r: raw(429, '', { 'retry-after': '2' }) });
      // another call, subscribed at 20, waits for the gate to open at 2010
      expectObservable(cold('20ms (x|)').pipe(concatMap(() => other))).toBe('2010ms (r|)', {
        r: raw(200),
      });
      scheduler.flush();
      expect(gate.opensAt()).to.equal(2010);
      expect(gate.perSecond()).to.be.a('number');
      expect(
        lines.some((l) => l.includes('got 429: holding every request of this client for 2000 ms')),
      ).to.equal(true);
    });
  });

  it('slows the pace on a 429 without a usable wait, without closing the gate', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold }) => {
      const gate = makeRateGate(scheduler);
      throughRateGate(
        gate,
        { maxRetryAfterMs: 1000, now: () => 0 },
        recordingLog().log,
      )(() => cold('(r|)', { r: raw(429, '', { 'retry-after': '30' }) }))(call()).subscribe();
      scheduler.flush();
      expect(gate.opensAt()).to.equal(-Infinity);
      expect(gate.perSecond()).to.be.a('number');
    });
  });

  it('leaves the gate unpaced while every answer passes', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold }) => {
      const gate = makeRateGate(scheduler);
      const attempts = throughRateGate(
        gate,
        { maxRetryAfterMs: 1000, now: () => 0 },
        recordingLog().log,
      )(() => cold('(r|)', { r: raw(503) }))(call());
      for (let i = 0; i < 5; i++) attempts.subscribe();
      scheduler.flush();
      expect(gate.perSecond()).to.equal(undefined);
    });
  });
});
