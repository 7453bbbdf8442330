import * as t from 'io-ts';
import { Timestamp } from './common';

/**
 * What `POST /v1/groups/{id}/members/sync` answers (202): the batch was queued.
 *
 * @example
 * import { SyncSubmission } from 'vitable-connect-rx';
 * SyncSubmission.is({ request_id: 'grpmsr_1', group_id: 'grp_1', accepted_at: '2026-01-15T10:30:00Z' }); // true
 */
export const SyncSubmission = t.type(
  { request_id: t.string, group_id: t.string, accepted_at: t.string },
  'SyncSubmission',
);
export type SyncSubmission = t.TypeOf<typeof SyncSubmission>;

/**
 * A member the server could not add or remove.
 *
 * @example
 * import { SyncFailure } from 'vitable-connect-rx';
 * SyncFailure.is({ reference_id: 'EMP-2', operation: 'add', reason: 'Invalid plan_id' }); // true
 */
export const SyncFailure = t.type(
  {
    reference_id: t.string,
    operation: t.keyof({ add: null, remove: null }),
    reason: t.string,
  },
  'SyncFailure',
);
export type SyncFailure = t.TypeOf<typeof SyncFailure>;

/**
 * The outcome of a processed sync batch.
 *
 * @example
 * import { SyncResults } from 'vitable-connect-rx';
 * SyncResults.is({ added_group_member_ids: [], removed_group_member_ids: [], failures: [] }); // true
 */
export const SyncResults = t.type(
  {
    added_group_member_ids: t.array(t.string),
    removed_group_member_ids: t.array(t.string),
    failures: t.array(SyncFailure),
  },
  'SyncResults',
);
export type SyncResults = t.TypeOf<typeof SyncResults>;

/**
 * A sync request as `GET …/members/sync/{request_id}` reports it; `completed_at`
 * and `results` are `null` while it is processing.
 *
 * @example
 * import { SyncRequest } from 'vitable-connect-rx';
 * SyncRequest.is({ request_id: 'grpmsr_1', group_id: 'grp_1', accepted_at: '2026-01-15T10:30:00Z',
 *   completed_at: null, results: null }); // true
 */
export const SyncRequest = t.type(
  {
    request_id: t.string,
    group_id: t.string,
    accepted_at: t.string,
    completed_at: Timestamp,
    results: t.union([SyncResults, t.null]),
  },
  'SyncRequest',
);
export type SyncRequest = t.TypeOf<typeof SyncRequest>;
