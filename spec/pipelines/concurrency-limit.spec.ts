import { expect } from 'chai';
import { adaptiveConcurrency, fixedConcurrency } from '../../lib/pipelines/concurrency-limit';

describe('fixedConcurrency', () => {
  it('stays where it was set, whatever the server does', () => {
    const limit = fixedConcurrency(3);
    limit.accepted(limit.sent(), 10);
    limit.pushedBack(limit.sent());
    limit.released();
    expect(limit.current).to.equal(3);
  });
});

describe('adaptiveConcurrency', () => {
  it('starts with a window of 1 submit; each 202 near the fastest round trip adds the batch it accepted and one more submit', () => {
    const limit = adaptiveConcurrency();
    expect(limit.current).to.equal(1);
    for (let i = 0; i < 4; i++) limit.accepted(limit.sent(), 20 + i);
    // 4 batches processing + a window of 5 submits
    expect(limit.current).to.equal(9);
    for (let i = 0; i < 4; i++) limit.released();
    expect(limit.current).to.equal(5);
  });

  it('shrinks the submit window by a fifth on a stretched round trip, once for all the submits sent before it', () => {
    const limit = adaptiveConcurrency({ initial: 20 });
    const before = [limit.sent(), limit.sent(), limit.sent()];
    limit.accepted(limit.sent(), 20); // fastest 20 ms: window 21, 1 processing
    limit.accepted(before[0]!, 2000); // queued in the gate: window 21 × 0.8, 2 processing
    expect(limit.current).to.equal(2 + 16);
    limit.accepted(before[1]!, 2500); // sent before the back-off: already reacted to
    limit.pushedBack(before[2]!);
    expect(limit.current).to.equal(3 + 16);
    limit.accepted(limit.sent(), 3000); // sent after it, still stretched: backs off again
    expect(limit.current).to.equal(4 + 13);
  });

  it('never cuts the batches the server is processing: only the window of submits shrinks', () => {
    const limit = adaptiveConcurrency({ initial: 4 });
    for (let i = 0; i < 40; i++) limit.accepted(limit.sent(), 10); // window 32 (its max), 40 processing
    expect(limit.current).to.equal(72);
    for (let i = 0; i < 30; i++) limit.pushedBack(limit.sent());
    expect(limit.current).to.equal(41); // 40 processing + a window of 1
  });

  it('backs off when a submit is pushed back (429, 5xx, timeout), and grows again once round trips are fast', () => {
    const limit = adaptiveConcurrency({ initial: 10 });
    limit.accepted(limit.sent(), 30);
    limit.released();
    limit.pushedBack(limit.sent());
    expect(limit.current).to.equal(8);
    for (let i = 0; i < 5; i++) {
      limit.accepted(limit.sent(), 40);
      limit.released();
    }
    expect(limit.current).to.equal(13);
  });

  it('counts a round trip up to twice the fastest plus 250 ms as fast', () => {
    const limit = adaptiveConcurrency({ initial: 10 });
    for (const ms of [100, 450]) {
      limit.accepted(limit.sent(), ms);
      limit.released();
    }
    expect(limit.current).to.equal(12);
    limit.accepted(limit.sent(), 451);
    limit.released();
    expect(limit.current).to.equal(9);
  });

  it('stays between min and max', () => {
    const limit = adaptiveConcurrency({ initial: 2, min: 1, max: 6 });
    for (let i = 0; i < 20; i++) limit.accepted(limit.sent(), 10);
    expect(limit.current).to.equal(6);
    for (let i = 0; i < 20; i++) limit.released();
    for (let i = 0; i < 20; i++) limit.pushedBack(limit.sent());
    expect(limit.current).to.equal(1);
  });
});
