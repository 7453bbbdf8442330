import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import * as t from 'io-ts';
import { MemberInput, SyncRequest, SyncSubmission } from '../codecs';
import type { Http } from '../http/http-client';
import { endpoint, route } from '../http/route';
import { decodeInput, type Validation } from '../http/validate';
import type { MembersSyncResource } from '../types';
import { unwrapData } from './unwrap-data';

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** The body of a sync submission: every member checked by `MemberInput`, unknown keys dropped. */
const SyncSubmitBody = t.exact(t.type({ members: t.array(MemberInput) }), 'SyncSubmitParams');
type SyncSubmitBody = t.TypeOf<typeof SyncSubmitBody>;

const submitBody = (body: unknown): Validation<SyncSubmitBody> =>
  pipe(
    decodeInput(SyncSubmitBody, body, 'body'),
    E.chain((b) =>
      b.members.length === 0
        ? E.left([{ path: 'members', message: 'must contain at least one member' }])
        : E.right(b),
    ),
  );

const SubmissionData = unwrapData(SyncSubmission);
const RequestData = unwrapData(SyncRequest);
const submitPath = route('/v1/groups/{groupId}/members/sync');
const requestPath = route('/v1/groups/{groupId}/members/sync/{requestId}');

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * `client.members.sync`: submit a batch of members to a group and read a
 * submitted batch back. Every member is checked with `MemberInput` before
 * anything is sent, and the normalised form (10-digit phone, upper-case state)
 * is what is sent.
 *
 * @example
 * import { createClient } from 'vitable-connect-rx';
 *
 * const client = createClient();
 * client.members.sync.submit('grp_1', { members }).subscribe((s) => console.log(s.request_id));
 *
 * @internal
 */
export const makeMembersSync = (http: Http): MembersSyncResource => ({
  submit: (groupId, body, options) =>
    http.request('POST', 'members.sync.submit', options, () =>
      endpoint(submitPath({ groupId }), SubmissionData, { body: submitBody(body) }),
    ),
  retrieve: (groupId, requestId, options) =>
    http.request('GET', 'members.sync.retrieve', options, () =>
      endpoint(requestPath({ groupId, requestId }), RequestData),
    ),
});
