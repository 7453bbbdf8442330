import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import { catchError, defer, map, mergeMap, Observable, of, throwError } from 'rxjs';
import { JournalError } from '../errors';
import { kindOf } from '../internal/read-options';
import {
  JOURNAL_VERSION,
  type AcceptedRecord,
  type CompletedRecord,
  type FailedRecord,
  type JournalHeader,
  type SendingRecord,
} from './journal-records';
import { checkIdentity, replayJournal, type JournalIdentity, type JournalState } from './journal-state';
import type { SyncJournal } from './sync-journal';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

type Fields<R> = Omit<R, 'type'>;

/**
 * An open journal, for the pipeline: what the journal held when it was opened
 * (`state`), and one cold `Observable<void>` per record to write, which
 * appends when subscribed and completes once the record is durable.
 */
export interface JournalSession {
  /** The journal as it was opened, replayed and checked. */
  readonly state: JournalState;
  /** True when the journal held an earlier run of this sync. */
  readonly resumed: boolean;
  /** The header of this sync (the recorded one on a resume). */
  readonly header: JournalHeader;
  /** Before a batch is sent: its sequence number, key, members' digest and size. */
  sending(record: Fields<SendingRecord>): Observable<void>;
  /** After the server accepted a batch. */
  accepted(record: Fields<AcceptedRecord>): Observable<void>;
  /** After a batch was processed. */
  completed(record: Fields<CompletedRecord>): Observable<void>;
  /** After a batch could not be submitted or confirmed. */
  failed(record: Fields<FailedRecord>): Observable<void>;
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** What a value is, with its article, for an error about it: `undefined`, `null`, `an object`, `a string`… */
const shownKind = (value: unknown): string => {
  const kind = kindOf(value);
  return kind === 'null' || kind === 'undefined' ? kind : `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`;
};

const asJournalError = (what: string, e: unknown): JournalError =>
  e instanceof JournalError
    ? e
    : new JournalError(`${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });

const appender =
  (journal: SyncJournal) =>
  (record: object): Observable<void> =>
    defer(() => journal.append(record)).pipe(
      map(() => undefined),
      catchError((e: unknown) => throwError(() => asJournalError('cannot append a record', e))),
    );

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Opens a journal for a sync: loads it, replays and validates its records,
 * checks that it belongs to this sync (group and batch options), writes the
 * header into an empty journal, then emits one {@link JournalSession} and
 * completes. A corrupt journal, or one of another sync, errors with a
 * {@link JournalError} before anything is written or sent.
 *
 * ```
 * openJournal(j, id):  --load--(replay, check)--header?--s|
 * session.sending(r):  --append(r)--|        (cold: appends on subscription)
 * ```
 *
 * @example
 * // internal (lib/journal/journal-session.ts)
 * openJournal(fileJournal('sync.journal'), { groupId, maxMembers: 1000, maxBytes: 1_000_000, startedAt })
 *   .subscribe((session) => console.log(session.resumed, session.state.batches.length));
 *
 * @internal
 */
export const openJournal = (
  journal: SyncJournal,
  identity: JournalIdentity & { readonly startedAt: string },
): Observable<JournalSession> => {
  const append = appender(journal);
  return defer(() => journal.load()).pipe(
    catchError((e: unknown) => throwError(() => asJournalError('cannot load the journal', e))),
    mergeMap((records: unknown) =>
      pipe(
        Array.isArray(records)
          ? replayJournal(records)
          : E.left(new JournalError(`load() gave ${shownKind(records)}, not an array of records`)),
        E.chain((state) => checkIdentity(state, identity)),
        E.match(
          (error) => throwError(() => error),
          (state): Observable<JournalSession> => {
            const header: JournalHeader = state.header ?? {
              type: 'header',
              version: JOURNAL_VERSION,
              groupId: identity.groupId,
              maxMembers: identity.maxMembers,
              maxBytes: identity.maxBytes,
              startedAt: identity.startedAt,
            };
            const session: JournalSession = {
              state,
              resumed: state.header !== undefined,
              header,
              sending: (r) => append({ type: 'sending', ...r }),
              accepted: (r) => append({ type: 'accepted', ...r }),
              completed: (r) => append({ type: 'completed', ...r }),
              failed: (r) => append({ type: 'failed', ...r }),
            };
            return state.header === undefined
              ? append(header).pipe(map(() => session))
              : of(session);
          },
        ),
      ),
    ),
  );
};
