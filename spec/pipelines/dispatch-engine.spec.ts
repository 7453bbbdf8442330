import { expect } from 'chai';
import { NEVER, Observable, of, throwError } from 'rxjs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { TestScheduler } from 'rxjs/testing';
import type { ColdObservable } from 'rxjs/internal/testing/ColdObservable';
import type { MemberInput, SyncRequest, SyncSubmission } from '../../lib/codecs';
import { apiErrorFor, ConnectionError, VitableError } from '../../lib/errors';
import type { BatchPoller } from '../../lib/pipelines/batch-poller';
import { fixedConcurrency, type ConcurrencyLimit } from '../../lib/pipelines/concurrency-limit';
import { DispatchEngine, type DispatchHandlers } from '../../lib/pipelines/dispatch-engine';
import type { SentBatch } from '../../lib/pipelines/roster-batcher';
import type { RequestOptions, VitableConnect } from '../../lib/types';

const batch = (seq: number): SentBatch => ({ seq, size: 1, entries: new Float64Array([seq, seq]) });
const members: MemberInput[] = [];
const sub = (id: string): SyncSubmission => ({ request_id: id, group_id: 'grp_1', accepted_at: '2026-01-15T10:30:00Z' });
const req = (id: string): SyncRequest => ({
  request_id: id,
  group_id: 'grp_1',
  accepted_at: '2026-01-15T10:30:00Z',
  completed_at: '2026-01-15T10:30:01Z',
  results: { added_group_member_ids: [], removed_group_member_ids: [], failures: [] },
});

/** A client whose n-th submit is `submits[n]`, and a poller whose poll of request id is `polls[id]`. */
const setup = (
  scheduler: TestScheduler,
  submits: ReadonlyArray<Observable<SyncSubmission>>,
  polls: Readonly<Record<string, Observable<SyncRequest>>>,
  limit: ConcurrencyLimit = fixedConcurrency(2),
  extra: {
    readonly onSettled?: () => void;
    readonly onPrepared?: () => void;
    readonly beforeSubmit?: () => Observable<unknown>;
  } = {},
) => {
  const log: string[] = [];
  const options: Array<RequestOptions | undefined> = [];
  let n = 0;
  const unused = (): Observable<never> => throwError(() => new Error('not used'));
  const client: VitableConnect = {
    baseURL: 'http://fake.invalid',
    groups: { list: unused, listAll: unused, create: unused, retrieve: unused, update: unused },
    members: {
      sync: {
        submit: (_g, _body, o) => {
          options.push(o);
          return submits[n++]!;
        },
        retrieve: unused,
      },
    },
  };
  const poller: BatchPoller = { poll: (s) => polls[s.request_id]! };
  const at = (): number => scheduler.now();
  const failures: unknown[] = [];
  const handlers: DispatchHandlers = {
    submitted: (b, s) => log.push(`${at()} submitted ${b.seq} ${s.request_id}`),
    completed: (b, r) => log.push(`${at()} completed ${b.seq} ${r.request_id}`),
    failed: (b, f) => {
      failures.push(f);
      log.push(`${at()} failed ${b.seq}${f.requestId ? ` ${f.requestId}` : ''} mayHaveApplied=${f.mayHaveApplied}`);
    },
    settled: (b) => {
      log.push(`${at()} settled ${b.seq}`);
      extra.onSettled?.();
    },
    prepared: (b) => {
      log.push(`${at()} prepared ${b.seq}`);
      extra.onPrepared?.();
    },
  };
  const engine = new DispatchEngine(
    { client, groupId: 'grp_1', limit, poller, now: at, ...(extra.beforeSubmit ? { beforeSubmit: extra.beforeSubmit } : {}) },
    handlers,
  );
  return { engine, log, options, failures };
};

describe('DispatchEngine', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('keeps at most `limit` batches in flight: a driver that starts one whenever there is room', () => {
    scheduler.run(({ cold, expectSubscriptions, flush }) => {
      const s = [cold('-a|', { a: sub('r0') }), cold('--b|', { b: sub('r1') }), cold('-c|', { c: sub('r2') })];
      const p = { r0: cold('--(x|)', { x: req('r0') }), r1: cold('-(y|)', { y: req('r1') }), r2: cold('(z|)', { z: req('r2') }) };
      const queue = [batch(0), batch(1), batch(2)];
      // the driver is the sync's pump: it starts more whenever a batch settles
      const drive = (): void => {
        while (built.engine.hasRoom() && queue.length > 0) built.engine.start(queue.shift()!, { kind: 'send', members });
      };
      const built = setup(scheduler, s, p, fixedConcurrency(2), { onSettled: drive });
      drive();
      flush();
      expectSubscriptions(s[0]!.subscriptions).toBe('^-!');
      expectSubscriptions(s[1]!.subscriptions).toBe('^--!');
      expectSubscriptions(s[2]!.subscriptions).toBe('---^-!'); // after batch 0 settled at 3
      expectSubscriptions(p.r0.subscriptions).toBe('-^-!');
      expect(built.log).to.deep.equal([
        '1 submitted 0 r0',
        '2 submitted 1 r1',
        '3 completed 0 r0',
        '3 settled 0',
        '3 completed 1 r1',
        '3 settled 1',
        '4 submitted 2 r2',
        '4 completed 2 r2',
        '4 settled 2',
      ]);
      expect(built.engine.inFlight).to.equal(0);
    });
  });

  it('sends the batch’s Idempotency-Key, after beforeSubmit has finished', () => {
    scheduler.run(({ cold, expectSubscriptions, flush }) => {
      const s = [cold('-a|', { a: sub('r0') })];
      const hook = cold('--(w|)', { w: 'written' });
      const built = setup(scheduler, s, { r0: cold('(x|)', { x: req('r0') }) }, fixedConcurrency(2), {
        beforeSubmit: () => hook,
      });
      built.engine.start(batch(0), { kind: 'send', members, idempotencyKey: 'key-0' });
      flush();
      expectSubscriptions(hook.subscriptions).toBe('^-!');
      expectSubscriptions(s[0]!.subscriptions).toBe('--^-!');
      expect(built.options).to.deep.equal([{ idempotencyKey: 'key-0' }]);
      expect(built.log).to.deep.equal(['2 prepared 0', '3 submitted 0 r0', '3 completed 0 r0', '3 settled 0']);
    });
  });

  it('a batch waiting for its beforeSubmit holds no place of the limit, and only one batch waits at a time', () => {
    scheduler.run(({ cold, expectSubscriptions, flush }) => {
      // each write-ahead takes 2 frames; each submit is accepted after 1 and polled for 10
      const hooks = [0, 1, 2].map(() => cold('--(w|)', { w: 'written' }));
      let h = 0;
      const s = [0, 1, 2].map((i) => cold('-a|', { a: sub(`r${i}`) }));
      const p = Object.fromEntries([0, 1, 2].map((i) => [`r${i}`, cold('----------(x|)', { x: req(`r${i}`) })]));
      const queue = [batch(0), batch(1), batch(2)];
      const drive = (): void => {
        while (built.engine.hasRoom() && queue.length > 0) built.engine.start(queue.shift()!, { kind: 'send', members });
      };
      const built = setup(scheduler, s, p, fixedConcurrency(2), { beforeSubmit: () => hooks[h++]!, onPrepared: drive, onSettled: drive });
      drive();
      expect(built.engine.hasRoom()).to.equal(false); // batch 0 is waiting for its record: the next one waits
      flush();
      expectSubscriptions(hooks[0]!.subscriptions).toBe('^-!');
      expectSubscriptions(hooks[1]!.subscriptions).toBe('--^-!'); // as soon as batch 0's record is written
      expectSubscriptions(s[1]!.subscriptions).toBe('----^-!');
      // two batches submitted (the limit): the third waits for one to settle, then for its own record
      expectSubscriptions(hooks[2]!.subscriptions).toBe('-------------^-!');
      expect(built.log.slice(0, 4)).to.deep.equal(['2 prepared 0', '3 submitted 0 r0', '4 prepared 1', '5 submitted 1 r1']);
      expect(built.engine.inFlight).to.equal(0);
    });
  });

  it('polls a batch that starts already accepted without submitting it, and takes the outcome of one already done', () => {
    scheduler.run(({ cold, flush }) => {
      const built = setup(scheduler, [], { r7: cold('--(x|)', { x: req('r7') }) });
      built.engine.start(batch(0), { kind: 'done', request: req('r5') });
      built.engine.start(batch(1), { kind: 'accepted', requestId: 'r7' });
      flush();
      expect(built.options).to.deep.equal([]);
      expect(built.log).to.deep.equal(['0 completed 0 r5', '0 settled 0', '2 completed 1 r7', '2 settled 1']);
    });
  });

  it('reports a failed submit or poll with mayHaveApplied and the request id, and backs the limit off on pushback only', () => {
    scheduler.run(({ cold, flush }) => {
      const info = { method: 'POST', path: '/v1/groups/grp_1/members/sync' };
      const dropped = new ConnectionError(info, 'socket hang up');
      const refused = apiErrorFor({ ...info, status: 422, body: {}, headers: {}, requestId: undefined });
      const busy = apiErrorFor({ ...info, status: 503, body: {}, headers: {}, requestId: undefined });
      const gone = apiErrorFor({ method: 'GET', path: '/x', status: 404, body: {}, headers: {}, requestId: undefined });
      const pushed: number[] = [];
      const limit: ConcurrencyLimit = {
        current: 10,
        sent: () => 0,
        accepted: () => undefined,
        pushedBack: () => pushed.push(scheduler.now()),
        released: () => undefined,
      };
      const s: Array<ColdObservable<SyncSubmission>> = [
        cold('-#', undefined, dropped),
        cold('--#', undefined, refused),
        cold('---#', undefined, busy),
        cold('-a|', { a: sub('r3') }),
      ];
      const built = setup(scheduler, s, { r3: cold('---#', undefined, gone) }, limit);
      for (let i = 0; i < 4; i++) built.engine.start(batch(i), { kind: 'send', members });
      flush();
      expect(built.log).to.deep.equal([
        '1 failed 0 mayHaveApplied=true',
        '1 settled 0',
        '1 submitted 3 r3',
        '2 failed 1 mayHaveApplied=false',
        '2 settled 1',
        '3 failed 2 mayHaveApplied=true',
        '3 settled 2',
        '4 failed 3 r3 mayHaveApplied=true',
        '4 settled 3',
      ]);
      expect(pushed, 'a dropped connection and a 503 push back; a 422 does not').to.deep.equal([1, 3]);
      const last = built.failures[3] as { reason: string; error: VitableError };
      expect(last.error).to.equal(gone);
      expect(last.reason).to.contain("may have applied it: check with client.members.sync.retrieve('grp_1', 'r3')");
    });
  });

  it('sends a submit still answered 429 again after the wait the server asks for, with the same Idempotency-Key, and backs off', () => {
    scheduler.run(({ cold, expectSubscriptions, flush }) => {
      const limited = apiErrorFor({
        method: 'POST',
        path: '/v1/groups/grp_1/members/sync',
        status: 429,
        body: {},
        headers: { 'retry-after': '2' },
        requestId: undefined,
      });
      const pushed: number[] = [];
      const limit: ConcurrencyLimit = {
        current: 10,
        sent: () => 0,
        accepted: () => undefined,
        pushedBack: () => pushed.push(scheduler.now()),
        released: () => undefined,
      };
      const s = [cold<SyncSubmission>('-#', undefined, limited), cold('-a|', { a: sub('r0') })];
      const built = setup(scheduler, s, { r0: cold('(x|)', { x: req('r0') }) }, limit);
      built.engine.start(batch(0), { kind: 'send', members, idempotencyKey: 'key-0' });
      flush();
      expectSubscriptions(s[1]!.subscriptions).toBe('2001ms ^-!');
      expect(built.options).to.deep.equal([{ idempotencyKey: 'key-0' }, { idempotencyKey: 'key-0' }]);
      expect(pushed).to.deep.equal([1]);
      expect(built.log).to.deep.equal(['2002 submitted 0 r0', '2002 completed 0 r0', '2002 settled 0']);
    });
  });

  it('stop aborts every submit and poll in flight and reports nothing more', () => {
    scheduler.run(({ cold, expectSubscriptions, flush }) => {
      const s = [cold('-a|', { a: sub('r0') }), cold('----b|', { b: sub('r1') })];
      const p = { r0: cold('-----(x|)', { x: req('r0') }) };
      const built = setup(scheduler, s, p);
      built.engine.start(batch(0), { kind: 'send', members });
      built.engine.start(batch(1), { kind: 'send', members });
      scheduler.schedule(() => built.engine.stop(), 3);
      flush();
      expectSubscriptions(s[1]!.subscriptions).toBe('^--!');
      expectSubscriptions(p.r0.subscriptions).toBe('-^-!');
      expect(built.log).to.deep.equal(['1 submitted 0 r0']);
    });
  });

  it('keeps nothing of a batch’s members once the server accepted it: they are garbage while it is polled', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void; // a full collection, as node --expose-gc gives
    const engine = ((): { engine: DispatchEngine; members: WeakRef<MemberInput[]> } => {
      const sent: MemberInput[] = [{ reference_id: 'EMP-1' } as MemberInput];
      const built = setup(new TestScheduler(() => undefined), [of(sub('r0'))], { r0: NEVER }); // polled for ever
      built.engine.start(batch(0), { kind: 'send', members: sent });
      return { engine: built.engine, members: new WeakRef(sent) };
    })();
    expect(engine.engine.inFlight).to.equal(1); // still in flight, polling
    await new Promise((resolve) => setImmediate(resolve)); // WeakRefs are kept for the job that made them
    gc();
    expect(engine.members.deref(), 'the members of a batch being polled').to.equal(undefined);
    engine.engine.stop();
  });
});
