/* eslint-disable @typescript-eslint/no-empty-object-type -- each codec's type is an interface named after it and derived from it (API.md, Codecs and types) */
import * as t from 'io-ts';
import { Timestamp } from './common';

const SyncSubmissionCodec = t.type(
  { request_id: t.string, group_id: t.string, accepted_at: t.string },
  'SyncSubmission',
);

/** What a sync submission answers: the queued request's id, its group and when it was accepted. */
export interface SyncSubmission extends t.TypeOf<typeof SyncSubmissionCodec> {}

/**
 * What `POST /v1/groups/{id}/members/sync` answers (202): the batch was queued.
 *
 * @example
 * import { SyncSubmission } from 'vitable-connect-rx';
 * SyncSubmission.is({ request_id: 'grpmsr_1', group_id: 'grp_1', accepted_at: '2026-01-15T10:30:00Z' }); // true
 */
export const SyncSubmission: t.Type<SyncSubmission, SyncSubmission, unknown> = SyncSubmissionCodec;

const SyncFailureCodec = t.type(
  {
    reference_id: t.string,
    operation: t.keyof({ add: null, remove: null }),
    reason: t.string,
  },
  'SyncFailure',
);

/** A member the server could not add or remove, and why. */
export interface SyncFailure extends t.TypeOf<typeof SyncFailureCodec> {}

/**
 * A member the server could not add or remove.
 *
 * @example
 * import { SyncFailure } from 'vitable-connect-rx';
 * SyncFailure.is({ reference_id: 'EMP-2', operation: 'add', reason: 'Invalid plan_id' }); // true
 */
export const SyncFailure: t.Type<SyncFailure, SyncFailure, unknown> = SyncFailureCodec;

const SyncResultsCodec = t.type(
  {
    added_group_member_ids: t.array(t.string),
    removed_group_member_ids: t.array(t.string),
    failures: t.array(SyncFailure),
  },
  'SyncResults',
);

/** The outcome of a processed sync batch: the members added and removed, and the failures. */
export interface SyncResults extends t.TypeOf<typeof SyncResultsCodec> {}

/**
 * The outcome of a processed sync batch.
 *
 * @example
 * import { SyncResults } from 'vitable-connect-rx';
 * SyncResults.is({ added_group_member_ids: [], removed_group_member_ids: [], failures: [] }); // true
 */
export const SyncResults: t.Type<SyncResults, SyncResults, unknown> = SyncResultsCodec;

const SyncRequestCodec = t.type(
  {
    request_id: t.string,
    group_id: t.string,
    accepted_at: t.string,
    completed_at: Timestamp,
    results: t.union([SyncResults, t.null]),
  },
  'SyncRequest',
);

/** A sync request as polled: `completed_at` and `results` are `null` while it is processing. */
export interface SyncRequest extends t.TypeOf<typeof SyncRequestCodec> {}

/**
 * A sync request as `GET …/members/sync/{request_id}` reports it; `completed_at`
 * and `results` are `null` while it is processing.
 *
 * @example
 * import { SyncRequest } from 'vitable-connect-rx';
 * SyncRequest.is({ request_id: 'grpmsr_1', group_id: 'grp_1', accepted_at: '2026-01-15T10:30:00Z',
 *   completed_at: null, results: null }); // true
 */
export const SyncRequest: t.Type<SyncRequest, SyncRequest, unknown> = SyncRequestCodec;
