import { expect } from 'chai';
import { RateLimiter } from '../../lib/emulator/rate-limiter';

describe('RateLimiter', () => {
  it('allows a burst, then says how long until the next token, and refills over time, per key', () => {
    let now = 0;
    const limiter = new RateLimiter({ requestsPerSecond: 4, burst: 2 }, () => now);
    expect([limiter.take('a'), limiter.take('a')]).to.deep.equal([{ allowed: true }, { allowed: true }]);
    expect(limiter.take('a')).to.deep.equal({ allowed: false, retryAfterMs: 250 });
    expect(limiter.take('b')).to.deep.equal({ allowed: true });
    now = 100;
    expect(limiter.take('a')).to.deep.equal({ allowed: false, retryAfterMs: 150 });
    now = 250;
    expect(limiter.take('a')).to.deep.equal({ allowed: true });
    now = 10_000;
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a').allowed]).to.deep.equal([
      { allowed: true },
      { allowed: true },
      false,
    ]);
  });

  it('rejects a non-positive rate or a burst below 1', () => {
    expect(() => new RateLimiter({ requestsPerSecond: 0, burst: 1 }, Date.now)).to.throw(RangeError);
    expect(() => new RateLimiter({ requestsPerSecond: 1, burst: 0 }, Date.now)).to.throw(RangeError);
  });
});
