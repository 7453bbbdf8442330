import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { randomUUID } from 'node:crypto';
import { ValidationError, type Issue } from '../errors';
import type { SyncJournal } from '../journal/sync-journal';
import { resolvePollOptions, type PollOptions } from '../operators/poll-until-complete';
import type { VitableConnect } from '../types';
import { fixedPoller, learnedPoller, type BatchPoller } from './batch-poller';
import { adaptiveConcurrency, fixedConcurrency, type ConcurrencyLimit } from './concurrency-limit';
import { isPositiveInteger, readOptions, shown } from '../internal/read-options';
import { checkBatchOptions, type ToSyncBatchesOptions } from '../operators/resolve-batch-options';
import { rosterReader, type RosterReader } from './roster-source';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Options of `syncRoster`. Every one is optional. */
export interface SyncRosterOptions extends ToSyncBatchesOptions {
  /**
   * Most batches submitted but not yet completed or failed. Default: adaptive
   * (starts at 4, grows while the server accepts batches quickly, shrinks when
   * it pushes back; see the Flow control guide). A positive integer fixes it.
   */
  readonly concurrency?: number;
  /**
   * How each batch is polled. Default: learned (each batch's first poll comes
   * at about the processing time seen so far). Given, it fixes the schedule of
   * {@link pollUntilComplete} (its `scheduler` and `random` default to the ones below).
   */
  readonly poll?: PollOptions;
  /**
   * Stop at the first batch that fails after all retries (default false): no
   * more members are read or submitted, the batches already submitted are
   * polled to the end, `done` is emitted with the full report, then the
   * Observable errors with that batch's error.
   */
  readonly failFast?: boolean;
  /**
   * Makes the sync resumable (`fileJournal(path)` or any {@link SyncJournal}):
   * each batch is recorded before it is sent, when it is accepted and when it
   * ends; the same call with the same journal after a crash re-reads the
   * roster, takes the outcome of completed batches from the journal, polls
   * accepted ones and sends the others again with their recorded
   * `Idempotency-Key` (see the Resuming guide).
   */
  readonly journal?: SyncJournal;
  /** For tests: makes each batch's `Idempotency-Key` when a journal records it (default `crypto.randomUUID`). */
  readonly newIdempotencyKey?: () => string;
  /** For tests: the scheduler of polling waits and of the clock (default `asyncScheduler`). */
  readonly scheduler?: SchedulerLike;
  /** For tests: the source of polling jitter (default `Math.random`). */
  readonly random?: () => number;
  /** For tests: the clock, in ms since the epoch (default `scheduler.now()`). */
  readonly now?: () => number;
}

/** Everything a sync needs, checked. @internal */
export interface SyncSettings {
  readonly groupId: string;
  readonly maxMembers: number;
  readonly maxBytes: number;
  readonly limit: ConcurrencyLimit;
  readonly poller: BatchPoller;
  readonly failFast: boolean;
  readonly now: () => number;
  readonly scheduler: SchedulerLike;
  readonly reader: RosterReader;
  readonly journal: SyncJournal | undefined;
  readonly newIdempotencyKey: () => string;
}

const KEYS = ['maxMembers', 'maxBytes', 'concurrency', 'poll', 'failFast', 'scheduler', 'random', 'now', 'journal', 'newIdempotencyKey'] as const;
const POLL_KEYS = ['initialDelayMs', 'factor', 'maxDelayMs', 'timeoutMs', 'scheduler', 'random'] as const;

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const issuesOf = (e: unknown, prefix: string): Issue[] => {
  if (!(e instanceof ValidationError)) throw e;
  return e.issues.map((i) => ({ path: i.path === '' ? prefix : `${prefix}.${i.path}`, message: i.message }));
};

const isClient = (client: unknown): boolean => {
  try {
    const sync = (client as VitableConnect).members.sync;
    return typeof sync.submit === 'function' && typeof sync.retrieve === 'function';
  } catch {
    return false;
  }
};

const readerOf = (members: unknown, issues: Issue[]): RosterReader | undefined => {
  try {
    const reader = rosterReader(members);
    if (!reader) issues.push({ path: 'members', message: 'must be an Observable, an Iterable or an AsyncIterable' });
    return reader;
  } catch (e) {
    issues.push({ path: 'members', message: `could not be read: ${e instanceof Error ? e.message : shown(e)}` });
    return undefined;
  }
};

/**
 * Checks the arguments of `syncRoster` (each option read once) and builds its
 * flow control: a fixed or adaptive concurrency limit, a fixed or learned
 * poller. Anything wrong throws one {@link ValidationError} naming every issue.
 *
 * @example
 * // internal (lib/pipelines/resolve-sync-options.ts)
 * resolveSyncOptions(client, 'grp_1', [], { concurrency: 0 }); // throws ValidationError (concurrency)
 *
 * @internal
 */
export const resolveSyncOptions = (
  client: VitableConnect,
  groupId: unknown,
  members: unknown,
  options: unknown,
): SyncSettings => {
  const { values, issues: unread } = readOptions(options, KEYS);
  const issues: Issue[] = [...unread];
  if (!isClient(client)) issues.push({ path: 'client', message: 'must be a client made by createClient' });
  const batch = checkBatchOptions({ maxMembers: values.maxMembers, maxBytes: values.maxBytes });
  issues.push(...batch.issues);
  const { concurrency, failFast } = values;
  if (concurrency !== undefined && !isPositiveInteger(concurrency))
    issues.push({ path: 'concurrency', message: `must be a positive integer, got ${shown(concurrency)}` });
  if (failFast !== undefined && typeof failFast !== 'boolean')
    issues.push({ path: 'failFast', message: `must be a boolean, got ${shown(failFast)}` });
  if (typeof groupId !== 'string' || groupId.trim().length === 0)
    issues.push({ path: 'groupId', message: 'must be a non-empty group id' });
  const scheduler = (values.scheduler ?? asyncScheduler) as SchedulerLike;
  if (typeof scheduler !== 'object' || scheduler === null || typeof scheduler.now !== 'function')
    issues.push({ path: 'scheduler', message: 'must be an RxJS scheduler' });
  if (values.now !== undefined && typeof values.now !== 'function')
    issues.push({ path: 'now', message: 'must be a function' });
  if (values.random !== undefined && typeof values.random !== 'function')
    issues.push({ path: 'random', message: 'must be a function' });

  const journal = values.journal as SyncJournal | undefined;
  if (
    journal !== undefined &&
    (journal === null ||
      typeof journal !== 'object' ||
      typeof journal.load !== 'function' ||
      typeof journal.append !== 'function')
  )
    issues.push({ path: 'journal', message: 'must be a SyncJournal: an object with load() and append(record)' });
  if (values.newIdempotencyKey !== undefined && typeof values.newIdempotencyKey !== 'function')
    issues.push({ path: 'newIdempotencyKey', message: 'must be a function' });

  const poll = readOptions(values.poll, POLL_KEYS, 'poll');
  issues.push(...poll.issues);
  let fixedPoll: ReturnType<typeof resolvePollOptions> | undefined;
  let learnedPoll: ReturnType<typeof resolvePollOptions> | undefined;
  try {
    const resolved = resolvePollOptions({
      ...poll.values,
      scheduler: poll.values.scheduler ?? scheduler,
      ...((poll.values.random ?? values.random) !== undefined ? { random: poll.values.random ?? values.random } : {}),
    } as PollOptions);
    if (values.poll !== undefined) fixedPoll = resolved;
    else learnedPoll = resolved;
  } catch (e) {
    issues.push(...issuesOf(e, 'poll'));
  }
  const reader = readerOf(members, issues);
  if (issues.length > 0 || !reader || !(fixedPoll ?? learnedPoll)) throw new ValidationError('syncRoster', issues);

  const now = (values.now as (() => number) | undefined) ?? (() => scheduler.now());
  return {
    groupId: groupId as string,
    ...batch.resolved,
    limit: concurrency !== undefined ? fixedConcurrency(concurrency as number) : adaptiveConcurrency(),
    poller: fixedPoll
      ? fixedPoller(client, fixedPoll)
      : learnedPoller(client, { scheduler, now, timeoutMs: learnedPoll!.timeoutMs, maxDelayMs: learnedPoll!.maxDelayMs }),
    failFast: (failFast as boolean | undefined) ?? false,
    now,
    scheduler,
    reader,
    journal,
    newIdempotencyKey: (values.newIdempotencyKey as (() => string) | undefined) ?? randomUUID,
  };
};
