import { isLeft } from 'fp-ts/Either';
import { MemberInput, toIssues } from '../codecs';
import { formatIssues, type Issue } from '../errors';
import { memberBytes } from '../internal/json-bytes';
import { DEFAULT_MAX_BYTES, oversizeMessage } from '../pipelines/resolve-batch-options';
import { ENVELOPE_BYTES } from '../internal/sync-batcher';
import type { MemberFailure } from '../pipelines/sync-events';
import type { RosterRecord } from './roster/roster-record';

/** What `sync --dry-run` found: nothing was sent, so nothing synced or failed on the server. */
export interface DryRunReport {
  readonly dryRun: true;
  readonly groupId: string;
  /** Records read from the file. `read === valid + invalid`. */
  readonly read: number;
  /** Members that would be sent. */
  readonly valid: number;
  readonly invalid: number;
  /** Every invalid member, as in a `SyncReport` (stage `'validation'`, reason prefixed by its line). */
  readonly failures: ReadonlyArray<MemberFailure>;
  readonly startedAt: string;
  readonly durationMs: number;
}

/** A member the dry run rejected, as it is reported when it is found. */
export interface DryRunInvalid {
  readonly type: 'invalid';
  readonly index: number;
  readonly line: number;
  readonly reference_id?: string;
  readonly issues: ReadonlyArray<Issue>;
}

const referenceIdOf = (value: unknown): string | undefined => {
  if (value === null || typeof value !== 'object') return undefined;
  const ref = (value as { reference_id?: unknown }).reference_id;
  return typeof ref === 'string' && ref.trim().length > 0 ? ref : undefined;
};

/**
 * Validates a roster file exactly as `syncRoster` would before sending (the
 * `MemberInput` codec, a `reference_id` taken by an earlier valid member, a
 * member over `maxBytes`), and sends nothing. Only the accepted
 * `reference_id`s and the failures are kept in memory.
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
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const seen = new Set<string>();
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
    const decoded = MemberInput.decode(record.value);
    if (isLeft(decoded)) {
      reject(record, referenceIdOf(record.value), toIssues(decoded.left));
      continue;
    }
    const ref = decoded.right.reference_id;
    const bytes = memberBytes(decoded.right);
    if (ENVELOPE_BYTES + bytes > maxBytes)
      reject(record, ref, [{ path: '', message: oversizeMessage(bytes, maxBytes) }]);
    else if (seen.has(ref))
      reject(record, ref, [
        {
          path: 'reference_id',
          message: `repeats "${ref}" of an earlier member of this roster; it is sent once`,
        },
      ]);
    else seen.add(ref);
  }
  return {
    dryRun: true,
    groupId,
    read,
    valid: read - failures.length,
    invalid: failures.length,
    failures,
    startedAt: new Date(started).toISOString(),
    durationMs: now() - started,
  };
};
