import { ValidationError, type Issue } from '../errors';
import { isPositiveInteger, readOptions, shown } from '../internal/read-options';
import { ENVELOPE_BYTES } from '../internal/sync-batcher';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Options of `toSyncBatches`. */
export interface ToSyncBatchesOptions {
  /** Most members in one batch (default 1000, the API's per-sync limit). An integer from 1 to 1000. */
  readonly maxMembers?: number;
  /**
   * Most UTF-8 bytes of one batch's request body, `JSON.stringify({ members: batch })`
   * (default 1 000 000). A positive integer.
   */
  readonly maxBytes?: number;
}

/** Default {@link ToSyncBatchesOptions.maxMembers}. */
export const DEFAULT_MAX_MEMBERS = 1000;
/** Largest {@link ToSyncBatchesOptions.maxMembers}: the API's per-sync limit. */
export const MAX_MEMBERS = 1000;
/** Default {@link ToSyncBatchesOptions.maxBytes}. */
export const DEFAULT_MAX_BYTES = 1_000_000;

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * Reads batching options once and checks them; returns the values with their
 * defaults and the issues found (an option that cannot be read is one).
 *
 * @example
 * // internal (lib/operators/resolve-batch-options.ts)
 * checkBatchOptions({ maxMembers: 2000 }).issues; // [{ path: 'maxMembers', message: 'must be an integer from 1 to 1000, got 2000' }]
 *
 * @internal
 */
export const checkBatchOptions = (
  options: unknown,
): { readonly resolved: Required<ToSyncBatchesOptions>; readonly issues: ReadonlyArray<Issue> } => {
  const { values, issues: unread } = readOptions(options, ['maxMembers', 'maxBytes'] as const);
  const issues: Issue[] = [...unread];
  const maxMembers = values.maxMembers ?? DEFAULT_MAX_MEMBERS;
  const maxBytes = values.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!isPositiveInteger(maxMembers) || maxMembers > MAX_MEMBERS)
    issues.push({ path: 'maxMembers', message: `must be an integer from 1 to ${MAX_MEMBERS}, got ${shown(maxMembers)}` });
  if (!isPositiveInteger(maxBytes))
    issues.push({ path: 'maxBytes', message: `must be a positive integer, got ${shown(maxBytes)}` });
  else if (maxBytes <= ENVELOPE_BYTES)
    issues.push({ path: 'maxBytes', message: `must leave room for a member, got ${maxBytes}` });
  return { resolved: { maxMembers: maxMembers as number, maxBytes: maxBytes as number }, issues };
};

/**
 * Checks batching options and fills in the defaults; bad values throw a
 * {@link ValidationError} naming each one.
 *
 * @example
 * // internal (lib/operators/resolve-batch-options.ts)
 * resolveBatchOptions({ maxMembers: 100 }); // { maxMembers: 100, maxBytes: 1000000 }
 *
 * @internal
 */
export const resolveBatchOptions = (
  options?: ToSyncBatchesOptions,
  context = 'toSyncBatches options',
): Required<ToSyncBatchesOptions> => {
  const { resolved, issues } = checkBatchOptions(options);
  if (issues.length > 0) throw new ValidationError(context, issues);
  return resolved;
};

/**
 * The message of the issue reported for a member over `maxBytes`.
 *
 * @example
 * // internal (lib/operators/resolve-batch-options.ts)
 * oversizeMessage(2000, 1000); // 'is 2014 bytes as a batch of its own, over maxBytes 1000'
 *
 * @internal
 */
export const oversizeMessage = (bytes: number, maxBytes: number): string =>
  `is ${ENVELOPE_BYTES + bytes} bytes as a batch of its own, over maxBytes ${maxBytes}`;
