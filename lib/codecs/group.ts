/* eslint-disable @typescript-eslint/no-empty-object-type -- each codec's type is an interface named after it and derived from it (API.md, Codecs and types) */
import * as t from 'io-ts';
import { NonEmptyString, Pagination, Timestamp } from './common';

const GroupCodec = t.type(
  {
    id: t.string,
    organization_id: t.string,
    name: t.string,
    external_reference_id: t.string,
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  'Group',
);

/** A group: a benefits cohort of one organization, as the API returns it. */
export interface Group extends t.TypeOf<typeof GroupCodec> {}

/**
 * A group: a benefits cohort of one organization.
 *
 * @example
 * import { Group } from 'vitable-connect-rx';
 * import { isRight } from 'fp-ts/Either';
 *
 * isRight(Group.decode({ id: 'grp_1', organization_id: 'org_1', name: 'Tier 1',
 *   external_reference_id: 'seg_1', created_at: null, updated_at: null })); // true
 */
export const Group: t.Type<Group, Group, unknown> = GroupCodec;

const GroupPageCodec = t.type({ data: t.array(Group), pagination: Pagination }, 'GroupPage');

/** One page of `GET /v1/groups`: its groups and its pagination. */
export interface GroupPage extends t.TypeOf<typeof GroupPageCodec> {}

/**
 * One page of `GET /v1/groups`.
 *
 * @example
 * import { GroupPage } from 'vitable-connect-rx';
 * GroupPage.is({ data: [], pagination: { page: 1, limit: 20, total: 0, total_pages: 0 } }); // true
 */
export const GroupPage: t.Type<GroupPage, GroupPage, unknown> = GroupPageCodec;

const GroupCreateParamsCodec = t.exact(
  t.type({ name: NonEmptyString, external_reference_id: NonEmptyString }),
  'GroupCreateParams',
);

/** The body of `POST /v1/groups`. */
export interface GroupCreateParams extends t.TypeOf<typeof GroupCreateParamsCodec> {}

/**
 * The body of `POST /v1/groups`. Both fields must be non-empty; unknown keys are dropped.
 *
 * @example
 * import { GroupCreateParams } from 'vitable-connect-rx';
 * GroupCreateParams.decode({ name: 'Tier 1', external_reference_id: 'seg_1' }); // Right
 */
export const GroupCreateParams: t.Type<GroupCreateParams, GroupCreateParams, unknown> = GroupCreateParamsCodec;

const GroupUpdateParamsCodec = t.exact(
  t.partial({ name: NonEmptyString, external_reference_id: NonEmptyString }),
  'GroupUpdateParams',
);

/** The body of `PATCH /v1/groups/{id}`; a field left out is left unchanged. */
export interface GroupUpdateParams extends t.TypeOf<typeof GroupUpdateParamsCodec> {}

/**
 * The body of `PATCH /v1/groups/{id}`. Fields are optional but, when given, non-empty.
 *
 * @example
 * import { GroupUpdateParams } from 'vitable-connect-rx';
 * GroupUpdateParams.decode({ name: 'Tier 1 (renamed)' }); // Right
 */
export const GroupUpdateParams: t.Type<GroupUpdateParams, GroupUpdateParams, unknown> = GroupUpdateParamsCodec;

/** Query of `GET /v1/groups`. */
export interface GroupListParams {
  /** 1-based page number (default 1). */
  readonly page?: number;
  /** Items per page, 1 to 100 (server default 20). */
  readonly limit?: number;
}

/** Options of `groups.listAll`. */
export interface GroupListAllParams {
  /** Items per page, 1 to 100 (default 100). */
  readonly limit?: number;
  /** How many pages may be in flight ahead of what was emitted, kept in order (default 1: one at a time). */
  readonly prefetch?: number;
}
