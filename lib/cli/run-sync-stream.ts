import type { Observable } from 'rxjs';
import type { SyncReport } from '../pipelines/sync-events';
import type { CliSyncEvent } from './sync-file';
import type { SyncOutput } from './sync-output';

/**
 * How a sync ended: its report (of `done`, or of `interrupted` when it was
 * stopped, then `interrupted` is true) and its error (when it errored).
 */
export interface SyncOutcome {
  readonly report: SyncReport | undefined;
  readonly error: unknown;
  readonly interrupted: boolean;
}

/**
 * Runs a sync's events into a {@link SyncOutput} and resolves with the report
 * of its `done` event and, if the stream errored (after `done` or without it),
 * the error. The output is stopped either way.
 *
 * @internal
 * @example
 * const { report, error } = await runSyncStream(syncFile(client, groupId, records), output);
 */
export const runSyncStream = (
  events: Observable<CliSyncEvent>,
  output: SyncOutput,
): Promise<SyncOutcome> =>
  new Promise((resolve) => {
    let report: SyncReport | undefined;
    let interrupted = false;
    events.subscribe({
      next: (event) => {
        if (event.type === 'done') report = event.report;
        if (event.type === 'interrupted') {
          report = event.report;
          interrupted = true;
        }
        output.event(event);
      },
      error: (error: unknown) => {
        output.stop();
        resolve({ report, error, interrupted });
      },
      complete: () => {
        output.stop();
        resolve({ report, error: undefined, interrupted });
      },
    });
  });
