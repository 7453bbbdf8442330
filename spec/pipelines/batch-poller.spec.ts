import { expect } from 'chai';
import { Observable, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { SyncRequest, SyncSubmission } from '../../lib/codecs';
import { apiErrorFor, PollTimeoutError } from '../../lib/errors';
import { learnedPoller } from '../../lib/pipelines/batch-poller';
import type { VitableConnect } from '../../lib/types';

interface Job {
  readonly acceptedAt: number;
  readonly processingMs: number;
  /** Polls (0-based) answered with this error instead. */
  readonly failAt?: ReadonlyMap<number, Error>;
}

/** A server on virtual time: request `id` is done `processingMs` after `acceptedAt`; polls are logged. */
const fakeServer = (scheduler: TestScheduler, jobs: Map<string, Job>) => {
  const polls: string[] = [];
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
            const t = scheduler.now();
            polls.push(`${requestId}@${Math.round(t)}`);
            const n = counts.get(requestId) ?? 0;
            counts.set(requestId, n + 1);
            const job = jobs.get(requestId)!;
            const error = job.failAt?.get(n);
            if (error) return subscriber.error(error);
            const due = job.acceptedAt + job.processingMs;
            subscriber.next({
              request_id: requestId,
              group_id: groupId,
              accepted_at: new Date(job.acceptedAt).toISOString(),
              completed_at: t >= due ? new Date(due).toISOString() : null,
              results: t >= due ? { added_group_member_ids: [], removed_group_member_ids: [], failures: [] } : null,
            });
            subscriber.complete();
          }),
      },
    },
  };
  return { client, polls };
};

const submission = (id: string): SyncSubmission => ({ request_id: id, group_id: 'grp_1', accepted_at: '2026-01-15T10:30:00Z' });

describe('learnedPoller', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('probes the first batch (250 ms, then 1.25 times each wait), then polls the next batches once, at 1.05 × the time learned + 25 ms', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const jobs = new Map<string, Job>([
        ['r1', { acceptedAt: 0, processingMs: 1000 }],
        ['r2', { acceptedAt: 2000, processingMs: 1000 }],
        ['r3', { acceptedAt: 2500, processingMs: 900 }],
      ]);
      const { client, polls } = fakeServer(scheduler, jobs);
      const poller = learnedPoller(client, { scheduler, now: () => scheduler.now() });
      const start = (id: string, at: number) => cold(`${at}ms a`, { a: id });
      const done = (id: string) => (request: SyncRequest) => request.request_id === id;
      const run = (id: string, at: number) =>
        new Observable<string>((subscriber) =>
          start(id, at).subscribe((rid) =>
            poller.poll(submission(rid), scheduler.now()).subscribe((r) => {
              if (done(id)(r)) subscriber.next(`${id}@${Math.round(scheduler.now())}`);
            }),
          ),
        );
      expectObservable(run('r1', 0)).toBe('1441.40625ms a', { a: 'r1@1441' });
      expectObservable(run('r2', 2000)).toBe('3075ms a', { a: 'r2@3075' });
      expectObservable(run('r3', 2500)).toBe('3575ms a', { a: 'r3@3575' });
      scheduler.flush();
      // r1: 250, 562.5, 953.1, 1441.4 (the probe); r2 and r3: one poll each
      expect(polls).to.deep.equal(['r1@250', 'r1@563', 'r1@953', 'r1@1441', 'r2@3075', 'r3@3575']);
    });
  });

  it('keeps the other batches waiting while the probe learns, then polls each at its own 202 + 1.05 × estimate + 25 ms', () => {
    scheduler.run(() => {
      const jobs = new Map<string, Job>([
        ['r1', { acceptedAt: 0, processingMs: 1000 }],
        ['r2', { acceptedAt: 0, processingMs: 1000 }],
        ['r3', { acceptedAt: 0, processingMs: 1000 }],
      ]);
      const { client, polls } = fakeServer(scheduler, jobs);
      const poller = learnedPoller(client, { scheduler, now: () => scheduler.now() });
      const completed: string[] = [];
      for (const id of ['r1', 'r2', 'r3'])
        poller.poll(submission(id), 0).subscribe((r) => completed.push(`${r.request_id}@${Math.round(scheduler.now())}`));
      scheduler.flush();
      expect(polls).to.deep.equal(['r1@250', 'r1@563', 'r1@953', 'r1@1441', 'r2@1441', 'r3@1441']);
      expect(completed).to.deep.equal(['r1@1441', 'r2@1441', 'r3@1441']);
    });
  });

  it('hands the probe to a waiting batch when the probe fails', () => {
    scheduler.run(() => {
      const gone = apiErrorFor({ method: 'GET', path: '/x', status: 404, body: {}, headers: {}, requestId: undefined });
      const jobs = new Map<string, Job>([
        ['r1', { acceptedAt: 0, processingMs: 1000, failAt: new Map([[1, gone]]) }],
        ['r2', { acceptedAt: 0, processingMs: 1000 }],
      ]);
      const { client, polls } = fakeServer(scheduler, jobs);
      const poller = learnedPoller(client, { scheduler, now: () => scheduler.now() });
      const errors: unknown[] = [];
      poller.poll(submission('r1'), 0).subscribe({ error: (e: unknown) => errors.push(e) });
      poller.poll(submission('r2'), 0).subscribe();
      scheduler.flush();
      expect(errors).to.deep.equal([gone]);
      // r1 fails at 562.5; r2 probes from there: +250, +312.5
      expect(polls).to.deep.equal(['r1@250', 'r1@563', 'r2@813', 'r2@1125']);
    });
  });

  it('polls again after a transient failure, and errors with PollTimeoutError past timeoutMs', () => {
    scheduler.run(({ expectObservable }) => {
      const busy = apiErrorFor({ method: 'GET', path: '/x', status: 503, body: {}, headers: {}, requestId: undefined });
      const jobs = new Map<string, Job>([
        ['r1', { acceptedAt: 0, processingMs: 300, failAt: new Map([[1, busy]]) }],
        ['r2', { acceptedAt: 0, processingMs: 60_000 }],
      ]);
      const { client, polls } = fakeServer(scheduler, jobs);
      const poller = learnedPoller(client, { scheduler, now: () => scheduler.now(), timeoutMs: 5000 });
      const r1: string[] = [];
      poller.poll(submission('r1'), 0).subscribe(() => r1.push(`done@${Math.round(scheduler.now())}`));
      expectObservable(poller.poll(submission('r2'), 0)).toBe('5000ms #', undefined, new PollTimeoutError('grp_1', 'r2', 5000));
      scheduler.flush();
      expect(r1).to.deep.equal(['done@953']); // 250: not yet; 562.5: a 503, not yet; 953: done
      // r2 waited for the estimate (300 ms), long past: it polls at once, then after 100 ms, 150 ms, …
      expect(polls.slice(0, 6)).to.deep.equal(['r1@250', 'r1@563', 'r1@953', 'r2@953', 'r2@1053', 'r2@1203']);
    });
  });
});
