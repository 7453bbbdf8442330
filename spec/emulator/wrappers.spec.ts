import { expect } from 'chai';
import { FaultInjector } from '../../lib/emulator/fault-injector';
import type { HandlerTable } from '../../lib/emulator/handlers';
import { IdempotencyStore } from '../../lib/emulator/idempotency-store';
import type { ParsedRequest } from '../../lib/emulator/parse-request';
import { RateLimiter } from '../../lib/emulator/rate-limiter';
import { NO_FAULT, respond, withDelivery, withFaults, withIdempotency, withRateLimit, type Outcome, type Serve, type ServeContext } from '../../lib/emulator/wrappers';

const ORG = { apiKey: 'k', id: 'org_1', planIds: ['pln_1'] };
const request = (over: Partial<ParsedRequest> = {}): ParsedRequest => ({
  requestId: 'req_1',
  routeKey: 'POST /v1/groups',
  method: 'POST',
  path: '/v1/groups',
  org: ORG,
  idempotencyKey: undefined,
  body: { name: 'G', external_reference_id: 'g' },
  target: { kind: 'create', group: { name: 'G', external_reference_id: 'g' } },
  ...over,
});
const ctx = (over: Partial<ServeContext> = {}): ServeContext => ({ fault: NO_FAULT, alive: () => true, ...over });

/** An inner step answering `status` and counting its calls. */
const counting = (status = 201): Serve & { calls: number; seen: ServeContext[] } => {
  const serve = async (_r: ParsedRequest, c: ServeContext): Promise<Outcome> => {
    serve.calls++;
    serve.seen.push(c);
    return { answer: { status, body: `{"n":${serve.calls}}` }, delivery: 'send' };
  };
  serve.calls = 0;
  serve.seen = [] as ServeContext[];
  return serve;
};
const statusOf = (o: Outcome): number | undefined => o.answer?.status;

describe('respond', () => {
  it('runs the route handler, or gives the replay with Idempotent-Replayed and counts it', async () => {
    let replays = 0;
    const handlers = { create: () => ({ status: 201, body: { data: 'made' } }) } as unknown as HandlerTable;
    const serve = respond(handlers, () => replays++);
    expect(await serve(request(), ctx())).to.deep.equal({ answer: { status: 201, body: '{"data":"made"}' }, delivery: 'send' });
    expect(await serve(request(), ctx({ replay: { status: 201, body: 'stored' } }))).to.deep.equal({
      answer: { status: 201, body: 'stored', headers: { 'idempotent-replayed': 'true' } },
      delivery: 'send',
    });
    expect(replays).to.equal(1);
  });
});

describe('withRateLimit', () => {
  it('passes requests while the key has tokens, then answers 429 with whole seconds (and ms when asked)', async () => {
    const inner = counting();
    const serve = withRateLimit(new RateLimiter({ requestsPerSecond: 0.5, burst: 1 }, () => 0), false)(inner);
    expect(statusOf(await serve(request(), ctx()))).to.equal(201);
    const limited = await serve(request(), ctx());
    expect(limited.answer).to.deep.include({ status: 429, headers: { 'retry-after': '2' } });
    expect(inner.calls).to.equal(1);
    const exact = withRateLimit(new RateLimiter({ requestsPerSecond: 0.5, burst: 1 }, () => 0), true)(counting());
    await exact(request(), ctx());
    expect((await exact(request(), ctx())).answer?.headers).to.deep.equal({ 'retry-after': '2', 'retry-after-ms': '2000' });
    expect(statusOf(await withRateLimit(undefined, false)(counting())(request(), ctx()))).to.equal(201);
  });
});

describe('withFaults', () => {
  it('answers injected 5xx (counted) and 429 itself, and hands latency and drops inward', async () => {
    const faults = new FaultInjector({ errorRate: 1 });
    let errors = 0;
    const inner = counting();
    const serve = withFaults(faults, () => errors++)(inner);
    const answer = (await serve(request(), ctx())).answer;
    expect([500, 503]).to.include(answer?.status);
    expect(errors).to.equal(1);
    faults.set({ rateLimitRate: 1, retryAfterMs: 2500 });
    expect((await serve(request(), ctx())).answer?.headers).to.deep.equal({ 'retry-after': '3', 'retry-after-ms': '2500' });
    faults.set({ latencyMs: 7, dropRate: 1 });
    await serve(request(), ctx());
    expect(inner.calls).to.equal(1);
    expect(inner.seen[0]!.fault).to.deep.include({ latencyMs: 7 });
    expect(inner.seen[0]!.fault.drop).to.be.oneOf(['before', 'after']);
    expect(errors).to.equal(1);
  });
});

describe('withIdempotency', () => {
  const keyed = (key: string, body: Record<string, unknown> = { name: 'G' }): ParsedRequest => request({ idempotencyKey: key, body });

  it('runs a new key, keeps a 2xx answer and replays it to the same request', async () => {
    const store = new IdempotencyStore({ now: () => 0 });
    const inner = counting();
    const serve = withIdempotency(store)(inner);
    await serve(keyed('a'), ctx());
    await serve(keyed('a'), ctx());
    expect(inner.calls).to.equal(2);
    expect(inner.seen.map((c) => c.replay)).to.deep.equal([undefined, { status: 201, body: '{"n":1}' }]);
    expect(statusOf(await serve(keyed('a', { name: 'other' }), ctx()))).to.equal(422);
    expect(inner.calls).to.equal(2);
  });

  it('forgets a key whose request failed, was dropped before taking effect or found the client gone', async () => {
    const store = new IdempotencyStore({ now: () => 0 });
    for (const outcome of [
      { answer: { status: 404, body: '{}' }, delivery: 'send' },
      { delivery: 'drop' },
      { delivery: 'none' },
    ] as Outcome[]) {
      await withIdempotency(store)(async () => outcome)(keyed('k'), ctx());
      expect(store.size(), JSON.stringify(outcome)).to.equal(0);
    }
    await withIdempotency(store)(async () => ({ answer: { status: 201, body: 'x' }, delivery: 'drop' }))(keyed('k'), ctx());
    expect(store.begin(ORG.id, 'k', 'other')).to.deep.equal({ kind: 'conflict' }); // kept: it took effect before the drop
  });

  it('lets a request with a held key wait for the first one, then replays it', async () => {
    const store = new IdempotencyStore({ now: () => 0 });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const inner = counting();
    const serve = withIdempotency(store)(async (r, c) => {
      if (c.replay === undefined) await gate;
      return inner(r, c);
    });
    const first = serve(keyed('race'), ctx());
    const second = serve(keyed('race'), ctx());
    await new Promise((r) => setImmediate(r));
    expect(inner.calls).to.equal(0);
    release();
    await Promise.all([first, second]);
    expect(inner.seen.map((c) => c.replay?.body)).to.deep.equal([undefined, '{"n":1}']);
  });

  it('passes a request without a key straight through', async () => {
    const inner = counting();
    await withIdempotency(new IdempotencyStore({ now: () => 0 }))(inner)(request(), ctx());
    expect(inner.calls).to.equal(1);
  });
});

describe('withDelivery', () => {
  const delays: number[] = [];
  const delay = async (ms: number): Promise<void> => void delays.push(ms);

  it('waits the latency, then drops before (inner not run) or after (answer kept), or sends', async () => {
    const inner = counting();
    const serve = withDelivery(delay)(inner);
    expect(await serve(request(), ctx({ fault: { latencyMs: 30 } }))).to.deep.equal({ answer: { status: 201, body: '{"n":1}' }, delivery: 'send' });
    expect(delays).to.deep.equal([30]);
    expect(await serve(request(), ctx({ fault: { latencyMs: 0, drop: 'before' } }))).to.deep.equal({ delivery: 'drop' });
    expect(inner.calls).to.equal(1);
    expect(await serve(request(), ctx({ fault: { latencyMs: 0, drop: 'after' } }))).to.deep.equal({ answer: { status: 201, body: '{"n":2}' }, delivery: 'drop' });
    expect(delays).to.deep.equal([30]);
  });

  it('does nothing once the emulator is stopping or the client has gone', async () => {
    const inner = counting();
    expect(await withDelivery(delay)(inner)(request(), ctx({ alive: () => false }))).to.deep.equal({ delivery: 'none' });
    expect(inner.calls).to.equal(0);
  });
});
