import { expect } from 'chai';
import fc from 'fast-check';
import {
  AbortError,
  apiErrorFor,
  ConnectionError,
  DecodeError,
  TimeoutError,
  ValidationError,
  type ApiError,
} from '../../lib/errors';
import {
  backoffDelayMs,
  decideRetry,
  retryReason,
  serverDirectedDelayMs,
  type RetryPolicy,
} from '../../lib/http/retry-policy';

const info = { method: 'GET', path: '/v1/groups' };
const NOW = Date.UTC(2026, 0, 15, 10, 30, 0);
const policy: RetryPolicy = { maxRetryAfterMs: 60_000, now: () => NOW, random: () => 0 };

const api = (status: number, headers: Record<string, string> = {}): ApiError =>
  apiErrorFor({ ...info, status, body: {}, headers, requestId: undefined });

describe('retryReason', () => {
  it('retries connection errors and timeouts', () => {
    expect(retryReason(new ConnectionError(info, 'ECONNRESET'))).to.equal('connection');
    expect(retryReason(new TimeoutError(info, 10))).to.equal('timeout');
  });

  it('retries 408, 409, 429 and every status >= 500', () => {
    expect(retryReason(api(408))).to.equal('status-408');
    expect(retryReason(api(409))).to.equal('status-409');
    expect(retryReason(api(429))).to.equal('status-429');
    for (const status of [500, 502, 503, 504, 599])
      expect(retryReason(api(status))).to.equal('status-5xx');
  });

  it('does not retry other 4xx statuses, decode, validation or abort errors', () => {
    for (const status of [400, 401, 403, 404, 405, 410, 422])
      expect(retryReason(api(status)), String(status)).to.equal(undefined);
    expect(retryReason(new DecodeError({ ...info, codec: 'Group' }, [], {}))).to.equal(undefined);
    expect(retryReason(new ValidationError('x', []))).to.equal(undefined);
    expect(retryReason(new AbortError(info))).to.equal(undefined);
    expect(retryReason(new Error('boom'))).to.equal(undefined);
  });

  it('lets x-should-retry: true retry any status and x-should-retry: false stop any', () => {
    expect(retryReason(api(400, { 'x-should-retry': 'true' }))).to.equal('x-should-retry');
    expect(retryReason(api(503, { 'x-should-retry': 'true' }))).to.equal('status-5xx');
    expect(retryReason(api(503, { 'x-should-retry': 'false' }))).to.equal(undefined);
    expect(retryReason(api(429, { 'x-should-retry': 'false' }))).to.equal(undefined);
    expect(retryReason(api(404, { 'x-should-retry': 'maybe' }))).to.equal(undefined);
  });
});

describe('serverDirectedDelayMs', () => {
  it('prefers retry-after-ms over Retry-After', () => {
    expect(
      serverDirectedDelayMs({ 'retry-after-ms': '1500', 'retry-after': '9' }, policy),
    ).to.equal(1500);
  });

  it('reads Retry-After as seconds', () => {
    expect(serverDirectedDelayMs({ 'retry-after': '2' }, policy)).to.equal(2000);
    expect(serverDirectedDelayMs({ 'retry-after': '0.5' }, policy)).to.equal(500);
  });

  it('reads Retry-After as an HTTP date relative to the injected clock', () => {
    expect(
      serverDirectedDelayMs({ 'retry-after': new Date(NOW + 3000).toUTCString() }, policy),
    ).to.equal(3000);
  });

  it('falls back to Retry-After when retry-after-ms is unusable', () => {
    expect(serverDirectedDelayMs({ 'retry-after-ms': '0', 'retry-after': '3' }, policy)).to.equal(
      3000,
    );
    expect(
      serverDirectedDelayMs({ 'retry-after-ms': 'soon', 'retry-after': '3' }, policy),
    ).to.equal(3000);
  });

  it('ignores waits of 0, in the past, above maxRetryAfterMs or unreadable', () => {
    expect(serverDirectedDelayMs({ 'retry-after': '0' }, policy)).to.equal(undefined);
    expect(
      serverDirectedDelayMs({ 'retry-after': new Date(NOW - 5000).toUTCString() }, policy),
    ).to.equal(undefined);
    expect(serverDirectedDelayMs({ 'retry-after': '61' }, policy)).to.equal(undefined);
    expect(serverDirectedDelayMs({ 'retry-after-ms': '60001' }, policy)).to.equal(undefined);
    expect(serverDirectedDelayMs({ 'retry-after': 'tomorrow-ish' }, policy)).to.equal(undefined);
    expect(serverDirectedDelayMs({ 'retry-after': '-1' }, policy)).to.equal(undefined);
    expect(serverDirectedDelayMs({}, policy)).to.equal(undefined);
  });

  it('honours exactly maxRetryAfterMs and not one millisecond more', () => {
    const tight = { ...policy, maxRetryAfterMs: 2000 };
    expect(serverDirectedDelayMs({ 'retry-after': '2' }, tight)).to.equal(2000);
    expect(serverDirectedDelayMs({ 'retry-after-ms': '2001' }, tight)).to.equal(undefined);
  });
});

describe('backoffDelayMs', () => {
  it('doubles from 0.5 s and caps at 8 s', () => {
    expect([0, 1, 2, 3, 4, 5, 10].map((n) => backoffDelayMs(n, () => 0))).to.deep.equal([
      500, 1000, 2000, 4000, 8000, 8000, 8000,
    ]);
  });

  it('jitters down by at most 25%', () => {
    expect(backoffDelayMs(0, () => 0.5)).to.equal(437.5);
    fc.assert(
      fc.property(
        fc.nat(30),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (n, r) => {
          const d = backoffDelayMs(n, () => r);
          const base = Math.min(500 * 2 ** n, 8000);
          return d <= base && d >= base * 0.75;
        },
      ),
    );
  });
});

describe('decideRetry', () => {
  it('uses the server-directed wait when there is one, and marks a 429 with one as rateLimited (not a counted retry)', () => {
    expect(decideRetry(api(429, { 'retry-after': '2' }), 0, policy)).to.deep.equal({
      retry: true,
      reason: 'status-429',
      delayMs: 2000,
      status: 429,
      rateLimited: true,
    });
    expect(decideRetry(api(503, { 'retry-after-ms': '250' }), 1, policy)).to.deep.equal({
      retry: true,
      reason: 'status-5xx',
      delayMs: 250,
      status: 503,
    });
  });

  it('uses the jittered backoff for retry n otherwise', () => {
    expect(decideRetry(api(503), 0, policy)).to.deep.equal({
      retry: true,
      reason: 'status-5xx',
      delayMs: 500,
      status: 503,
    });
    expect(decideRetry(api(429, { 'retry-after': '120' }), 2, policy)).to.deep.include({
      delayMs: 2000,
    });
    expect(
      decideRetry(new ConnectionError(info, 'x'), 3, { ...policy, random: () => 0.4 }),
    ).to.deep.equal({
      retry: true,
      reason: 'connection',
      delayMs: 4000 * 0.9,
    });
  });

  it('refuses what is not retryable', () => {
    expect(decideRetry(api(404), 0, policy)).to.deep.equal({ retry: false });
  });
});
