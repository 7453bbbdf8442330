import { formatIssues } from '../errors';
import type { MemberFailure, SyncEvent, SyncReport } from '../pipelines/sync-events';

// model

/**
 * The report of a sync stopped before its end (Ctrl-C, SIGTERM, a closed
 * output): what was done so far. `unfinished` counts the members read but
 * neither synced nor failed yet (in a batch in flight, or still being
 * batched), so `read === invalid + failed + synced + unfinished`.
 */
export interface InterruptedReport extends SyncReport {
  readonly interrupted: true;
  readonly unfinished: number;
}

/** Follows a sync's events and tells, at any moment, what they add up to. */
export interface ReportTracker {
  event(event: SyncEvent): void;
  /** The report so far (`durationMs` since `startedAt`). */
  report(durationMs: number): SyncReport;
}

// constructors

/**
 * Adds up the events of `syncRoster` the way its `done` report does, for a
 * sync that will not get to `done`: counts, request ids in submission order,
 * and a failure per invalid or failed member (server failures without their
 * index, which the events do not carry). `read` is the latest `progress`
 * count, or more when the events since show more members.
 *
 * @internal
 * @example
 * const tracker = reportTracker('grp_1', new Date().toISOString());
 * syncRoster(client, 'grp_1', members).subscribe((e) => tracker.event(e));
 * // on Ctrl-C:
 * const sofar = tracker.report(elapsedMs);
 */
export const reportTracker = (groupId: string, startedAt: string): ReportTracker => {
  let read = 0;
  let invalid = 0;
  let failed = 0;
  let synced = 0;
  let added = 0;
  let removed = 0;
  /** Members in batches the server accepted that have not completed or failed since. */
  let accepted = 0;
  const requestIds: string[] = [];
  const failures: MemberFailure[] = [];

  return {
    event(event) {
      switch (event.type) {
        case 'invalid':
          invalid++;
          failures.push({
            ...(event.reference_id !== undefined ? { reference_id: event.reference_id } : {}),
            index: event.index,
            stage: 'validation',
            reason: formatIssues(event.issues),
          });
          break;
        case 'submitted':
          requestIds.push(event.requestId);
          accepted += event.size;
          break;
        case 'completed': {
          const batch = new Set<string>();
          for (const f of event.failures) {
            if (batch.has(f.reference_id)) continue; // a member counts once
            batch.add(f.reference_id);
            failures.push({
              reference_id: f.reference_id,
              stage: 'server',
              operation: f.operation,
              reason: f.reason,
            });
          }
          synced += event.synced;
          failed += event.size - event.synced;
          accepted -= event.size;
          added += event.request.results?.added_group_member_ids.length ?? 0;
          removed += event.request.results?.removed_group_member_ids.length ?? 0;
          break;
        }
        case 'failed':
          failed += event.referenceIds.length;
          if (event.requestId !== undefined) accepted -= event.referenceIds.length;
          for (const referenceId of event.referenceIds)
            failures.push({
              reference_id: referenceId,
              stage: 'request',
              reason: event.error.message,
            });
          break;
        case 'progress':
          read = Math.max(read, event.read);
          break;
        case 'done':
          return;
        default:
          return;
      }
    },
    report: (durationMs) => ({
      groupId,
      read: Math.max(read, invalid + failed + synced + accepted),
      invalid,
      failed,
      synced,
      added,
      removed,
      requestIds: [...requestIds],
      failures: [...failures],
      startedAt,
      durationMs,
    }),
  };
};

/**
 * Marks a report as interrupted, with the members left unfinished.
 *
 * @internal
 * @example
 * const partial = interrupted(tracker.report(elapsedMs)); // { …, interrupted: true, unfinished: 500 }
 */
export const interrupted = (report: SyncReport): InterruptedReport => ({
  ...report,
  interrupted: true,
  unfinished: report.read - report.invalid - report.failed - report.synced,
});
