import { expect } from 'chai';
import { of, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ConnectionError } from '../../lib/errors';
import { withResponseListener } from '../../lib/http/response-listener';
import { REDACTED, registerSecret } from '../../lib/internal/redaction';
import type { ResponseEvent } from '../../lib/types';
import { attemptOf, call, raw, recordingLog } from './pieces';

describe('withResponseListener', () => {
  it('tells the listener of each response with its attempt and its time from the release', () => {
    const scheduler = new TestScheduler((a, e) => void expect(a).to.deep.equal(e));
    const events: ResponseEvent[] = [];
    scheduler.run(({ cold, expectObservable }) => {
      const { log } = recordingLog();
      const exchange = withResponseListener(
        (e) => events.push(e),
        log,
        scheduler,
      )(() => cold('40ms (r|)', { r: raw(503, 'busy', { 'x-request-id': 'req_1' }) }));
      expectObservable(exchange(attemptOf(call(), 2, 0))).toBe('40ms (r|)', {
        r: raw(503, 'busy', { 'x-request-id': 'req_1' }),
      });
    });
    expect(events).to.deep.equal([
      {
        method: 'GET',
        path: '/v1/groups/grp_1',
        status: 503,
        headers: { 'x-request-id': 'req_1' },
        requestId: 'req_1',
        attempt: 2,
        durationMs: 40,
      },
    ]);
  });

  it('replaces the API key wherever the server echoed it', () => {
    const key = 'vc_listener_spec_secret';
    registerSecret(key);
    const events: ResponseEvent[] = [];
    const { log } = recordingLog();
    withResponseListener((e) => events.push(e), log, {
      now: () => 0,
      schedule: () => {
        throw new Error('no timers');
      },
    })(() => of(raw(401, '', { 'x-request-id': key, echo: `Bearer ${key}` })))(
      attemptOf(call()),
    ).subscribe();
    expect(events[0]).to.deep.include({
      requestId: REDACTED,
      headers: { 'x-request-id': REDACTED, echo: `Bearer ${REDACTED}` },
    });
  });

  it('is told nothing when no response came, and survives a listener that throws (logging it)', () => {
    const { lines, log } = recordingLog('warn');
    let told = 0;
    const listener = withResponseListener(
      () => {
        told += 1;
        throw new Error('broken');
      },
      log,
      {
        now: () => 0,
        schedule: () => {
          throw new Error('no timers');
        },
      },
    );
    let error: unknown;
    listener(() => throwError(() => new ConnectionError(call().info, 'reset')))(
      attemptOf(call()),
    ).subscribe({ error: (e: unknown) => (error = e) });
    expect(error).to.be.instanceOf(ConnectionError);
    expect(told).to.equal(0);
    let value: unknown;
    listener(() => of(raw(200)))(attemptOf(call())).subscribe((v) => (value = v));
    expect(value).to.deep.equal(raw(200));
    expect(lines.some((l) => l.includes('onResponse threw: broken'))).to.equal(true);
  });
});
