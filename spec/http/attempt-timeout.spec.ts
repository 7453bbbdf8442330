import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { TimeoutError } from '../../lib/errors';
import { withAttemptTimeout } from '../../lib/http/attempt-timeout';
import { attemptOf, call, raw } from './pieces';

const newScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => void expect(actual).to.deep.equal(expected));

describe('withAttemptTimeout', () => {
  it('passes a response that comes within timeoutMs', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const exchange = withAttemptTimeout(scheduler)(() => cold('999ms (r|)', { r: raw(200) }));
      expectObservable(exchange(attemptOf(call({ timeoutMs: 1000 })))).toBe('999ms (r|)', {
        r: raw(200),
      });
    });
  });

  it('errors with TimeoutError at timeoutMs and unsubscribes the exchange (aborting the request)', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const wire = cold('5000ms (r|)', { r: raw(200) });
      const exchange = withAttemptTimeout(scheduler)(() => wire);
      const c = call({ timeoutMs: 1000 });
      expectObservable(exchange(attemptOf(c))).toBe(
        '1000ms #',
        undefined,
        new TimeoutError(c.info, 1000),
      );
      expectSubscriptions(wire.subscriptions).toBe('^ 999ms !');
    });
  });

  it('times each attempt anew', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const exchange = withAttemptTimeout(scheduler)(() => cold('600ms (r|)', { r: raw(200) }));
      const c = call({ timeoutMs: 1000 });
      expectObservable(exchange(attemptOf(c, 1))).toBe('600ms (r|)', { r: raw(200) });
      expectObservable(exchange(attemptOf(c, 2))).toBe('600ms (r|)', { r: raw(200) });
    });
  });
});
