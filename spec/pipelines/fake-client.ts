// A fake VitableConnect for pipeline specs: an in-memory sync server that
// records what it saw (submits, polls, cancellations, batches open at once).
import { defer, Observable, of, subscribeOn, throwError, type SchedulerLike, type Subscription } from 'rxjs';
import type { MemberInput, SyncFailure, SyncRequest, SyncSubmission } from '../../lib/codecs';
import type { VitableConnect } from '../../lib/types';
import { UNKNOWN_PLAN_ID } from '../helpers/roster';

export interface FakeServerOptions {
  /** Polls answered "still processing" before a batch completes (default 0). */
  readonly pollsUntilDone?: number;
  /**
   * When answers arrive: on a scheduler (e.g. a TestScheduler), or by default
   * `'immediate'`, a `setImmediate` later (a macrotask, so a source read through
   * microtasks races ahead until the pipeline's concurrency limit stops it).
   */
  readonly scheduler?: SchedulerLike | 'immediate';
  /** With a scheduler: how long each answer takes, in ms (default 0). */
  readonly latencyMs?: number;
  /** Error (after the client's retries) for submit number n (0-based), if any. */
  readonly submitError?: (n: number, members: ReadonlyArray<MemberInput>) => Error | undefined;
  /** Error (after the client's retries) for a poll of request `requestId`, if any. */
  readonly retrieveError?: (requestId: string, poll: number) => Error | undefined;
  /** Keep the member payloads of each batch (default true; off for huge rosters). */
  readonly keepPayloads?: boolean;
}

interface Batch {
  readonly requestId: string;
  readonly groupId: string;
  readonly size: number;
  readonly members: ReadonlyArray<MemberInput> | undefined;
  readonly failures: SyncFailure[];
  readonly added: string[];
  polls: number;
  done: boolean;
}

export interface FakeServer {
  readonly client: VitableConnect;
  /** Accepted batches, in acceptance order. */
  readonly batches: Batch[];
  /** Submit calls subscribed (including failed ones). */
  submitCalls: number;
  /** Retrieve calls subscribed. */
  retrieveCalls: number;
  /** Submits or polls unsubscribed before they answered. */
  cancelled: number;
  /** Batches submitted (call started) and not yet reported completed or failed. */
  open: number;
  /** Most batches open at once. */
  maxOpen: number;
  /** Members accepted, over all batches. */
  membersAccepted: number;
}

export const createFakeServer = (options: FakeServerOptions = {}): FakeServer => {
  const scheduler = options.scheduler ?? 'immediate';
  const later = <A>(source: Observable<A>): Observable<A> =>
    scheduler === 'immediate'
      ? new Observable<A>((subscriber) => {
          let inner: Subscription | undefined;
          const handle = setImmediate(() => (inner = source.subscribe(subscriber)));
          return () => {
            clearImmediate(handle);
            inner?.unsubscribe();
          };
        })
      : source.pipe(subscribeOn(scheduler, options.latencyMs ?? 0));
  const pollsUntilDone = options.pollsUntilDone ?? 0;
  const keepPayloads = options.keepPayloads ?? true;
  const byId = new Map<string, Batch>();
  let seq = 0;

  const answer = <A>(make: () => Observable<A>): Observable<A> => {
    let answered = false;
    return new Observable<A>((subscriber) => {
      const sub = later(defer(make)).subscribe({
          next: (v) => {
            answered = true;
            subscriber.next(v);
          },
          error: (e: unknown) => {
            answered = true;
            subscriber.error(e);
          },
          complete: () => subscriber.complete(),
        });
      return () => {
        if (!answered) server.cancelled++;
        sub.unsubscribe();
      };
    });
  };

  const closeBatch = (): void => {
    server.open--;
  };

  const client: VitableConnect = {
    baseURL: 'http://fake.invalid',
    groups: {
      list: () => throwError(() => new Error('not faked')),
      listAll: () => throwError(() => new Error('not faked')),
      create: () => throwError(() => new Error('not faked')),
      retrieve: () => throwError(() => new Error('not faked')),
      update: () => throwError(() => new Error('not faked')),
    },
    members: {
      sync: {
        submit: (groupId, body) =>
          defer(() => {
            const n = server.submitCalls++;
            server.open++;
            server.maxOpen = Math.max(server.maxOpen, server.open);
            return answer<SyncSubmission>(() => {
              const err = options.submitError?.(n, body.members);
              if (err) {
                closeBatch();
                return throwError(() => err);
              }
              const requestId = `grpmsr_${++seq}`;
              const failures: SyncFailure[] = [];
              const added: string[] = [];
              for (const m of body.members) {
                if (m.plan_id === UNKNOWN_PLAN_ID)
                  failures.push({ reference_id: m.reference_id, operation: 'add', reason: 'Invalid plan_id' });
                else added.push(`grpmbr_${m.reference_id}`);
              }
              const batch: Batch = {
                requestId,
                groupId,
                size: body.members.length,
                members: keepPayloads ? [...body.members] : undefined,
                failures,
                added,
                polls: 0,
                done: false,
              };
              byId.set(requestId, batch);
              server.batches.push(batch);
              server.membersAccepted += batch.size;
              return of({ request_id: requestId, group_id: groupId, accepted_at: '2026-01-15T10:30:00Z' });
            });
          }),
        retrieve: (groupId, requestId) =>
          defer(() => {
            server.retrieveCalls++;
            return answer<SyncRequest>(() => {
              const batch = byId.get(requestId);
              if (!batch || batch.groupId !== groupId) return throwError(() => new Error(`no request ${requestId}`));
              const poll = batch.polls++;
              const err = options.retrieveError?.(requestId, poll);
              if (err) {
                closeBatch();
                return throwError(() => err);
              }
              const done = poll >= pollsUntilDone;
              if (done && !batch.done) {
                batch.done = true;
                closeBatch();
              }
              return of({
                request_id: requestId,
                group_id: groupId,
                accepted_at: '2026-01-15T10:30:00Z',
                completed_at: done ? '2026-01-15T10:30:42Z' : null,
                results: done
                  ? { added_group_member_ids: batch.added, removed_group_member_ids: [], failures: batch.failures }
                  : null,
              });
            });
          }),
      },
    },
  };

  const server: FakeServer = {
    client,
    batches: [],
    submitCalls: 0,
    retrieveCalls: 0,
    cancelled: 0,
    open: 0,
    maxOpen: 0,
    membersAccepted: 0,
  };
  return server;
};
