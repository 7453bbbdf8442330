import { expect } from 'chai';
import nock from 'nock';
import { lastValueFrom, NEVER, Observable, of, throwError } from 'rxjs';
import { makeClient } from '../../lib/client';
import { TestScheduler } from 'rxjs/testing';
import type { SyncRequest, SyncSubmission } from '../../lib/codecs';
import {
  apiErrorFor,
  ConnectionError,
  NotFoundError,
  PollTimeoutError,
  TimeoutError,
  ValidationError,
} from '../../lib/errors';
import { pollUntilComplete, type PollOptions } from '../../lib/operators/poll-until-complete';
import type { VitableConnect } from '../../lib/types';

const submission = (n: number): SyncSubmission => ({
  request_id: `grpmsr_${n}`,
  group_id: 'grp_1',
  accepted_at: '2026-01-15T10:30:00Z',
});

const request = (n: number, done: boolean): SyncRequest => ({
  request_id: `grpmsr_${n}`,
  group_id: 'grp_1',
  accepted_at: '2026-01-15T10:30:00Z',
  completed_at: done ? '2026-01-15T10:30:42Z' : null,
  results: done ? { added_group_member_ids: ['grpmbr_1'], removed_group_member_ids: [], failures: [] } : null,
});

interface Poll {
  readonly at: number;
  readonly groupId: string;
  readonly requestId: string;
}

/** A client whose `retrieve` answers with `answer(requestId, pollNumber)` and logs when each poll was made. */
const fakeClient = (
  scheduler: TestScheduler,
  answer: (requestId: string, poll: number) => Observable<SyncRequest>,
): { client: VitableConnect; polls: Poll[] } => {
  const polls: Poll[] = [];
  const counts = new Map<string, number>();
  const unused = (): Observable<never> => throwError(() => new Error('not used'));
  const client: VitableConnect = {
    baseURL: 'http://fake.invalid',
    groups: { list: unused, listAll: unused, create: unused, retrieve: unused, update: unused },
    members: {
      sync: {
        submit: unused,
        retrieve: (groupId, requestId) =>
          new Observable<SyncRequest>((subscriber) => {
            polls.push({ at: scheduler.now(), groupId, requestId });
            const n = counts.get(requestId) ?? 0;
            counts.set(requestId, n + 1);
            return answer(requestId, n).subscribe(subscriber);
          }),
      },
    },
  };
  return { client, polls };
};

describe('pollUntilComplete', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  const doneAfter = (n: number) => (requestId: string, poll: number) =>
    of(request(Number(requestId.split('_')[1]), poll >= n));

  it('polls after initialDelayMs, then backs off exponentially until completed_at is set', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { client, polls } = fakeClient(scheduler, doneAfter(3));
      const result = cold('a|', { a: submission(1) }).pipe(
        pollUntilComplete(client, { initialDelayMs: 1000, factor: 2, scheduler, random: () => 0 }),
      );
      // polls at 1000, 3000 (+2000), 7000 (+4000), 15000 (+8000): the fourth says completed
      expectObservable(result).toBe('15000ms (r|)', { r: request(1, true) });
      scheduler.flush();
      expect(polls.map((p) => p.at)).to.deep.equal([1000, 3000, 7000, 15000]);
      expect(polls.every((p) => p.groupId === 'grp_1' && p.requestId === 'grpmsr_1')).to.equal(true);
    });
  });

  it('jitters each wait down by up to 25% and caps it at maxDelayMs', () => {
    scheduler.run(() => {
      const { client, polls } = fakeClient(scheduler, doneAfter(4));
      of(submission(1))
        .pipe(
          pollUntilComplete(client, { initialDelayMs: 1000, factor: 3, maxDelayMs: 8000, scheduler, random: () => 0.5 }),
        )
        .subscribe();
      scheduler.flush();
      // waits: 1000, 3000*0.875=2625, min(9000,8000)*0.875=7000, 7000, 7000
      expect(polls.map((p) => p.at)).to.deep.equal([1000, 3625, 10625, 17625, 24625]);
    });
  });

  it('errors with PollTimeoutError carrying groupId and requestId past timeoutMs, and stops polling', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { client, polls } = fakeClient(scheduler, doneAfter(Infinity));
      const result = cold('a', { a: submission(7) }).pipe(
        pollUntilComplete(client, { initialDelayMs: 1000, maxDelayMs: 2000, timeoutMs: 6000, scheduler, random: () => 0 }),
      );
      expectObservable(result).toBe('6000ms #', undefined, new PollTimeoutError('grp_1', 'grpmsr_7', 6000));
      scheduler.flush();
      expect(polls.map((p) => p.at)).to.deep.equal([1000, 3000, 5000]);
    });
    let caught: unknown;
    scheduler.run(() => {
      const { client } = fakeClient(scheduler, doneAfter(Infinity));
      of(submission(7))
        .pipe(pollUntilComplete(client, { timeoutMs: 10, scheduler }))
        .subscribe({ error: (e: unknown) => (caught = e) });
    });
    expect(caught).to.be.instanceOf(PollTimeoutError);
    expect(caught).to.include({ groupId: 'grp_1', requestId: 'grpmsr_7', timeoutMs: 10 });
  });

  it('stops polling and aborts the poll in flight when unsubscribed', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const slow = cold<SyncRequest>('500ms (a|)', { a: request(1, false) });
      const { client, polls } = fakeClient(scheduler, () => slow);
      const result = of(submission(1)).pipe(pollUntilComplete(client, { initialDelayMs: 1000, scheduler, random: () => 0 }));
      // poll 1 at 1000 answers at 1500; poll 2 at 3500 is cut at 3700
      expectObservable(result, '^ 3699ms !').toBe('');
      expectSubscriptions(slow.subscriptions).toBe(['1000ms ^ 499ms !', '3500ms ^ 199ms !']);
      scheduler.flush();
      expect(polls.map((p) => p.at)).to.deep.equal([1000, 3500]);
    });
  });

  const info = { method: 'GET', path: '/v1/groups/grp_1/members/sync/grpmsr_1' };
  const apiError = (status: number) =>
    apiErrorFor({ ...info, status, body: { error: { message: `status ${status}` } }, headers: {}, requestId: 'req_1' });

  it('polls again on the same schedule after a transient failure (connection, timeout, 408, 409, 429, 5xx), beyond maxRetries', () => {
    const transient = [
      new ConnectionError(info, 'socket hang up'),
      new TimeoutError(info, 60_000),
      apiError(408),
      apiError(409),
      apiError(429),
      apiError(500),
      apiError(503),
    ];
    scheduler.run(({ expectObservable }) => {
      // every poll but the last fails: seven failures in a row, far beyond any maxRetries
      const { client, polls } = fakeClient(scheduler, (_id, n) =>
        n < transient.length ? throwError(() => transient[n]) : of(request(1, true)),
      );
      const result = of(submission(1)).pipe(
        pollUntilComplete(client, { initialDelayMs: 100, factor: 2, maxDelayMs: 400, scheduler, random: () => 0 }),
      );
      //  polls:  100 300 700 1100 1500 1900 2300 2700 (the last one completes)
      expectObservable(result).toBe('2700ms (r|)', { r: request(1, true) });
      scheduler.flush();
      expect(polls.map((p) => p.at)).to.deep.equal([100, 300, 700, 1100, 1500, 1900, 2300, 2700]);
    });
  });

  it('ends polling with a non-retryable answer (400, 401, 403, 404, 422) at once, polling no more', () => {
    for (const status of [400, 401, 403, 404, 422]) {
      const boom = apiError(status);
      const ts = new TestScheduler((actual, expected) => {
        expect(actual).to.deep.equal(expected);
      });
      ts.run(({ expectObservable }) => {
        const { client, polls } = fakeClient(ts, (_id, n) => (n === 0 ? of(request(1, false)) : throwError(() => boom)));
        const result = of(submission(1)).pipe(pollUntilComplete(client, { initialDelayMs: 100, scheduler: ts, random: () => 0 }));
        //  poll 1 at 100 (still processing), poll 2 at 300 answers `status`: the error, and nothing after
        expectObservable(result).toBe('300ms #', undefined, boom);
        ts.flush();
        expect(polls.map((p) => p.at), String(status)).to.deep.equal([100, 300]);
      });
    }
  });

  it('errors with PollTimeoutError past timeoutMs when every poll fails transiently', () => {
    scheduler.run(({ expectObservable }) => {
      const { client, polls } = fakeClient(scheduler, () => throwError(() => apiError(503)));
      const result = of(submission(3)).pipe(
        pollUntilComplete(client, { initialDelayMs: 1000, maxDelayMs: 1000, timeoutMs: 4500, scheduler, random: () => 0 }),
      );
      expectObservable(result).toBe('4500ms #', undefined, new PollTimeoutError('grp_1', 'grpmsr_3', 4500));
      scheduler.flush();
      expect(polls.map((p) => p.at)).to.deep.equal([1000, 2000, 3000, 4000]);
    });
  });

  describe('with the real client', () => {
    const API = 'https://api.poll.test';
    const path = '/v1/groups/grp_1/members/sync/grpmsr_1';
    const client = (maxRetries: number): VitableConnect =>
      makeClient({ apiKey: 'vc_test_poll_key', baseURL: API, maxRetries }, { random: () => 0, env: {} });
    // a 503 that asks for a 1 ms wait, so the client's retry is immediate
    const busy = [503, { error: { message: 'busy' } }, { 'retry-after-ms': '1' }] as const;

    it('rides out transient failures through the client retries', async () => {
      const scope = nock(API)
        .get(path).reply(...busy)
        .get(path).reply(200, { data: request(1, false) })
        .get(path).reply(...busy)
        .get(path).reply(200, { data: request(1, true) });
      const result = await lastValueFrom(
        of(submission(1)).pipe(pollUntilComplete(client(2), { initialDelayMs: 1, maxDelayMs: 2 })),
      );
      expect(result).to.deep.equal(request(1, true));
      expect(scope.isDone(), 'the server saw the four requests').to.equal(true);
    });

    it('keeps polling after the client has used up its retries on 503s, until the batch completes', async () => {
      // maxRetries 1: each poll is two attempts; three polls of two 503s each, then the answer
      const scope = nock(API).get(path).times(6).reply(...busy).get(path).reply(200, { data: request(1, true) });
      const result = await lastValueFrom(
        of(submission(1)).pipe(pollUntilComplete(client(1), { initialDelayMs: 1, maxDelayMs: 2 })),
      );
      expect(result).to.deep.equal(request(1, true));
      expect(scope.isDone(), 'the server saw the seven requests').to.equal(true);
    });

    it('ends with a 404 and polls no more', async () => {
      const scope = nock(API).get(path).reply(404, { error: { message: 'no such request' } });
      const later = nock(API).get(path).reply(200, { data: request(1, true) });
      const outcome = await lastValueFrom(
        of(submission(1)).pipe(pollUntilComplete(client(1), { initialDelayMs: 1, maxDelayMs: 2 })),
      ).catch((e: unknown) => e);
      expect(outcome).to.be.instanceOf(NotFoundError);
      expect(scope.isDone()).to.equal(true);
      expect(later.isDone(), 'no poll after the error').to.equal(false);
      nock.cleanAll();
    });
  });

  it('polls several submissions concurrently, each on its own schedule (mergeMap)', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { client, polls } = fakeClient(scheduler, (id, n) => of(request(Number(id.split('_')[1]), n >= (id === 'grpmsr_1' ? 2 : 0))));
      const result = cold('a 499ms b|', { a: submission(1), b: submission(2) }).pipe(
        pollUntilComplete(client, { initialDelayMs: 1000, scheduler, random: () => 0 }),
      );
      // grpmsr_2 (polled once at 1500) comes out before grpmsr_1 (polls at 1000, 3000, 7000)
      expectObservable(result).toBe('1500ms y 5499ms (x|)', { x: request(1, true), y: request(2, true) });
      scheduler.flush();
      expect(polls.map((p) => `${p.requestId}@${p.at}`)).to.deep.equal([
        'grpmsr_1@1000',
        'grpmsr_2@1500',
        'grpmsr_1@3000',
        'grpmsr_1@7000',
      ]);
    });
  });

  it('emits nothing for a source that never emits, and completes with an empty one', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { client, polls } = fakeClient(scheduler, doneAfter(0));
      expectObservable(NEVER.pipe(pollUntilComplete(client, { scheduler }))).toBe('');
      expectObservable(cold<SyncSubmission>('--|').pipe(pollUntilComplete(client, { scheduler }))).toBe('--|');
      scheduler.flush();
      expect(polls).to.deep.equal([]);
    });
  });

  it('errors with ValidationError, polling nothing, for a submission that cannot be read or is not a SyncSubmission', async () => {
    const unreadable = new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap');
        },
      },
    );
    for (const bad of [unreadable, null, { request_id: 'grpmsr_1' }]) {
      const { client, polls } = fakeClient(scheduler, doneAfter(0));
      const source = new Observable<SyncSubmission>((s) => {
        s.next(bad as SyncSubmission);
        s.complete();
      });
      const error = await lastValueFrom(source.pipe(pollUntilComplete(client, { scheduler }))).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ValidationError);
      expect(polls).to.deep.equal([]);
    }
  });

  it('throws ValidationError for nonsensical options', () => {
    const { client } = fakeClient(scheduler, doneAfter(0));
    for (const bad of [{ initialDelayMs: -1 }, { factor: 0.5 }, { maxDelayMs: Number.NaN }, { timeoutMs: 0 }]) {
      expect(() => pollUntilComplete(client, bad), JSON.stringify(bad)).to.throw(ValidationError);
    }
  });

  it('throws ValidationError, never a raw exception, for a throwing getter, null, a Proxy or a duration past the timer limit', () => {
    const { client } = fakeClient(scheduler, doneAfter(0));
    const throwing = {
      get factor(): number {
        throw new TypeError('no factor');
      },
    };
    const proxy = new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap');
        },
      },
    );
    const cases: ReadonlyArray<[unknown, string]> = [
      [throwing, 'factor'],
      [null, ''],
      [proxy, 'initialDelayMs'],
      [{ timeoutMs: 30 * 24 * 3600 * 1000 }, 'timeoutMs'],
      [{ initialDelayMs: 2 ** 31 }, 'initialDelayMs'],
      [{ maxDelayMs: 2_147_483_648 }, 'maxDelayMs'],
    ];
    for (const [bad, path] of cases) {
      let caught: unknown;
      try {
        pollUntilComplete(client, bad as PollOptions);
      } catch (e) {
        caught = e;
      }
      expect(caught, path).to.be.instanceOf(ValidationError);
      expect((caught as ValidationError).issues.map((i) => i.path), path).to.include(path);
    }
    expect(() => pollUntilComplete(client, { timeoutMs: 2_147_483_647 })).not.to.throw();
  });
});
