import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type FakeTimers from '@sinonjs/fake-timers';
import axios, { type InternalAxiosRequestConfig } from 'axios';
import { expect } from 'chai';
import nock from 'nock';
import { lastValueFrom, retry, type Observable } from 'rxjs';
import {
  AbortError,
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  DecodeError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  TimeoutError,
  UnprocessableEntityError,
  ValidationError,
  VitableError,
} from '../../lib/errors';
import type { ResponseEvent, RetryEvent } from '../../lib/types';
import {
  API,
  KEY,
  collect,
  group,
  idle,
  installClock,
  member,
  recorder,
  recordingAxios,
  recordingLogger,
  runQuietly,
  testClient,
  waitFor,
  type Seen,
} from './fixtures';

const VERSION: string = (
  JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;

/** An axios instance that records the AbortSignal of every request it sends. */
const signalRecordingAxios = () => {
  const instance = axios.create();
  const signals: AbortSignal[] = [];
  instance.interceptors.request.use((config: InternalAxiosRequestConfig) => {
    if (config.signal instanceof AbortSignal) signals.push(config.signal);
    return config;
  });
  return { instance, signals };
};

const created = (): Record<string, unknown> => ({ data: group(1) });

describe('makeHttp (the request pipeline, through the client)', () => {
  describe('headers', () => {
    it('sends Authorization, Accept and User-Agent on every request, and no body headers on a GET', async () => {
      const { seen, answer } = recorder();
      nock(API)
        .get('/v1/groups/grp_1')
        .reply(answer(200, { data: group(1) }));
      await lastValueFrom(testClient().groups.retrieve('grp_1'));
      expect(seen).to.have.length(1);
      const h = seen[0]!.headers;
      expect(h['authorization']).to.equal(`Bearer ${KEY}`);
      expect(h['accept']).to.equal('application/json');
      expect(h['user-agent']).to.equal(`vitable-connect-rx/${VERSION}`);
      expect(VERSION).to.match(/^\d+\.\d+\.\d+/);
      expect(h).not.to.have.property('content-type');
      expect(h).not.to.have.property('idempotency-key');
    });

    it('merges defaultHeaders and per-request headers, the request winning case-insensitively', async () => {
      const { seen, answer } = recorder();
      nock(API)
        .get('/v1/groups/grp_1')
        .reply(answer(200, { data: group(1) }));
      const client = testClient({ defaultHeaders: { 'X-Team': 'hr', 'X-Trace': 'default' } });
      await lastValueFrom(client.groups.retrieve('grp_1', { headers: { 'x-trace': 'per-call' } }));
      expect(seen[0]!.headers).to.include({
        'x-team': 'hr',
        'x-trace': 'per-call',
        authorization: `Bearer ${KEY}`,
      });
    });
    it('keeps per-call headers and keys to their own call: the next request of the client sends only its own', async () => {
      const { seen, answer } = recorder();
      const scope = nock(API)
        .get('/v1/groups/grp_1')
        .times(2)
        .reply(answer(200, { data: group(1) }))
        .post('/v1/groups')
        .times(2)
        .reply(answer(201, { data: group(1) }));
      let keys = 0;
      const client = testClient(
        { defaultHeaders: { 'X-Team': 'hr' } },
        { newIdempotencyKey: () => `key-${++keys}` },
      );
      const params = { name: 'G', external_reference_id: 'ext_1' };
      await lastValueFrom(client.groups.retrieve('grp_1', { headers: { 'X-Trace': 'one' } }));
      await lastValueFrom(client.groups.create(params, { headers: { 'X-Trace': 'two' } }));
      await lastValueFrom(client.groups.create(params));
      await lastValueFrom(client.groups.retrieve('grp_1'));
      expect(scope.isDone()).to.equal(true);
      const pick = (h: Record<string, string>) => ({
        trace: h['x-trace'],
        key: h['idempotency-key'],
        type: h['content-type'],
        team: h['x-team'],
      });
      expect(seen.map((s) => `${s.method} ${s.path}`)).to.deep.equal([
        'GET /v1/groups/grp_1',
        'POST /v1/groups',
        'POST /v1/groups',
        'GET /v1/groups/grp_1',
      ]);
      expect(seen.map((s) => pick(s.headers))).to.deep.equal([
        { trace: 'one', key: undefined, type: undefined, team: 'hr' },
        { trace: 'two', key: 'key-1', type: 'application/json', team: 'hr' },
        { trace: undefined, key: 'key-2', type: 'application/json', team: 'hr' },
        { trace: undefined, key: undefined, type: undefined, team: 'hr' },
      ]);
    });
  });

  describe('cold semantics', () => {
    it('sends nothing before subscription and one request per subscription', async () => {
      const { seen, answer } = recorder();
      nock(API)
        .get('/v1/groups/grp_1')
        .times(2)
        .reply(answer(200, { data: group(1) }));
      const retrieve$ = testClient().groups.retrieve('grp_1');
      await idle();
      expect(seen).to.have.length(0);
      await lastValueFrom(retrieve$);
      expect(seen).to.have.length(1);
      await lastValueFrom(retrieve$);
      expect(seen).to.have.length(2);
    });
  });

  describe('on a virtual clock', () => {
    let clock: FakeTimers.InstalledClock;
    beforeEach(() => (clock = installClock()));
    afterEach(() => clock.uninstall());

    it('aborts the request in flight when unsubscribed during a delayed reply, and no retry follows', async () => {
      const { seen, answer } = recorder();
      const first = nock(API)
        .get('/v1/groups/grp_1')
        .delay(5000)
        .reply(answer(200, { data: group(1) }));
      const retryInterceptor = nock(API)
        .get('/v1/groups/grp_1')
        .reply(200, { data: group(1) });
      const { instance, signals } = signalRecordingAxios();
      const retries: RetryEvent[] = [];
      const r = collect(
        testClient({ axios: instance, onRetry: (e) => retries.push(e) }).groups.retrieve('grp_1'),
      );
      await waitFor(() => first.isDone(), 'the request to reach nock');
      await clock.tickAsync(1000);
      expect(signals).to.have.length(1);
      expect(signals[0]!.aborted).to.equal(false);
      r.subscription.unsubscribe();
      expect(signals[0]!.aborted).to.equal(true);
      await clock.tickAsync(60_000);
      await idle();
      expect(r.values).to.deep.equal([]);
      expect(r.error).to.equal(undefined);
      expect(r.completed).to.equal(false);
      expect(retries).to.deep.equal([]);
      expect(signals).to.have.length(1);
      expect(retryInterceptor.isDone()).to.equal(false);
      void seen;
    });

    it('times an attempt out after timeoutMs (aborting it), retries, and errors with TimeoutError at the end', async () => {
      nock(API)
        .get('/v1/groups/grp_1')
        .times(2)
        .delay(120_000)
        .reply(200, { data: group(1) });
      const { instance, signals } = signalRecordingAxios();
      const retries: RetryEvent[] = [];
      const r = collect(
        testClient({
          axios: instance,
          timeoutMs: 1000,
          maxRetries: 1,
          onRetry: (e) => retries.push(e),
        }).groups.retrieve('grp_1'),
      );
      await waitFor(() => signals.length === 1, 'attempt 1');
      await clock.tickAsync(999);
      expect(r.error).to.equal(undefined);
      await clock.tickAsync(1);
      expect(signals[0]!.aborted).to.equal(true);
      expect(retries).to.deep.equal([
        { attempt: 1, reason: 'timeout', delayMs: 500, method: 'GET', path: '/v1/groups/grp_1' },
      ]);
      await clock.tickAsync(500);
      await waitFor(() => signals.length === 2, 'attempt 2');
      await clock.tickAsync(1000);
      expect(r.error).to.be.instanceOf(TimeoutError);
      expect((r.error as TimeoutError).timeoutMs).to.equal(1000);
      expect(signals[1]!.aborted).to.equal(true);
    });

    it('honours RequestOptions.timeoutMs and maxRetries over the client defaults', async () => {
      nock(API)
        .get('/v1/groups/grp_1')
        .delay(120_000)
        .reply(200, { data: group(1) });
      const r = collect(
        testClient({ timeoutMs: 60_000, maxRetries: 5 }).groups.retrieve('grp_1', {
          timeoutMs: 50,
          maxRetries: 0,
        }),
      );
      await waitFor(() => nock.pendingMocks().length === 0 || r.error !== undefined, 'the request');
      await clock.tickAsync(50);
      await waitFor(() => r.error !== undefined, 'the timeout');
      expect(r.error).to.be.instanceOf(TimeoutError);
    });

    it('retries 5xx with backoff 0.5 s, 1 s and reports each retry to onRetry', async () => {
      const { seen, answer } = recorder();
      nock(API)
        .get('/v1/groups/grp_1')
        .times(2)
        .reply(answer(503, { error: { message: 'busy' } }));
      nock(API)
        .get('/v1/groups/grp_1')
        .reply(answer(200, { data: group(1) }));
      const retries: RetryEvent[] = [];
      const r = collect(testClient({ onRetry: (e) => retries.push(e) }).groups.retrieve('grp_1'));
      await waitFor(() => retries.length === 1, 'retry 1');
      await clock.tickAsync(499);
      expect(seen).to.have.length(1);
      await clock.tickAsync(1);
      await waitFor(() => retries.length === 2, 'retry 2');
      await clock.tickAsync(1000);
      await r.done;
      expect(r.values).to.deep.equal([group(1)]);
      expect(seen.map((s) => s.at - seen[0]!.at)).to.deep.equal([0, 500, 1500]);
      expect(retries).to.deep.equal([
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
    });

    it('gives up after maxRetries with the last error, its class and request id', async () => {
      const scope = nock(API)
        .get('/v1/groups/grp_1')
        .times(4)
        .reply(502, 'bad gateway', { 'x-request-id': 'req_502' });
      const retries: RetryEvent[] = [];
      const r = collect(
        testClient({ maxRetries: 2, onRetry: (e) => retries.push(e) }).groups.retrieve('grp_1'),
      );
      await waitFor(() => retries.length === 1, 'retry 1');
      await clock.tickAsync(500);
      await waitFor(() => retries.length === 2, 'retry 2');
      await clock.tickAsync(1000);
      await r.done;
      expect(retries).to.have.length(2);
      expect(scope.pendingMocks()).to.have.length(1); // 3 of 4 used: no fourth attempt
      expect(r.error).to.be.instanceOf(InternalServerError);
      expect(r.error).to.include({ status: 502, body: 'bad gateway', requestId: 'req_502' });
    });

    it('retries connection errors', async () => {
      nock(API)
        .get('/v1/groups/grp_1')
        .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
      nock(API)
        .get('/v1/groups/grp_1')
        .reply(200, { data: group(1) });
      const retries: RetryEvent[] = [];
      const r = collect(testClient({ onRetry: (e) => retries.push(e) }).groups.retrieve('grp_1'));
      await waitFor(() => retries.length === 1, 'the retry');
      expect(retries[0]).to.deep.equal({
        attempt: 1,
        reason: 'connection',
        delayMs: 500,
        method: 'GET',
        path: '/v1/groups/grp_1',
      });
      await clock.tickAsync(500);
      await r.done;
      expect(r.values).to.deep.equal([group(1)]);
    });

    it('ends with ConnectionError when the connection keeps failing', async () => {
      nock(API)
        .get('/v1/groups/grp_1')
        .replyWithError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
      const r = collect(testClient({ maxRetries: 0 }).groups.retrieve('grp_1'));
      await r.done;
      expect(r.error).to.be.instanceOf(ConnectionError);
      expect((r.error as Error).message).to.contain('ECONNREFUSED');
    });

    for (const [status, reason] of [
      [408, 'status-408'],
      [409, 'status-409'],
      [429, 'status-429'],
      [500, 'status-5xx'],
    ] as const) {
      it(`retries a ${status}`, async () => {
        nock(API)
          .get('/v1/groups/grp_1')
          .reply(status, { error: { message: 'try again' } });
        nock(API)
          .get('/v1/groups/grp_1')
          .reply(200, { data: group(1) });
        const retries: RetryEvent[] = [];
        const r = collect(testClient({ onRetry: (e) => retries.push(e) }).groups.retrieve('grp_1'));
        await waitFor(() => retries.length === 1, 'the retry');
        expect(retries[0]).to.include({ reason, status, delayMs: 500 });
        await clock.tickAsync(500);
        await r.done;
        expect(r.values).to.have.length(1);
      });
    }

    it('does not retry a 4xx such as 404, nor a 503 with x-should-retry: false', async () => {
      nock(API)
        .get('/v1/groups/grp_1')
        .reply(404, { error: { message: 'no such group' } });
      nock(API).get('/v1/groups/grp_2').reply(503, 'down', { 'x-should-retry': 'false' });
      const retries: RetryEvent[] = [];
      const client = testClient({ onRetry: (e) => retries.push(e) });
      const a = collect(client.groups.retrieve('grp_1'));
      const b = collect(client.groups.retrieve('grp_2'));
      await Promise.all([a.done, b.done]);
      expect(a.error).to.be.instanceOf(NotFoundError);
      expect(b.error).to.be.instanceOf(InternalServerError);
      expect(retries).to.deep.equal([]);
    });

    it('retries a 400 that carries x-should-retry: true', async () => {
      nock(API).get('/v1/groups/grp_1').reply(400, 'transient', { 'x-should-retry': 'true' });
      nock(API)
        .get('/v1/groups/grp_1')
        .reply(200, { data: group(1) });
      const retries: RetryEvent[] = [];
      const r = collect(testClient({ onRetry: (e) => retries.push(e) }).groups.retrieve('grp_1'));
      await waitFor(() => retries.length === 1, 'the retry');
      expect(retries[0]).to.include({ reason: 'x-should-retry', status: 400 });
      await clock.tickAsync(500);
      await r.done;
      expect(r.values).to.have.length(1);
    });

    for (const [name, headers, expected] of [
      ['retry-after-ms', { 'retry-after-ms': '1234' }, 1234],
      ['Retry-After seconds', { 'retry-after': '3' }, 3000],
      ['Retry-After as an HTTP date', { 'retry-after': 'DATE+4000' }, 4000],
      ['Retry-After above maxRetryAfterMs (backoff instead)', { 'retry-after': '61' }, 500],
      ['Retry-After 0 (backoff instead)', { 'retry-after': '0' }, 500],
    ] as const) {
      it(`waits the delay chosen from ${name}`, async () => {
        const resolved: Record<string, string> = {};
        for (const [k, v] of Object.entries(headers))
          resolved[k] = v.startsWith('DATE+')
            ? new Date(Date.now() + Number(v.slice(5))).toUTCString()
            : v;
        const { seen, answer } = recorder();
        nock(API)
          .get('/v1/groups/grp_1')
          .reply(answer(503, 'wait', resolved));
        nock(API)
          .get('/v1/groups/grp_1')
          .reply(answer(200, { data: group(1) }));
        const retries: RetryEvent[] = [];
        const r = collect(testClient({ onRetry: (e) => retries.push(e) }).groups.retrieve('grp_1'));
        await waitFor(() => retries.length === 1, 'the retry');
        expect(retries[0]!.delayMs).to.equal(expected);
        await clock.tickAsync(expected - 1);
        expect(seen).to.have.length(1);
        await clock.tickAsync(1);
        await r.done;
        expect(seen.map((s: Seen) => s.at - seen[0]!.at)).to.deep.equal([0, expected]);
      });
    }

    it('shares one 429 gate: a Retry-After: 2 holds all three in-flight retries and any new request until 2 s have passed, then releases them paced', async () => {
      const { seen, record } = recorder();
      const answer = (status: number, headers: Record<string, string> = {}) =>
        function (this: nock.ReplyFnContext, path: string, body: nock.Body): nock.ReplyFnResult {
          record(this.req, path, body);
          return status === 200
            ? [200, { data: group(path.split('/').pop() ?? '') }]
            : [status, { error: { message: 'slow down' } }, headers];
        };
      nock(API)
        .get('/v1/groups/a')
        .reply(answer(429, { 'retry-after': '2' }));
      nock(API).get('/v1/groups/b').reply(answer(503));
      nock(API).get('/v1/groups/c').reply(answer(429));
      for (const id of ['a', 'b', 'c', 'd']) nock(API).get(`/v1/groups/${id}`).reply(answer(200));
      const retries: RetryEvent[] = [];
      const { instance, inFlight } = recordingAxios();
      const client = testClient({ axios: instance, onRetry: (e) => retries.push(e) });
      const t0 = Date.now();
      const calls = ['a', 'b', 'c'].map((id) => collect(client.groups.retrieve(id)));
      await waitFor(() => retries.length === 3, 'three retries');
      expect(retries.map((e) => [e.path, e.delayMs])).to.have.deep.members([
        ['/v1/groups/a', 2000],
        ['/v1/groups/b', 500],
        ['/v1/groups/c', 500],
      ]);
      await clock.tickAsync(1000);
      const late = collect(client.groups.retrieve('d'));
      await clock.tickAsync(999); // t0 + 1999
      await idle();
      expect(seen.map((s) => s.path)).to.deep.equal([
        '/v1/groups/a',
        '/v1/groups/b',
        '/v1/groups/c',
      ]);
      await runQuietly(clock, inFlight, ...calls, late);
      const afterGate = seen.slice(3);
      // in the order they came to the gate (a's retry waited 2 s, so it came last)
      expect(afterGate.map((s) => s.path)).to.deep.equal([
        '/v1/groups/b',
        '/v1/groups/c',
        '/v1/groups/d',
        '/v1/groups/a',
      ]);
      const at = afterGate.map((s) => s.at - t0);
      expect(at[0]).to.equal(2000);
      const gaps = at.slice(1).map((t, i) => t - at[i]!);
      // one at a time, never two at once, at the pace of the first cut (nothing admitted yet: 0.6 × one
      // request in 100 ms, a release every 167 ms), then faster as requests pass, never slower (by how
      // much it grows is AdaptiveRate's spec)
      expect(gaps[0]).to.equal(167);
      for (const [i, gap] of gaps.entries()) expect(gap).to.be.above(0).and.at.most(gaps[i - 1] ?? gaps[0]!);
      expect([...calls, late].map((c) => c.values.length)).to.deep.equal([1, 1, 1, 1]);
    });

    it('closes the gate on a 429 even when that request will not be retried', async () => {
      const { seen, answer } = recorder();
      nock(API)
        .get('/v1/groups/a')
        .reply(429, 'no', { 'retry-after-ms': '1500', 'x-should-retry': 'false' });
      nock(API)
        .get('/v1/groups/b')
        .reply(answer(200, { data: group('b') }));
      const client = testClient();
      const t0 = Date.now();
      const a = collect(client.groups.retrieve('a'));
      await a.done;
      expect(a.error).to.be.instanceOf(RateLimitError);
      const b = collect(client.groups.retrieve('b'));
      await idle();
      expect(seen).to.have.length(0);
      await clock.tickAsync(1500);
      await b.done;
      expect(seen[0]!.at - t0).to.equal(1500);
    });

    it('keeps one Idempotency-Key for a POST call across retries and re-subscriptions, and a new one per call', async () => {
      const { seen, answerEach } = recorder();
      nock(API)
        .post('/v1/groups')
        .times(5)
        .reply(answerEach([503, 'busy'], [201, created()]));
      const retries: RetryEvent[] = [];
      const client = testClient({ onRetry: (e) => retries.push(e) });
      const create$ = client.groups.create({ name: 'Tier 1', external_reference_id: 'seg_1' });
      const r = collect(create$);
      await waitFor(() => retries.length === 1, 'retry 1');
      await clock.tickAsync(500);
      await r.done;
      await lastValueFrom(create$); // re-subscription
      await lastValueFrom(client.groups.create({ name: 'Tier 1', external_reference_id: 'seg_1' })); // another call
      const keys = seen.map((s) => s.headers['idempotency-key']);
      expect(keys).to.have.length(4);
      expect(keys[0]).to.match(/^[0-9a-f-]{36}$/);
      expect(keys.slice(0, 3)).to.deep.equal([keys[0], keys[0], keys[0]]);
      expect(keys[3]).to.not.equal(keys[0]);
      // every attempt sends the same JSON bytes, with their length and type
      const sent = { name: 'Tier 1', external_reference_id: 'seg_1' };
      expect(seen.map((s) => s.body)).to.deep.equal([sent, sent, sent, sent]);
      for (const s of seen) {
        expect(s.headers['content-type']).to.equal('application/json');
        expect(s.headers['content-length']).to.equal(
          String(Buffer.byteLength(JSON.stringify(sent))),
        );
      }
    });
  });

  describe('idempotency keys', () => {
    it('reuses the key when an rxjs retry() re-subscribes after the client gave up', async () => {
      const { seen, answerEach } = recorder();
      nock(API)
        .post('/v1/groups')
        .times(2)
        .reply(answerEach([500, 'boom'], [201, created()]));
      const g = await lastValueFrom(
        testClient({ maxRetries: 0 })
          .groups.create({ name: 'Tier 1', external_reference_id: 'seg_1' })
          .pipe(retry(1)),
      );
      expect(g).to.deep.equal(group(1));
      expect(seen).to.have.length(2);
      expect(seen[1]!.headers['idempotency-key']).to.equal(seen[0]!.headers['idempotency-key']);
    });

    it('uses RequestOptions.idempotencyKey when given, and the injected key maker otherwise', async () => {
      const { seen, answer } = recorder();
      nock(API).post('/v1/groups').times(2).reply(answer(201, created()));
      let n = 0;
      const client = testClient({}, { newIdempotencyKey: () => `key-${++n}` });
      await lastValueFrom(
        client.groups.create(
          { name: 'a', external_reference_id: 'b' },
          { idempotencyKey: 'mine-1' },
        ),
      );
      await lastValueFrom(client.groups.create({ name: 'a', external_reference_id: 'b' }));
      expect(seen.map((s) => s.headers['idempotency-key'])).to.deep.equal(['mine-1', 'key-1']);
    });

    it('makes the key when the method is called, not when subscribed', () => {
      let n = 0;
      const client = testClient({}, { newIdempotencyKey: () => `key-${++n}` });
      client.groups.create({ name: 'a', external_reference_id: 'b' });
      client.members.sync.submit('grp_1', { members: [] });
      client.groups.retrieve('grp_1');
      expect(n).to.equal(2);
    });
  });

  describe('AbortSignal', () => {
    it('errors with AbortError and aborts the request when the signal fires', async () => {
      nock(API)
        .get('/v1/groups/grp_1')
        .delay(10_000)
        .reply(200, { data: group(1) });
      const { instance, signals } = signalRecordingAxios();
      const controller = new AbortController();
      const r = collect(
        testClient({ axios: instance }).groups.retrieve('grp_1', { signal: controller.signal }),
      );
      await waitFor(() => signals.length === 1, 'the request');
      controller.abort();
      expect(r.error).to.be.instanceOf(AbortError);
      expect(r.error).to.be.instanceOf(VitableError);
      expect(signals[0]!.aborted).to.equal(true);
    });

    it('errors at once without sending when the signal is already aborted', async () => {
      const scope = nock(API)
        .get('/v1/groups/grp_1')
        .reply(200, { data: group(1) });
      const r = collect(testClient().groups.retrieve('grp_1', { signal: AbortSignal.abort() }));
      expect(r.error).to.be.instanceOf(AbortError);
      await idle();
      expect(scope.isDone()).to.equal(false);
    });
  });

  describe('errors', () => {
    for (const [status, cls] of [
      [400, BadRequestError],
      [401, AuthenticationError],
      [403, PermissionDeniedError],
      [404, NotFoundError],
      [409, ConflictError],
      [422, UnprocessableEntityError],
      [429, RateLimitError],
      [500, InternalServerError],
      [503, InternalServerError],
      [418, ApiError],
    ] as const) {
      it(`maps ${status} to ${cls.name} with status, parsed body, headers and requestId`, async () => {
        const body = { error: { type: 'x', message: `problem ${status}` } };
        nock(API)
          .get('/v1/groups/grp_1')
          .reply(status, body, { 'x-request-id': `req_${status}`, 'x-should-retry': 'false' });
        const r = collect(testClient().groups.retrieve('grp_1'));
        await r.done;
        const err = r.error as ApiError;
        expect(err).to.be.instanceOf(cls);
        expect(err).to.be.instanceOf(ApiError);
        expect(err._tag).to.equal(cls.name);
        expect(err.status).to.equal(status);
        expect(err.requestId).to.equal(`req_${status}`);
        expect(err.body).to.deep.equal(body);
        expect(err.headers['x-request-id']).to.equal(`req_${status}`);
        expect(err.message)
          .to.contain(`GET /v1/groups/grp_1 failed with status ${status}`)
          .and.contain(`problem ${status}`);
      });
    }

    for (const given of [false, true])
      it(`answers a redirect as an ApiError with its Location, never following it${given ? ' (given axios instance)' : ''}`, async () => {
        const { seen, answer } = recorder();
        nock(API)
          .post('/v1/groups')
          .reply(answer(307, '', { location: 'https://elsewhere.test/v1/groups' }));
        const elsewhere = nock('https://elsewhere.test').post('/v1/groups').reply(201, created());
        const r = collect(
          testClient(given ? { axios: axios.create() } : {}).groups.create({
            name: 'Tier 1',
            external_reference_id: 'seg_1',
          }),
        );
        await r.done;
        const err = r.error as ApiError;
        expect(err).to.be.instanceOf(ApiError);
        expect(err.status).to.equal(307);
        expect(err.headers['location']).to.equal('https://elsewhere.test/v1/groups');
        expect(seen.map((s) => `${s.method} ${s.path}`)).to.deep.equal(['POST /v1/groups']);
        expect(elsewhere.isDone()).to.equal(false);
      });

    it('keeps a non-JSON error body as text', async () => {
      nock(API).get('/v1/groups/grp_1').reply(404, '<html>not found</html>');
      const r = collect(testClient().groups.retrieve('grp_1'));
      await r.done;
      expect((r.error as ApiError).body).to.equal('<html>not found</html>');
    });

    it('errors with DecodeError naming each failing path when a 2xx has the wrong shape', async () => {
      const bad = { data: { ...group(1), name: 42, created_at: undefined } };
      delete (bad.data as Record<string, unknown>)['organization_id'];
      nock(API).get('/v1/groups/grp_1').reply(200, bad, { 'x-request-id': 'req_dec' });
      const r = collect(testClient().groups.retrieve('grp_1'));
      await r.done;
      const err = r.error as DecodeError;
      expect(err).to.be.instanceOf(DecodeError);
      expect(err.issues.map((i) => i.path)).to.have.members([
        'data.organization_id',
        'data.name',
        'data.created_at',
      ]);
      expect(err.message)
        .to.contain('data.name')
        .and.contain('data.organization_id')
        .and.contain('request id req_dec');
      expect(err.requestId).to.equal('req_dec');
      expect(err.body).to.deep.equal(JSON.parse(JSON.stringify(bad)));
    });

    it('errors with DecodeError keeping the text when a 2xx body is not JSON, and does not retry it', async () => {
      const scope = nock(API).get('/v1/groups/grp_1').reply(200, 'OK!');
      const retries: RetryEvent[] = [];
      const r = collect(testClient({ onRetry: (e) => retries.push(e) }).groups.retrieve('grp_1'));
      await r.done;
      expect(r.error).to.be.instanceOf(DecodeError);
      expect((r.error as DecodeError).body).to.equal('OK!');
      expect((r.error as Error).message).to.contain('not JSON');
      expect(retries).to.deep.equal([]);
      expect(scope.isDone()).to.equal(true);
    });

    it('tolerates unknown fields and null timestamps', async () => {
      nock(API)
        .get('/v1/groups/grp_1')
        .reply(200, { data: { ...group(1), created_at: null, extra: true }, meta: 1 });
      const g = await lastValueFrom(testClient().groups.retrieve('grp_1'));
      expect(g).to.include({ id: 'grp_1', created_at: null });
    });
  });

  describe('secrets', () => {
    it('never shows the API key in message, String(err) or JSON.stringify(err), even when the server echoes it', async () => {
      nock(API)
        .get('/v1/groups/grp_1')
        .reply(
          401,
          { error: { message: `invalid key ${KEY}` }, echo: { authorization: `Bearer ${KEY}` } },
          { 'x-echo': KEY },
        );
      nock(API)
        .get('/v1/groups/grp_2')
        .reply(200, { data: { token: KEY } });
      const client = testClient();
      for (const id of ['grp_1', 'grp_2']) {
        const r = collect(client.groups.retrieve(id));
        await r.done;
        const err = r.error as VitableError;
        expect(err).to.be.instanceOf(VitableError);
        for (const text of [err.message, String(err), JSON.stringify(err), err.stack ?? ''])
          expect(text)
            .not.to.contain(KEY)
            .and.not.to.contain(KEY.slice(0, 12) + KEY.slice(12));
        expect(JSON.stringify(err)).to.contain('[REDACTED]');
      }
    });

    it('never logs the API key, at any level', async () => {
      const { lines, logger } = recordingLogger();
      nock(API)
        .get('/v1/groups/grp_1')
        .reply(401, { error: { message: `bad key ${KEY}` } });
      const r = collect(testClient({ logger, logLevel: 'debug' }).groups.retrieve('grp_1'));
      await r.done;
      expect(lines.length).to.be.greaterThan(1);
      for (const line of lines) expect(line).not.to.contain(KEY);
      expect(lines.some((l) => l.startsWith('debug') && l.includes('GET'))).to.equal(true);
      expect(lines.some((l) => l.startsWith('error') && l.includes('401'))).to.equal(true);
    });
  });

  describe('logging', () => {
    it('writes only lines at or above logLevel', async () => {
      const { lines, logger } = recordingLogger();
      nock(API).get('/v1/groups/grp_1').reply(404, 'nope');
      nock(API)
        .get('/v1/groups/grp_1')
        .reply(200, { data: group(1) });
      const client = testClient({ logger, logLevel: 'error' });
      await collect(client.groups.retrieve('grp_1')).done;
      await collect(client.groups.retrieve('grp_1')).done;
      expect(lines).to.have.length(1);
      expect(lines[0]).to.match(
        /^error \[vitable-connect-rx\] GET \/v1\/groups\/grp_1 failed with status 404/,
      );
      lines.length = 0;
      nock(API)
        .get('/v1/groups/grp_1')
        .reply(200, { data: group(1) });
      await collect(testClient({ logger }).groups.retrieve('grp_1')).done; // default: off
      expect(lines).to.deep.equal([]);
    });
  });

  describe('request options', () => {
    it('rejects bad RequestOptions with ValidationError and sends nothing', async () => {
      const scope = nock(API)
        .get('/v1/groups/grp_1')
        .reply(200, { data: group(1) });
      const client = testClient();
      const bad: unknown[] = [
        'fast',
        { timeoutMs: -1 },
        { timeoutMs: 'soon' },
        { maxRetries: 1.5 },
        { maxRetries: -1 },
        { idempotencyKey: '' },
        { headers: { 'X-A': 1 } },
        { headers: { 'X-A': 'a\r\nInjected: 1' } },
        { headers: { 'bad name': 'x' } },
        { signal: 'abort' },
      ];
      for (const options of bad) {
        const r = collect(client.groups.retrieve('grp_1', options as never));
        expect(r.error, JSON.stringify(options)).to.be.instanceOf(ValidationError);
        expect((r.error as ValidationError).issues[0]!.path).to.match(/^options/);
      }
      await idle();
      expect(scope.isDone()).to.equal(false);
    });

    it('turns throwing getters in options or params into a ValidationError, never a synchronous throw', () => {
      const hostile = new Proxy(
        {},
        {
          get: () => {
            throw new Error('no reading');
          },
          has: () => {
            throw new Error('no asking');
          },
        },
      );
      const client = testClient();
      let r: ReturnType<typeof collect> | undefined;
      expect(
        () => (r = collect(client.groups.create(hostile as never, hostile as never))),
      ).not.to.throw();
      expect(r?.error).to.be.instanceOf(ValidationError);
      expect(() => (r = collect(client.groups.list(hostile as never)))).not.to.throw();
      expect(r?.error).to.be.instanceOf(ValidationError);
    });

    it('turns a throwing getter into a ValidationError in every method, params, body and RequestOptions alike, sending nothing', async () => {
      const scope = nock(API).persist().intercept(/.*/, 'GET').reply(200, {});
      const throwing = (name: string, on: Record<string, unknown> = {}): Record<string, unknown> =>
        Object.defineProperty({ ...on }, name, {
          enumerable: true,
          get() {
            throw 1;
          },
        });
      const client = testClient();
      const m = member(1);
      const calls: Array<() => Observable<unknown>> = [
        () => client.groups.list(throwing('limit') as never),
        () => client.groups.listAll(throwing('limit') as never),
        () => client.groups.listAll(throwing('prefetch') as never),
        () => client.groups.listAll({}, throwing('timeoutMs') as never),
        () => client.groups.create(throwing('name') as never),
        () => client.groups.retrieve('grp_1', throwing('headers') as never),
        () => client.groups.update('grp_1', throwing('name') as never),
        () => client.members.sync.submit('grp_1', throwing('members') as never),
        () => client.members.sync.submit('grp_1', { members: [throwing('phone', m)] } as never),
        () => client.members.sync.retrieve('grp_1', 'grpmsr_1', throwing('signal') as never),
        () => client.groups.create({ name: 'a', external_reference_id: 'b' }, throwing('idempotencyKey') as never),
      ];
      for (const [i, call] of calls.entries()) {
        let r: ReturnType<typeof collect> | undefined;
        expect(() => (r = collect(call())), `call ${i}`).not.to.throw();
        expect(r?.error, `call ${i}`).to.be.instanceOf(ValidationError);
        expect((r?.error as ValidationError).message, `call ${i}`).to.contain('could not be read');
      }
      await idle();
      expect(scope.isDone()).to.equal(false);
      nock.cleanAll();
    });

    it('refuses a per-call timeoutMs past the longest timer Node runs (30 days) with ValidationError, sending nothing', async () => {
      const scope = nock(API).get('/v1/groups/grp_1').reply(200, { data: group(1) });
      const r = collect(testClient().groups.retrieve('grp_1', { timeoutMs: 30 * 24 * 3600 * 1000 }));
      await r.done;
      expect(r.error).to.be.instanceOf(ValidationError);
      expect((r.error as ValidationError).issues[0]).to.deep.include({ path: 'options.timeoutMs' });
      expect(scope.isDone()).to.equal(false);
      nock.cleanAll();
    });

    it('reports every response to onResponse, attempt by attempt, with its status, headers, request id and duration', async () => {
      nock(API)
        .get('/v1/groups/grp_1')
        .reply(503, 'busy', { 'x-request-id': 'req_a', 'retry-after-ms': '1' })
        .get('/v1/groups/grp_1')
        .reply(200, { data: group(1) }, { 'x-request-id': 'req_b' });
      const events: ResponseEvent[] = [];
      await lastValueFrom(testClient({ onResponse: (e) => events.push(e) }).groups.retrieve('grp_1'));
      expect(events.map(({ durationMs: _, headers: __, ...rest }) => rest)).to.deep.equal([
        { method: 'GET', path: '/v1/groups/grp_1', status: 503, requestId: 'req_a', attempt: 1 },
        { method: 'GET', path: '/v1/groups/grp_1', status: 200, requestId: 'req_b', attempt: 2 },
      ]);
      expect(events[0]!.headers).to.include({ 'x-request-id': 'req_a', 'retry-after-ms': '1' });
      for (const e of events) expect(e.durationMs).to.be.a('number').and.at.least(0);
    });

    it('keeps a request going when onResponse throws, and logs it', async () => {
      nock(API).get('/v1/groups/grp_1').reply(200, { data: group(1) });
      const { lines, logger } = recordingLogger();
      const g = await lastValueFrom(
        testClient({ logger, logLevel: 'warn', onResponse: () => { throw new Error('listener broke'); } }).groups.retrieve('grp_1'),
      );
      expect(g.id).to.equal('grp_1');
      expect(lines.some((l) => l.includes('onResponse threw: listener broke'))).to.equal(true);
    });

    it('does not count 429s with a server-directed wait against maxRetries: with maxRetries 0 the call waits and goes again', async () => {
      const { seen, answerEach } = recorder();
      nock(API)
        .get('/v1/groups/grp_1')
        .times(4)
        .reply(function (this: nock.ReplyFnContext, path: string, body: nock.Body) {
          const [status, reply] = answerEach([429, 'slow'], [429, 'slow'], [429, 'slow'], [200, { data: group(1) }]).call(this, path, body) as [number, nock.ReplyBody];
          return status === 429 ? [429, reply, { 'retry-after-ms': '1' }] : [status, reply];
        });
      const retries: RetryEvent[] = [];
      // the pace after a 429 runs on a virtual clock, moved only while nothing is in flight
      const clock = installClock();
      const { instance, inFlight } = recordingAxios();
      try {
        const r = collect(
          testClient({ axios: instance, maxRetries: 0, onRetry: (e) => retries.push(e) }).groups.retrieve('grp_1'),
        );
        await runQuietly(clock, inFlight, r);
        expect(r.values.map((g) => g.id)).to.deep.equal(['grp_1']);
      } finally {
        clock.uninstall();
      }
      expect(seen).to.have.length(4);
      expect(retries.map((e) => [e.attempt, e.reason, e.delayMs])).to.deep.equal([
        [1, 'status-429', 1],
        [2, 'status-429', 1],
        [3, 'status-429', 1],
      ]);
    });

    it('fails with RateLimitError once the time one call spent waiting out 429s would pass maxRateLimitWaitMs', async () => {
      const { seen, answer } = recorder();
      nock(API)
        .get('/v1/groups/grp_1')
        .times(5)
        .reply(answer(429, { error: { message: 'slow down' } }, { 'retry-after-ms': '2' }));
      const clock = installClock();
      const { instance, inFlight } = recordingAxios();
      const r = collect(
        testClient({ axios: instance, maxRetries: 5, maxRateLimitWaitMs: 5 }).groups.retrieve('grp_1'),
      );
      try {
        await runQuietly(clock, inFlight, r);
      } finally {
        clock.uninstall();
      }
      expect(r.error).to.be.instanceOf(RateLimitError);
      // the server asks for 2 ms: the second attempt goes out after exactly that (2 of 5 ms waited, a next
      // 2 ms wait still fits); its 429 slows the client's pace (the shared gate), so the third goes out well
      // after 5 ms, and its 429 ends the call, with no fourth attempt
      expect(seen).to.have.length(3);
      expect(seen[1]!.at - seen[0]!.at).to.equal(2);
      expect(seen[2]!.at - seen[0]!.at).to.be.above(5);
      nock.cleanAll();
    });

    it('against a server that keeps answering 429, ends within maxRateLimitWaitMs of its first 429', async () => {
      const { seen, answer } = recorder();
      nock(API)
        .get('/v1/groups/grp_1')
        .times(100)
        .reply(answer(429, { error: { message: 'slow down' } }, { 'retry-after-ms': '100' }));
      const clock = installClock();
      const start = Date.now();
      const { instance, inFlight } = recordingAxios();
      const r = collect(
        testClient({ axios: instance, maxRetries: 0, maxRateLimitWaitMs: 1000 }).groups.retrieve('grp_1'),
      );
      let end = 0;
      try {
        await runQuietly(clock, inFlight, r);
        end = Date.now();
      } finally {
        clock.uninstall();
      }
      expect(r.error).to.be.instanceOf(RateLimitError);
      // it goes on until a next 100 ms wait would pass 1 s, so it ends past 900 ms, with its last attempt,
      // which goes out after the wait and the client's pacing (its rate at least one a second): well short
      // of the ~9 s it took when only the server's 100 ms waits were counted
      expect(end - start).to.be.within(900, 2000);
      expect(seen.at(-1)!.at - start).to.equal(end - start);
      // at least the first attempt and one more, never more than the server's 100 ms waits allow
      expect(seen.length).to.be.within(2, 11);
      nock.cleanAll();
    });

    it('reads RequestOptions once per call, however often it is subscribed', async () => {
      nock(API).get('/v1/groups/grp_1').times(2).reply(200, { data: group(1) });
      let reads = 0;
      const options = {
        get timeoutMs(): number {
          reads += 1;
          return 5000;
        },
      };
      const call = testClient().groups.retrieve('grp_1', options);
      await lastValueFrom(call);
      await lastValueFrom(call);
      expect(reads).to.equal(1);
    });
  });
});
