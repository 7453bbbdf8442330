import { expect } from 'chai';
import { defer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { apiErrorFor } from '../../lib/errors';
import { REDACTED, registerSecret } from '../../lib/internal/redaction';
import { retryCall } from '../../lib/http/retry-call';
import type { RetryEvent } from '../../lib/types';
import { call, recordingLog } from './pieces';

const api = (status: number, headers: Record<string, string> = {}) =>
  apiErrorFor({
    method: 'GET',
    path: '/v1/groups/grp_1',
    status,
    body: {},
    headers,
    requestId: undefined,
  });

describe('retryCall', () => {
  it("retries with the client's policy and the call's maxRetries, logging each retry and telling onRetry", () => {
    const scheduler = new TestScheduler((a, e) => void expect(a).to.deep.equal(e));
    const events: RetryEvent[] = [];
    const { lines, log } = recordingLog('warn');
    scheduler.run(({ cold, expectObservable }) => {
      let n = 0;
      const attempt = defer(() => (n++ < 2 ? cold('#', undefined, api(503)) : cold('(a|)')));
      const retry = retryCall({
        policy: { maxRetryAfterMs: 60_000, now: () => 0, random: () => 0 },
        maxRateLimitWaitMs: 120_000,
        onRetry: (e) => events.push(e),
        log,
        scheduler,
      });
      expectObservable(attempt.pipe(retry(call({ maxRetries: 2 })))).toBe('1500ms (a|)');
    });
    expect(events).to.deep.equal([
      {
        attempt: 1,
        reason: 'status-5xx',
        delayMs: 500,
        method: 'GET',
        path: '/v1/groups/grp_1',
        status: 503,
      },
      {
        attempt: 2,
        reason: 'status-5xx',
        delayMs: 1000,
        method: 'GET',
        path: '/v1/groups/grp_1',
        status: 503,
      },
    ]);
    expect(lines).to.deep.equal([
      'warn [vitable-connect-rx] retrying GET /v1/groups/grp_1 in 500 ms (retry 1 of 2, status-5xx)',
      'warn [vitable-connect-rx] retrying GET /v1/groups/grp_1 in 1000 ms (retry 2 of 2, status-5xx)',
    ]);
  });

  it('logs a rate-limit wait with the share of maxRateLimitWaitMs used, and survives an onRetry that throws', () => {
    const scheduler = new TestScheduler((a, e) => void expect(a).to.deep.equal(e));
    const { lines, log } = recordingLog('warn');
    scheduler.run(({ cold, expectObservable }) => {
      let n = 0;
      const attempt = defer(() =>
        n++ < 1 ? cold('#', undefined, api(429, { 'retry-after': '1' })) : cold('(a|)'),
      );
      const retry = retryCall({
        policy: { maxRetryAfterMs: 60_000, now: () => 0, random: () => 0 },
        maxRateLimitWaitMs: 120_000,
        onRetry: () => {
          throw new Error('listener broke');
        },
        log,
        scheduler,
      });
      expectObservable(attempt.pipe(retry(call({ maxRetries: 0 })))).toBe('1000ms (a|)');
    });
    expect(lines).to.deep.equal([
      'warn [vitable-connect-rx] rate limited: GET /v1/groups/grp_1 goes again in 1000 ms (1000 of 120000 ms of 429 waits used)',
      'warn [vitable-connect-rx] onRetry threw: listener broke',
    ]);
  });

  it('never puts the API key in an onRetry payload, even in the path', () => {
    const key = 'vc_retry_call_spec_key';
    registerSecret(key);
    const scheduler = new TestScheduler((a, e) => void expect(a).to.deep.equal(e));
    const events: RetryEvent[] = [];
    scheduler.run(({ cold }) => {
      let n = 0;
      const attempt = defer(() => (n++ < 1 ? cold('#', undefined, api(503)) : cold('(a|)')));
      const retry = retryCall({
        policy: { maxRetryAfterMs: 60_000, now: () => 0, random: () => 0 },
        maxRateLimitWaitMs: 120_000,
        onRetry: (e) => events.push(e),
        log: recordingLog('off').log,
        scheduler,
      });
      attempt.pipe(retry(call({ info: { method: 'GET', path: `/v1/groups/${key}` } }))).subscribe();
    });
    expect(events[0]!.path).to.equal(`/v1/groups/${REDACTED}`);
  });
});
