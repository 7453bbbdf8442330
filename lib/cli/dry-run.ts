import { formatIssues, type Issue } from '../errors';
import { Admission } from '../pipelines/admission';
import { DEFAULT_MAX_BYTES } from '../operators/resolve-batch-options';
import type { MemberFailure, SyncReport } from '../pipelines/sync-events';
import type { RosterRecord } from './roster/roster-record';

/**
 * What `sync --dry-run` found, as a `SyncReport` (what `--report` writes)
 * with `dryRun: true` and `valid`: nothing was sent, so nothing synced,
 * failed on the server, was added or removed, and there is no request id.
 * `read === valid + invalid`.
 */
export interface DryRunReport extends SyncReport {
  readonly dryRun: true;
  /** Members that would be sent. */
  readonly valid: number;
  /** Every invalid member, as in a `SyncReport` (stage `'validation'`, reason prefixed by its line). */
  readonly failures: ReadonlyArray<MemberFailure>;
  readonly failed: 0;
  readonly synced: 0;
}

/** A member the dry run rejected, as it is reported when it is found. */
export interface DryRunInvalid {
  readonly type: 'invalid';
  readonly index: number;
  readonly line: number;
  readonly reference_id?: string;
  readonly issues: ReadonlyArray<Issue>;
}

/**
 * Validates a roster file exactly as `syncRoster` would before sending (its
 * first step, `Admission`: the `MemberInput` codec, a `reference_id` taken by
 * an earlier valid member, a member over `maxBytes`, a value that cannot be
 * read), and sends nothing. Only the accepted `reference_id`s (off the heap)
 * and the failures are kept in memory.
 *
 * @internal
 * @example
 * const roster = await openRoster('roster.csv', { stdin: process.stdin });
 * const report = await dryRun('grp_123', roster.records, { onInvalid: (e) => console.log(e.line, e.issues) });
 * report.valid; // members that would be sent
 */
export const dryRun = async (
  groupId: string,
  records: AsyncIterable<RosterRecord>,
  options: {
    readonly maxBytes?: number;
    readonly onInvalid?: (event: DryRunInvalid) => void;
    readonly now?: () => number;
  } = {},
): Promise<DryRunReport> => {
  const now = options.now ?? Date.now;
  const started = now();
  const admission = new Admission(options.maxBytes ?? DEFAULT_MAX_BYTES);
  const failures: MemberFailure[] = [];
  let read = 0;

  const reject = (
    record: RosterRecord,
    referenceId: string | undefined,
    issues: ReadonlyArray<Issue>,
  ): void => {
    const reason = formatIssues(issues);
    failures.push({
      ...(referenceId !== undefined ? { reference_id: referenceId } : {}),
      index: record.index,
      stage: 'validation',
      reason: record.kind === 'error' ? reason : `line ${record.line}: ${reason}`,
    });
    options.onInvalid?.({
      type: 'invalid',
      index: record.index,
      line: record.line,
      ...(referenceId !== undefined ? { reference_id: referenceId } : {}),
      issues,
    });
  };

  for await (const record of records) {
    read++;
    if (record.kind === 'error') {
      reject(record, undefined, [{ path: '', message: record.reason }]);
      continue;
    }
    const admitted = admission.admit(record.value);
    if (admitted.kind === 'rejected') reject(record, admitted.referenceId, admitted.issues);
  }
  return {
    dryRun: true,
    groupId,
    read,
    valid: read - failures.length,
    invalid: failures.length,
    failed: 0,
    synced: 0,
    added: 0,
    removed: 0,
    requestIds: [],
    failures,
    startedAt: new Date(started).toISOString(),
    durationMs: now() - started,
  };
};
