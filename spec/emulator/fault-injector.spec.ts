import { expect } from 'chai';
import { FaultInjector } from '../../lib/emulator/fault-injector';
import { mulberry32 } from '../../lib/internal/mulberry32';

describe('FaultInjector', () => {
  const run = (injector: FaultInjector, n: number) => Array.from({ length: n }, () => injector.next());

  it('injects nothing when off', () => {
    expect(run(new FaultInjector(), 3)).to.deep.equal([{ latencyMs: 0 }, { latencyMs: 0 }, { latencyMs: 0 }]);
  });

  it('gives the same outcomes for the same seed, different ones for another seed', () => {
    const faults = { seed: 99, errorRate: 0.2, dropRate: 0.2, rateLimitRate: 0.1, latencyJitterMs: 20 };
    const a = run(new FaultInjector(faults), 200);
    expect(run(new FaultInjector(faults), 200)).to.deep.equal(a);
    expect(run(new FaultInjector({ ...faults, seed: 100 }), 200)).not.to.deep.equal(a);
    expect(mulberry32(1)()).to.equal(mulberry32(1)());
  });

  it('injects each fault at roughly its rate, with both 5xx statuses and both drop phases', () => {
    const outcomes = run(new FaultInjector({ seed: 1, errorRate: 0.2, dropRate: 0.1, rateLimitRate: 0.05, retryAfterMs: 700 }), 10_000);
    const share = (p: (o: (typeof outcomes)[number]) => boolean) => outcomes.filter(p).length / outcomes.length;
    expect(share((o) => o.rateLimitMs === 700)).to.be.closeTo(0.05, 0.01);
    expect(share((o) => o.errorStatus !== undefined)).to.be.closeTo(0.2 * 0.95, 0.02);
    expect(share((o) => o.errorStatus === 503)).to.be.closeTo(share((o) => o.errorStatus === 500), 0.02);
    expect(share((o) => o.drop !== undefined)).to.be.closeTo(0.1 * 0.8 * 0.95, 0.015);
    expect(share((o) => o.drop === 'before')).to.be.closeTo(share((o) => o.drop === 'after'), 0.015);
  });

  it('adds latency plus jitter within bounds', () => {
    const latencies = run(new FaultInjector({ seed: 3, latencyMs: 10, latencyJitterMs: 5 }), 500).map((o) => o.latencyMs);
    expect(Math.min(...latencies)).to.be.at.least(10);
    expect(Math.max(...latencies)).to.be.at.most(15);
    expect(new Set(latencies).size).to.be.above(3);
  });

  it('restarts from the seed on set() and rejects out-of-range settings', () => {
    const injector = new FaultInjector({ seed: 4, errorRate: 0.5 });
    const first = run(injector, 20);
    injector.set({ seed: 4, errorRate: 0.5 });
    expect(run(injector, 20)).to.deep.equal(first);
    expect(() => injector.set({ errorRate: 1.5 })).to.throw(RangeError, /errorRate/);
    expect(() => injector.set({ latencyMs: -1 })).to.throw(RangeError, /latencyMs/);
    expect(() => injector.set({ seed: Number.NaN })).to.throw(RangeError, /seed/);
  });
});
