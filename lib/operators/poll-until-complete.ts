import {
  asyncScheduler,
  defer,
  mergeMap,
  Observable,
  switchMap,
  throwError,
  timeout,
  timer,
  type OperatorFunction,
  type SchedulerLike,
} from 'rxjs';
import type { SyncRequest, SyncSubmission } from '../codecs';
import { PollTimeoutError, ValidationError, type Issue } from '../errors';
import type { VitableConnect } from '../types';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Options of {@link pollUntilComplete}. Every one is optional. */
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

/**
 * Checks polling options and fills in the defaults; bad values throw a
 * {@link ValidationError} naming each one.
 *
 * @example
 * // internal (lib/operators/poll-until-complete.ts)
 * resolvePollOptions({ initialDelayMs: 500 }).maxDelayMs; // 30000
 *
 * @internal
 */
export const resolvePollOptions = (options: PollOptions = {}, context = 'pollUntilComplete options'): ResolvedPollOptions => {
  const resolved: ResolvedPollOptions = {
    initialDelayMs: options.initialDelayMs ?? 1000,
    factor: options.factor ?? 2,
    maxDelayMs: options.maxDelayMs ?? 30_000,
    timeoutMs: options.timeoutMs ?? 900_000,
    scheduler: options.scheduler ?? asyncScheduler,
    random: options.random ?? Math.random,
  };
  const issues: Issue[] = [];
  const check = (path: keyof PollOptions, ok: boolean, rule: string): void => {
    if (!ok) issues.push({ path, message: `${rule}, got ${String(options[path])}` });
  };
  const { initialDelayMs, factor, maxDelayMs, timeoutMs } = resolved;
  check('initialDelayMs', isFiniteAtLeast(initialDelayMs, 0), 'must be a number of ms, 0 or more');
  check('factor', isFiniteAtLeast(factor, 1), 'must be a number, 1 or more');
  check('maxDelayMs', isFiniteAtLeast(maxDelayMs, 0), 'must be a number of ms, 0 or more');
  check('timeoutMs', isFiniteAtLeast(timeoutMs, 0) && timeoutMs > 0, 'must be a number of ms above 0');
  if (typeof resolved.random !== 'function') issues.push({ path: 'random', message: 'must be a function' });
  if (issues.length > 0) throw new ValidationError(context, issues);
  return resolved;
};

const isFiniteAtLeast = (n: unknown, min: number): boolean => typeof n === 'number' && Number.isFinite(n) && n >= min;

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
 * Polls one accepted sync request until `completed_at` is set.
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
): Observable<SyncRequest> => {
  const { group_id: groupId, request_id: requestId } = submission;
  const attempt = (n: number): Observable<SyncRequest> =>
    timer(pollDelay(n, o), o.scheduler).pipe(
      switchMap(() => client.members.sync.retrieve(groupId, requestId)),
      switchMap((request) => (request.completed_at != null ? [request] : defer(() => attempt(n + 1)))),
    );
  return attempt(0).pipe(
    timeout({
      first: o.timeoutMs,
      scheduler: o.scheduler,
      with: () => throwError(() => new PollTimeoutError(groupId, requestId, o.timeoutMs)),
    }),
  );
};

// -------------------------------------------------------------------------------------
// operator
// -------------------------------------------------------------------------------------

/**
 * Polls each accepted sync batch until the server has processed it, then emits
 * the final {@link SyncRequest} (with `completed_at` and `results`).
 *
 * The first poll comes `initialDelayMs` after the submission arrives; poll `n`
 * then waits `min(initialDelayMs * factor^n, maxDelayMs) * (1 - 0.25 * random())`
 * (jittered exponential backoff). Each poll is `client.members.sync.retrieve`,
 * so transient HTTP failures go through the client's own retries; an error left
 * after them ends polling with that error. Past `timeoutMs` (counted from the
 * submission's arrival) it errors with a {@link PollTimeoutError} carrying
 * `groupId` and `requestId`, so the request can be resumed later.
 *
 * Several submissions are polled **concurrently** (`mergeMap`): each gets its own
 * schedule and timeout, and results come out in completion order. Unsubscribing
 * cancels pending waits and aborts an in-flight poll. `scheduler` and `random`
 * are for tests.
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
  options: PollOptions = {},
): OperatorFunction<SyncSubmission, SyncRequest> => {
  const resolved = resolvePollOptions(options);
  return (source) => source.pipe(mergeMap((submission) => pollRequest(client, submission, resolved)));
};
