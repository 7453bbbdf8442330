import { Observable } from 'rxjs';
import type { MemberFailure, SyncEvent, SyncReport } from '../pipelines/sync-events';
import { syncRoster, type SyncRosterOptions } from '../pipelines/sync-roster';
import type { VitableConnect } from '../types';
import type { RosterRecord } from './roster/roster-record';
import { interrupted, reportTracker, type InterruptedReport } from './partial-report';
import { SourcePositions } from './source-positions';

/**
 * An event as the command line emits it: `syncRoster`'s, with an `invalid`
 * event's line when known, plus `interrupted` (with the report so far) as the
 * last event of a sync stopped by {@link SyncFileControl.signal}.
 */
export type CliSyncEvent =
  | SyncEvent
  | (Extract<SyncEvent, { type: 'invalid' }> & { readonly line?: number })
  | { readonly type: 'interrupted'; readonly report: InterruptedReport };

/** How a {@link syncFile} run can be stopped, and its clock. */
export interface SyncFileControl {
  /**
   * Aborting it stops the sync: reading and submitting stop, the requests in
   * flight are cancelled (unsubscribed), an `interrupted` event with the
   * report so far is emitted, and the Observable completes.
   */
  readonly signal?: AbortSignal;
  /** Milliseconds since the epoch (default `Date.now`), for the interrupted report's times. */
  readonly now?: () => number;
}

/**
 * Syncs the records of a roster file with `syncRoster` and accounts for every
 * record of the file, the unparseable ones included.
 *
 * Parsed records go to `syncRoster`, pulled lazily. Unparseable ones (see
 * {@link RosterRecord}) become `invalid` events here, at their place in the
 * stream; and the events and report of `syncRoster` are rewritten so that:
 * `index` is the record's index in the file, every failure with an index has
 * its reason prefixed by `line N: `, `read` and `invalid` count the unparseable
 * records, and `failures` lists the invalid members (unparseable ones
 * included) in file order, then the failed ones in file order. So `read === invalid + failed + synced` holds for the whole file.
 *
 * If reading fails part-way (an I/O error, a bad CSV header), `syncRoster`
 * finishes the batches in flight and emits `done`; the Observable then errors
 * with the reader's own error (a `CliError` carrying its exit status).
 *
 * When `control.signal` aborts before `done`, the sync is unsubscribed and the
 * last event is `interrupted`, whose report (counted from the events so far and
 * the records read, adjusted like `done`'s) has `interrupted: true` and the
 * `unfinished` count.
 *
 * @internal
 * @example
 * const roster = await openRoster('roster.csv', { stdin: process.stdin });
 * syncFile(client, 'grp_123', roster.records, { concurrency: 4 }).subscribe((e) => console.log(e.type));
 */
export const syncFile = (
  client: VitableConnect,
  groupId: string,
  records: AsyncIterable<RosterRecord>,
  options: SyncRosterOptions = {},
  control: SyncFileControl = {},
): Observable<CliSyncEvent> =>
  new Observable<CliSyncEvent>((subscriber) => {
    const now = control.now ?? Date.now;
    const startMs = now();
    const tracker = reportTracker(groupId, new Date(startMs).toISOString());
    const positions = new SourcePositions();
    const unparseable: MemberFailure[] = [];
    /** Parsed records handed to `syncRoster`, the ones no event has told of yet included. */
    let handed = 0;
    let readFailure: { readonly error: unknown } | undefined;

    async function* parsed(): AsyncGenerator<unknown> {
      try {
        for await (const record of records) {
          positions.record(record.index, record.line, record.kind === 'error');
          if (record.kind === 'member') {
            handed++;
            yield record.value;
            continue;
          }
          unparseable.push({ index: record.index, stage: 'validation', reason: record.reason });
          subscriber.next({
            type: 'invalid',
            index: record.index,
            line: record.line,
            issues: [{ path: '', message: record.reason }],
          });
        }
      } catch (error) {
        readFailure = { error };
        throw error;
      }
    }

    const withLine = (failure: MemberFailure): MemberFailure => {
      if (failure.index === undefined) return failure;
      const index = positions.fileIndex(failure.index);
      const line = positions.lineOf(index);
      return {
        ...failure,
        index,
        reason: line === undefined ? failure.reason : `line ${line}: ${failure.reason}`,
      };
    };

    const adjustReport = (report: SyncReport): SyncReport => {
      const extra = positions.unparseable;
      const byIndex = (a: MemberFailure, b: MemberFailure): number =>
        (a.index ?? Number.MAX_SAFE_INTEGER) - (b.index ?? Number.MAX_SAFE_INTEGER);
      const validation = [
        ...unparseable,
        ...report.failures.filter((f) => f.stage === 'validation').map(withLine),
      ];
      validation.sort(byIndex);
      const others = report.failures.filter((f) => f.stage !== 'validation').map(withLine);
      others.sort(byIndex);
      return {
        ...report,
        read: report.read + extra,
        invalid: report.invalid + extra,
        failures: [...validation, ...others],
      };
    };

    const adjust = (event: SyncEvent): CliSyncEvent => {
      switch (event.type) {
        case 'invalid': {
          const index = positions.fileIndex(event.index);
          const line = positions.lineOf(index);
          return line === undefined ? { ...event, index } : { ...event, index, line };
        }
        case 'progress':
          return {
            ...event,
            read: event.read + positions.unparseable,
            invalid: event.invalid + positions.unparseable,
          };
        case 'done':
          return { ...event, report: adjustReport(event.report) };
        default:
          return event;
      }
    };

    let ended = false;
    const sync = syncRoster(client, groupId, parsed(), options).subscribe({
      next: (event) => {
        if (event.type === 'done') ended = true;
        tracker.event(event);
        subscriber.next(adjust(event));
      },
      error: (error: unknown) => subscriber.error(readFailure ? readFailure.error : error),
      complete: () => subscriber.complete(),
    });
    const stop = (): void => {
      if (ended || subscriber.closed) return;
      ended = true;
      sync.unsubscribe();
      const sofar = tracker.report(now() - startMs);
      // members in the batch being filled are in no event yet: read, and unfinished
      const report = { ...sofar, read: Math.max(sofar.read, handed) };
      subscriber.next({ type: 'interrupted', report: interrupted(adjustReport(report)) });
      subscriber.complete();
    };
    const signal = control.signal;
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
    return () => {
      signal?.removeEventListener('abort', stop);
      sync.unsubscribe();
    };
  });
