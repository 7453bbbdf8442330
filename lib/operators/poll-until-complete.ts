import {
  asyncScheduler,
  catchError,
  defer,
  of,
  mergeMap,
  Observable,
  switchMap,
  throwError,
  timeout,
  timer,
  type OperatorFunction,
  type SchedulerLike,
} from 'rxjs';
import { isLeft } from 'fp-ts/Either';
import { SyncSubmission, type SyncRequest } from '../codecs';
import { toIssues } from '../codecs/report';
import { ApiError, ConnectionError, PollTimeoutError, TimeoutError, ValidationError, type Issue } from '../errors';
import { isDurationMs, readOptions, shown } from '../internal/read-options';
import type { RequestOptions, VitableConnect } from '../types';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Options of {@link pollUntilComplete}. Every one is optional; every duration is a number of ms up to 2147483647. */
export interface PollOptions {
  /** Wait before the first poll, in ms (default 1000). */
  readonly initialDelayMs?: number;
  /** Growth of the wait from one poll to the next (default 2; at least 1). */
  readonly factor?: number;
  /** Longest wait between two polls, before jitter, in ms (default 30000). */
  readonly maxDelayMs?: number;
  /** Give up with {@link PollTimeoutError} this long after polling starts, in ms (default 900000). */
  readonly timeoutMs?: number;
  /** For tests: the scheduler of the waits and the timeout (default `asyncScheduler`). */
  readonly scheduler?: SchedulerLike;
  /** For tests: the source of jitter, a number in [0, 1) (default `Math.random`). */
  readonly random?: () => number;
}

/** The options with their defaults filled in. @internal */
export type ResolvedPollOptions = Required<PollOptions>;

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const POLL_KEYS = ['initialDelayMs', 'factor', 'maxDelayMs', 'timeoutMs', 'scheduler', 'random'] as const;

/**
 * Checks polling options and fills in the defaults; bad values (and options
 * or getters that cannot be read) throw a {@link ValidationError} naming each
 * one. Each option is read once. Durations are at most 2147483647 ms.
 *
 * @example
 * // internal (lib/operators/poll-until-complete.ts)
 * resolvePollOptions({ initialDelayMs: 500 }).maxDelayMs; // 30000
 *
 * @internal
 */
export const resolvePollOptions = (options?: PollOptions, context = 'pollUntilComplete options'): ResolvedPollOptions => {
  const { values, issues: unread } = readOptions(options, POLL_KEYS);
  const issues: Issue[] = [...unread];
  const given = values as Partial<Record<keyof PollOptions, unknown>>;
  const check = (path: keyof PollOptions, ok: boolean, rule: string): void => {
    if (!ok) issues.push({ path, message: `${rule}, got ${shown(given[path])}` });
  };
  const initialDelayMs = given.initialDelayMs ?? 1000;
  const factor = given.factor ?? 2;
  const maxDelayMs = given.maxDelayMs ?? 30_000;
  const timeoutMs = given.timeoutMs ?? 900_000;
  const scheduler = given.scheduler ?? asyncScheduler;
  const random = given.random ?? Math.random;
  check('initialDelayMs', isDurationMs(initialDelayMs, 0), 'must be a number of ms from 0 to 2147483647');
  check('factor', typeof factor === 'number' && Number.isFinite(factor) && factor >= 1, 'must be a number, 1 or more');
  check('maxDelayMs', isDurationMs(maxDelayMs, 0), 'must be a number of ms from 0 to 2147483647');
  check('timeoutMs', isDurationMs(timeoutMs, 0) && timeoutMs > 0, 'must be a number of ms above 0, at most 2147483647');
  if (typeof random !== 'function') issues.push({ path: 'random', message: 'must be a function' });
  if (typeof scheduler !== 'object' || scheduler === null || typeof (scheduler as SchedulerLike).schedule !== 'function')
    issues.push({ path: 'scheduler', message: 'must be an RxJS scheduler' });
  if (issues.length > 0) throw new ValidationError(context, issues);
  return {
    initialDelayMs: initialDelayMs as number,
    factor: factor as number,
    maxDelayMs: maxDelayMs as number,
    timeoutMs: timeoutMs as number,
    scheduler: scheduler as SchedulerLike,
    random: random as () => number,
  };
};

/**
 * True for a poll failure worth another poll: no answer (connection, timeout)
 * or 408, 409, 429 and >= 500. Anything else (400, 401, 403, 404, 422, a body
 * that does not decode) ends polling.
 *
 * @example
 * // internal (lib/operators/poll-until-complete.ts)
 * isTransientPollError(new ConnectionError({ method: 'GET', path: '/v1/groups' }, 'reset')); // true
 *
 * @internal
 */
export const isTransientPollError = (error: unknown): boolean => {
  if (error instanceof ConnectionError || error instanceof TimeoutError) return true;
  if (error instanceof ApiError) return error.status === 408 || error.status === 409 || error.status === 429 || error.status >= 500;
  return false;
};

/**
 * The wait before poll `n` (0-based): `initialDelayMs` for the first, then
 * `min(initialDelayMs * factor^n, maxDelayMs) * (1 - 0.25 * random())`.
 *
 * @example
 * // internal (lib/operators/poll-until-complete.ts)
 * pollDelay(2, resolvePollOptions({ random: () => 0 })); // 4000
 *
 * @internal
 */
export const pollDelay = (n: number, o: ResolvedPollOptions): number =>
  n === 0
    ? o.initialDelayMs
    : Math.min(o.initialDelayMs * Math.pow(o.factor, n), o.maxDelayMs) * (1 - 0.25 * o.random());

/**
 * Polls one accepted sync request until `completed_at` is set. A poll that
 * fails transiently ({@link isTransientPollError}) counts as "not yet": the
 * next poll comes on the same schedule, until `timeoutMs`.
 *
 * @example
 * // internal (lib/operators/poll-until-complete.ts)
 * pollRequest(client, submission, resolvePollOptions()).subscribe((request) => console.log(request.results));
 *
 * @internal
 */
export const pollRequest = (
  client: VitableConnect,
  submission: SyncSubmission,
  o: ResolvedPollOptions,
  requestOptions?: RequestOptions,
): Observable<SyncRequest> => {
  const { group_id: groupId, request_id: requestId } = submission;
  const attempt = (n: number): Observable<SyncRequest> =>
    timer(pollDelay(n, o), o.scheduler).pipe(
      switchMap(() => retrieveOrRetry(client, groupId, requestId, requestOptions)),
      switchMap((request) => (request !== NOT_YET && request.completed_at != null ? [request] : defer(() => attempt(n + 1)))),
    );
  return attempt(0).pipe(
    timeout({
      first: o.timeoutMs,
      scheduler: o.scheduler,
      with: () => throwError(() => new PollTimeoutError(groupId, requestId, o.timeoutMs)),
    }),
  );
};

/** What a transiently failed poll stands for: "not completed yet". @internal */
export const NOT_YET = Symbol('not yet');

/**
 * One poll: the request, or {@link NOT_YET} when it failed transiently.
 *
 * @example
 * // internal (lib/operators/poll-until-complete.ts)
 * retrieveOrRetry(client, 'grp_1', 'grpmsr_1').subscribe((r) => r === NOT_YET || console.log(r.completed_at));
 *
 * @internal
 */
export const retrieveOrRetry = (
  client: VitableConnect,
  groupId: string,
  requestId: string,
  requestOptions?: RequestOptions,
): Observable<SyncRequest | typeof NOT_YET> =>
  defer(() => client.members.sync.retrieve(groupId, requestId, requestOptions)).pipe(
    catchError((e: unknown) => (isTransientPollError(e) ? of(NOT_YET) : throwError(() => e))),
  );

// -------------------------------------------------------------------------------------
// operator
// -------------------------------------------------------------------------------------

/**
 * Polls each accepted sync batch until the server has processed it, then emits
 * the final {@link SyncRequest} (with `completed_at` and `results`).
 *
 * ```text
 * submissions:  --a-----------b------------|
 * polls of a:     ·1s·p·2s··p·4s····P                 (p: still processing, P: completed)
 * polls of b:                   ·1s·x·2s··P           (x: a 503 or a dropped connection: polled again)
 * result:       --------------------A----------B-|
 * ```
 *
 * The first poll comes `initialDelayMs` after the submission arrives; poll `n`
 * then waits `min(initialDelayMs * factor^n, maxDelayMs) * (1 - 0.25 * random())`
 * (jittered exponential backoff). Each poll is `client.members.sync.retrieve`,
 * with the client's own retries; a poll that still fails **transiently**
 * (connection, timeout, 408, 409, 429, >= 500) counts as "not yet" and the next
 * poll comes on the same schedule, beyond `maxRetries`: a batch the server
 * accepted is never given up because one poll failed. A non-retryable answer
 * (400, 401, 403, 404, 422, an undecodable body) ends polling with that error.
 * Past `timeoutMs` (counted from the submission's arrival) it errors with a
 * {@link PollTimeoutError} carrying `groupId` and `requestId`, so the request
 * can be resumed later.
 *
 * Several submissions are polled **concurrently** (`mergeMap`): each gets its own
 * schedule and timeout, and results come out in completion order. Unsubscribing
 * cancels pending waits and aborts an in-flight poll. `scheduler` and `random`
 * are for tests. Bad options (a duration over 2147483647 ms, a getter that
 * throws, `null`) throw a `ValidationError` when the operator is created.
 *
 * @example
 * import { createClient, pollUntilComplete } from 'vitable-connect-rx';
 *
 * const client = createClient();
 * client.members.sync
 *   .submit('grp_abc123', { members })
 *   .pipe(pollUntilComplete(client, { initialDelayMs: 500, timeoutMs: 60_000 }))
 *   .subscribe((request) => console.log(request.results?.added_group_member_ids.length));
 *
 * @see syncRoster, which submits and polls every batch of a roster.
 * @param client The client whose `members.sync.retrieve` polls.
 * @param options Backoff and timeout, see {@link PollOptions}; bad values throw `ValidationError`.
 * @returns An operator from submissions to completed sync requests.
 */
export const pollUntilComplete = (
  client: VitableConnect,
  options?: PollOptions,
): OperatorFunction<SyncSubmission, SyncRequest> => {
  const resolved = resolvePollOptions(options);
  return (source) =>
    source.pipe(mergeMap((submission) => defer(() => pollRequest(client, checkedSubmission(submission), resolved))));
};

/**
 * The submission read once into a checked `SyncSubmission`; anything else (a
 * wrong shape, a getter or Proxy trap that throws) is a `ValidationError`,
 * thrown into the error channel by the caller's `defer`.
 *
 * @example
 * // internal (lib/operators/poll-until-complete.ts)
 * checkedSubmission({ request_id: 'grpmsr_1', group_id: 'grp_1', submitted_at: '2026-01-15T10:30:00Z' });
 *
 * @internal
 */
export const checkedSubmission = (submission: unknown): SyncSubmission => {
  let decoded: ReturnType<typeof SyncSubmission.decode>;
  try {
    decoded = SyncSubmission.decode(submission);
  } catch (e) {
    const why = e instanceof Error ? e.message : shown(e);
    throw new ValidationError('pollUntilComplete', [{ path: '', message: `the submission cannot be read: ${why}` }]);
  }
  if (isLeft(decoded)) throw new ValidationError('pollUntilComplete', toIssues(decoded.left));
  return decoded.right;
};
