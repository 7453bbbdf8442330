import { expect } from 'chai';
import { adaptiveConcurrency, fixedConcurrency } from '../../lib/pipelines/concurrency-limit';

describe('fixedConcurrency', () => {
  it('stays where it was set, whatever the server does', () => {
    const limit = fixedConcurrency(3);
    limit.accepted(limit.sent(), 10);
    limit.pushedBack(limit.sent());
    expect(limit.current).to.equal(3);
  });
});

describe('adaptiveConcurrency', () => {
  it('starts at 4 and grows by one for each submit accepted near the fastest round trip (doubling every round trip)', () => {
    const limit = adaptiveConcurrency();
    expect(limit.current).to.equal(4);
    for (let i = 0; i < 4; i++) limit.accepted(limit.sent(), 20 + i);
    expect(limit.current).to.equal(8);
  });

  it('backs off by a fifth on a stretched round trip, once for all the submits sent before it', () => {
    const limit = adaptiveConcurrency({ initial: 20 });
    const before = [limit.sent(), limit.sent(), limit.sent()];
    limit.accepted(limit.sent(), 20); // fastest 20 ms: 21
    limit.accepted(before[0]!, 2000); // queued in the gate: 21 × 0.8
    expect(limit.current).to.equal(16);
    limit.accepted(before[1]!, 2500); // sent before the back-off: already reacted to
    limit.pushedBack(before[2]!);
    expect(limit.current).to.equal(16);
    limit.accepted(limit.sent(), 3000); // sent after it, still stretched: backs off again
    expect(limit.current).to.equal(13);
  });

  it('backs off when a submit is pushed back (429, 5xx, timeout), and grows again once round trips are fast', () => {
    const limit = adaptiveConcurrency({ initial: 10 });
    limit.accepted(limit.sent(), 30);
    limit.pushedBack(limit.sent());
    expect(limit.current).to.equal(8);
    for (let i = 0; i < 5; i++) limit.accepted(limit.sent(), 40);
    expect(limit.current).to.equal(13);
  });

  it('counts a round trip up to twice the fastest plus 250 ms as fast', () => {
    const limit = adaptiveConcurrency({ initial: 10 });
    limit.accepted(limit.sent(), 100);
    limit.accepted(limit.sent(), 450);
    expect(limit.current).to.equal(12);
    limit.accepted(limit.sent(), 451);
    expect(limit.current).to.equal(9);
  });

  it('stays between min and max', () => {
    const limit = adaptiveConcurrency({ initial: 2, min: 1, max: 6 });
    for (let i = 0; i < 20; i++) limit.accepted(limit.sent(), 10);
    expect(limit.current).to.equal(6);
    for (let i = 0; i < 20; i++) limit.pushedBack(limit.sent());
    expect(limit.current).to.equal(1);
  });
});
