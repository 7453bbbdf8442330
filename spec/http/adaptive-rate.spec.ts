import { expect } from 'chai';
import { AdaptiveRate, ADAPTIVE_RATE_DEFAULTS } from '../../lib/http/adaptive-rate';

/** `n` answers admitted at `from`, `from + step`, … (not held: the client was not paced). */
const admitMany = (
  rate: AdaptiveRate,
  n: number,
  from: number,
  step: number,
  held = false,
): number => {
  for (let i = 0; i < n; i++) rate.admitted(from + i * step, held);
  return from + (n - 1) * step;
};

describe('AdaptiveRate', () => {
  it('is unlimited until the first 429, however many requests pass', () => {
    const rate = new AdaptiveRate();
    admitMany(rate, 1000, 0, 1, true);
    expect(rate.perSecond()).to.equal(undefined);
    expect(rate.intervalMs()).to.equal(undefined);
  });

  it('starts, on the first 429, at 0.6 × what the server admitted over the last second', () => {
    const rate = new AdaptiveRate();
    // 50 admitted a second for 3 s, then a 429
    const end = admitMany(rate, 150, 0, 20);
    rate.rateLimited(end + 10, end + 5);
    expect(rate.perSecond()).to.be.closeTo(0.6 * 50, 2);
    expect(rate.intervalMs()).to.be.closeTo(1000 / 30, 2);
  });

  it('measures a 429 soon after start-up over the time since the first answer, not a whole second', () => {
    const rate = new AdaptiveRate();
    // a burst of 20 in 200 ms: 100/s, not 20/s
    const end = admitMany(rate, 20, 0, 10);
    rate.rateLimited(end + 10, end);
    expect(rate.perSecond()).to.be.closeTo(0.6 * 100, 5);
  });

  it('takes the 429s of requests sent before a cut as the same signal: one cut, not many', () => {
    const rate = new AdaptiveRate();
    admitMany(rate, 100, 0, 10);
    rate.rateLimited(1000, 995);
    const once = rate.perSecond();
    for (let i = 0; i < 15; i++) rate.rateLimited(1001 + i, 990 + i / 2); // all sent before 1000
    expect(rate.perSecond()).to.equal(once);
    rate.rateLimited(1200, 1100); // sent after the cut: a new signal
    expect(rate.perSecond()).to.be.below(once!);
  });

  it('starts a first 429 with nothing admitted from one request in minSpanMs, and 429s that go on cut it to minRate, never below', () => {
    const rate = new AdaptiveRate();
    rate.rateLimited(0, 0);
    expect(rate.perSecond()).to.be.closeTo(0.6 * (1000 / ADAPTIVE_RATE_DEFAULTS.minSpanMs), 1e-9);
    for (let i = 1; i < 20; i++) rate.rateLimited(i * 1000, i * 1000 - 1);
    expect(rate.perSecond()).to.equal(ADAPTIVE_RATE_DEFAULTS.minRate);
  });

  it('grows only while the requests that pass were held by the pacer', () => {
    const idle = new AdaptiveRate();
    admitMany(idle, 100, 0, 10);
    idle.rateLimited(1000, 999);
    const start = idle.perSecond()!;
    admitMany(idle, 100, 1100, 100, false); // an app-limited client
    expect(idle.perSecond()).to.equal(start);
    admitMany(idle, 20, 11_100, 1000 / start, true); // paced
    expect(idle.perSecond()).to.be.above(start);
  });

  it('climbs back fast below the rate of the last 429 and probes carefully above it', () => {
    const rate = new AdaptiveRate();
    admitMany(rate, 100, 0, 10);
    rate.rateLimited(1000, 999); // 60/s
    let t = 1000;
    // paced requests pass until the rate doubles; a second 429 sets the ceiling
    while (rate.perSecond()! < 120) t = admitMany(rate, 1, t + rate.intervalMs()!, 0, true);
    const ceiling = rate.perSecond()!;
    rate.rateLimited(t + 1, t);
    t += 1;
    // recovery: to 0.9 of the ceiling within a second of paced traffic
    const recoveredBy = (() => {
      const from = t;
      while (rate.perSecond()! < 0.9 * ceiling)
        t = admitMany(rate, 1, t + rate.intervalMs()!, 0, true);
      return t - from;
    })();
    expect(recoveredBy).to.be.below(500);
    // probing: from the ceiling, a second of paced traffic adds at most half
    while (rate.perSecond()! < ceiling) t = admitMany(rate, 1, t + rate.intervalMs()!, 0, true);
    const atCeiling = rate.perSecond()!;
    const from = t;
    while (t - from < 1000) t = admitMany(rate, 1, t + rate.intervalMs()!, 0, true);
    expect(rate.perSecond()! / atCeiling).to.be.within(1, 1.5);
  });

  it('does not count a gap in traffic as growth', () => {
    const rate = new AdaptiveRate();
    admitMany(rate, 100, 0, 10);
    rate.rateLimited(1000, 999);
    const before = rate.perSecond()!;
    rate.admitted(1000 + 60_000, true); // one paced request after a minute of silence
    expect(rate.perSecond()! / before).to.be.at.most(ADAPTIVE_RATE_DEFAULTS.start.perRequest);
  });

  it('never exceeds maxRate', () => {
    const rate = new AdaptiveRate({ ...ADAPTIVE_RATE_DEFAULTS, maxRate: 200 });
    admitMany(rate, 100, 0, 10);
    rate.rateLimited(1000, 999);
    let t = 1000;
    for (let i = 0; i < 2000; i++) t = admitMany(rate, 1, t + rate.intervalMs()!, 0, true);
    expect(rate.perSecond()).to.equal(200);
  });
});
