import { expect } from 'chai';
import { defer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { apiErrorFor, ConnectionError, NotFoundError, type ApiError } from '../../lib/errors';
import { decideRetry, type RetryPolicy } from '../../lib/http/retry-policy';
import { retryWithPolicy, type ScheduledRetry } from '../../lib/http/retry-with-policy';

const info = { method: 'GET', path: '/v1/groups/grp_1' };
const api = (status: number, headers: Record<string, string> = {}): ApiError =>
  apiErrorFor({ ...info, status, body: {}, headers, requestId: undefined });

const newScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });

/** The real policy on the test scheduler's clock, zero jitter. */
const policyOn = (scheduler: TestScheduler, maxRetryAfterMs = 60_000): RetryPolicy => ({
  maxRetryAfterMs,
  now: () => scheduler.now(),
  random: () => 0,
});

/** retryWithPolicy with the real policy on the test clock (zero jitter), recording each scheduled retry in `retries`. */
const onClock = <T>(
  scheduler: TestScheduler,
  { maxRetries = 0, maxRateLimitWaitMs = 120_000, retries }: { maxRetries?: number; maxRateLimitWaitMs?: number; retries?: ScheduledRetry[] } = {},
) =>
  retryWithPolicy<T>({
    maxRetries,
    maxRateLimitWaitMs,
    decide: (e, i) => decideRetry(e, i, policyOn(scheduler)),
    ...(retries !== undefined ? { onRetry: (r: ScheduledRetry) => void retries.push(r) } : {}),
    scheduler,
  });

describe('retryWithPolicy', () => {
  it('re-subscribes after each retryable failure, waiting the backoff for retry n, then gives up with the last error', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const attempt = cold('-#', undefined, api(503));
      const retries: ScheduledRetry[] = [];
      const result = attempt.pipe(
        retryWithPolicy({
          maxRetries: 2,
          maxRateLimitWaitMs: 120_000,
          decide: (e, n) => decideRetry(e, n, policyOn(scheduler)),
          onRetry: (r) => retries.push(r),
          scheduler,
        }),
      );
      // attempt 1 fails at 1, waits 500; attempt 2 fails at 502, waits 1000; attempt 3 fails at 1503
      expectObservable(result).toBe('1503ms #', undefined, api(503));
      expectSubscriptions(attempt.subscriptions).toBe(['^!', '501ms ^!', '1502ms ^!']);
      scheduler.flush();
      expect(retries).to.deep.equal([
        { retry: true, reason: 'status-5xx', delayMs: 500, status: 503, attempt: 1, rateLimitWaitedMs: 0 },
        { retry: true, reason: 'status-5xx', delayMs: 1000, status: 503, attempt: 2, rateLimitWaitedMs: 0 },
      ]);
    });
  });

  it('waits what retry-after-ms, Retry-After seconds and a Retry-After date ask for', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const failures = [
        api(429, { 'retry-after-ms': '300' }),
        api(503, { 'retry-after': '2' }),
        api(429, { 'retry-after': new Date(4000).toUTCString() }),
      ];
      let n = 0;
      const attempt = defer(() => (n < 3 ? cold('#', undefined, failures[n++]) : cold('(a|)')));
      const result = attempt.pipe(
        onClock(scheduler, { maxRetries: 3 }),
      );
      // fails at 0 → wait 300; fails at 300 → wait 2000; fails at 2300 → wait until the date (4000); succeeds
      expectObservable(result).toBe('4000ms (a|)');
    });
  });

  it('falls back to backoff when the server asks for more than maxRetryAfterMs', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      let n = 0;
      const attempt = defer(() =>
        n++ === 0 ? cold('#', undefined, api(429, { 'retry-after': '30' })) : cold('(a|)'),
      );
      const result = attempt.pipe(
        retryWithPolicy({
          maxRetries: 2,
          maxRateLimitWaitMs: 120_000,
          decide: (e, i) => decideRetry(e, i, policyOn(scheduler, 10_000)),
          scheduler,
        }),
      );
      expectObservable(result).toBe('500ms (a|)');
    });
  });

  it('passes a non-retryable error straight through without waiting', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const attempt = cold('--#', undefined, api(404));
      const retries: ScheduledRetry[] = [];
      const result = attempt.pipe(
        onClock(scheduler, { maxRetries: 5, retries }),
      );
      expectObservable(result).toBe('--#', undefined, api(404));
      expectSubscriptions(attempt.subscriptions).toBe('^-!');
      scheduler.flush();
      expect(retries).to.deep.equal([]);
    });
  });

  it('honours x-should-retry: false on a 503 and x-should-retry: true on a 400', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const decide = (e: unknown, i: number) => decideRetry(e, i, policyOn(scheduler));
      const no = cold('#', undefined, api(503, { 'x-should-retry': 'false' }));
      expectObservable(no.pipe(retryWithPolicy({ maxRetries: 2, maxRateLimitWaitMs: 120_000, decide, scheduler }))).toBe(
        '#',
        undefined,
        api(503, { 'x-should-retry': 'false' }),
      );
      let n = 0;
      const yes = defer(() =>
        n++ === 0 ? cold('#', undefined, api(400, { 'x-should-retry': 'true' })) : cold('(a|)'),
      );
      expectObservable(yes.pipe(retryWithPolicy({ maxRetries: 2, maxRateLimitWaitMs: 120_000, decide, scheduler }))).toBe(
        '500ms (a|)',
      );
    });
  });

  describe('429s with a server-directed wait', () => {
    it('go again without counting against maxRetries, until their waits together pass maxRateLimitWaitMs', () => {
      const scheduler = newScheduler();
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const limited = api(429, { 'retry-after': '1' });
        const attempt = cold('#', undefined, limited);
        const retries: ScheduledRetry[] = [];
        const result = attempt.pipe(
          onClock(scheduler, { maxRateLimitWaitMs: 3500, retries }),
        );
        // three waits of 1 s fit in 3.5 s; a fourth would not: the 429 goes through at 3000
        expectObservable(result).toBe('3000ms #', undefined, limited);
        expectSubscriptions(attempt.subscriptions).toBe([
          '(^!)',
          '1000ms (^!)',
          '2000ms (^!)',
          '3000ms (^!)',
        ]);
        scheduler.flush();
        expect(retries.map((r) => [r.attempt, r.rateLimited, r.rateLimitWaitedMs])).to.deep.equal([
          [1, true, 1000],
          [2, true, 2000],
          [3, true, 3000],
        ]);
      });
    });

    it("count the time the attempts after them take (the client's pacing) against maxRateLimitWaitMs, not the server's waits alone", () => {
      const scheduler = newScheduler();
      scheduler.run(({ cold, expectObservable }) => {
        const limited = api(429, { 'retry-after': '1' });
        let n = 0;
        // every attempt after the first is held 400 ms before it is answered (as the shared gate paces it)
        const attempt = defer(() => (n++ === 0 ? cold('#', undefined, limited) : cold('400ms #', undefined, limited)));
        const retries: ScheduledRetry[] = [];
        const result = attempt.pipe(
          onClock(scheduler, { maxRateLimitWaitMs: 3500, retries }),
        );
        // waited 1400 ms by the second 429 and 2800 by the third: a third wait of 1 s would pass 3.5 s
        expectObservable(result).toBe('2800ms #', undefined, limited);
        scheduler.flush();
        expect(retries.map((r) => r.rateLimitWaitedMs)).to.deep.equal([1000, 2400]);
      });
    });

    it('leave the ordinary retries to the failures that are not such 429s, with backoff from retry 0', () => {
      const scheduler = newScheduler();
      scheduler.run(({ cold, expectObservable }) => {
        const failures = [api(429, { 'retry-after-ms': '100' }), api(503), api(429, { 'retry-after-ms': '100' })];
        let n = 0;
        const attempt = defer(() => (n < 3 ? cold('#', undefined, failures[n++]) : cold('(a|)')));
        const result = attempt.pipe(
          onClock(scheduler, { maxRetries: 1 }),
        );
        // 100 (429) + 500 (the one retry of the 503, backoff of retry 0) + 100 (429)
        expectObservable(result).toBe('700ms (a|)');
      });
    });

    it('count as ordinary retries when the wait is not usable (above maxRetryAfterMs)', () => {
      const scheduler = newScheduler();
      scheduler.run(({ cold, expectObservable }) => {
        const tooLong = api(429, { 'retry-after': '90' });
        const result = cold('#', undefined, tooLong).pipe(
          onClock(scheduler, { maxRetries: 1 }),
        );
        expectObservable(result).toBe('500ms #', undefined, tooLong);
      });
    });
  });

  it('does not retry at all with maxRetries 0', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const attempt = cold('#', undefined, new ConnectionError(info, 'ECONNREFUSED'));
      expectObservable(
        attempt.pipe(
          onClock(scheduler),
        ),
      ).toBe('#', undefined, new ConnectionError(info, 'ECONNREFUSED'));
      expectSubscriptions(attempt.subscriptions).toBe('(^!)');
    });
  });

  it('cancels a pending wait on unsubscribe: no further attempt', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const attempt = cold('-#', undefined, api(503));
      const result = attempt.pipe(
        onClock(scheduler, { maxRetries: 2 }),
      );
      expectObservable(result, '^ 300ms !').toBe('');
      expectSubscriptions(attempt.subscriptions).toBe('^!');
    });
  });

  it('passes values and completion of a successful attempt through, never and empty included', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const cfg = { maxRetries: 2, maxRateLimitWaitMs: 120_000, decide: () => ({ retry: false }) as const, scheduler };
      expectObservable(cold('-a-b|').pipe(retryWithPolicy(cfg))).toBe('-a-b|');
      expectObservable(cold('|').pipe(retryWithPolicy(cfg))).toBe('|');
      expectObservable(cold('-').pipe(retryWithPolicy(cfg))).toBe('-');
    });
  });

  it('keeps the error identity after the last retry (the caller sees the real ApiError)', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold }) => {
      const err = api(404);
      let seen: unknown;
      cold('#', undefined, err)
        .pipe(
          onClock(scheduler, { maxRetries: 1 }),
        )
        .subscribe({ error: (e: unknown) => (seen = e) });
      scheduler.flush();
      expect(seen).to.equal(err);
      expect(seen).to.be.instanceOf(NotFoundError);
    });
  });
});
