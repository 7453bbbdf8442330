import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import { defer, throwError } from 'rxjs';
import { Group, GroupCreateParams, GroupPage, GroupUpdateParams } from '../codecs';
import { checkedFirst } from '../codecs/common';
import { ValidationError } from '../errors';
import type { Http } from '../http/http-client';
import { endpoint, route } from '../http/route';
import {
  decodeInput,
  integerIn,
  paramsObject,
  readSafely,
  requestOptions,
  validateAll,
  type Validation,
} from '../http/validate';
import { autoPage } from '../operators/auto-page';
import type { GroupsResource, RequestOptions } from '../types';
import { unwrapData } from './unwrap-data';

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const GroupData = unwrapData(Group);
const PageDecoder = checkedFirst(GroupPage);
const groupsPath = route('/v1/groups');
const groupPath = route('/v1/groups/{groupId}');

/** Largest page the API serves. */
export const MAX_PAGE_SIZE = 100;

const listQuery = (params: unknown): Validation<{ page?: number; limit?: number }> =>
  pipe(
    paramsObject('params', params),
    E.chain((p) =>
      validateAll({
        page: integerIn('page', p['page'], 1, Infinity),
        limit: integerIn('limit', p['limit'], 1, MAX_PAGE_SIZE),
      }),
    ),
  );

const listAllParams = (params: unknown): Validation<{ limit: number; prefetch: number }> =>
  pipe(
    paramsObject('params', params),
    E.chain((p) =>
      validateAll({
        limit: integerIn('limit', p['limit'], 1, MAX_PAGE_SIZE),
        prefetch: integerIn('prefetch', p['prefetch'], 0, Infinity),
      }),
    ),
    E.map(({ limit, prefetch }) => ({ limit: limit ?? MAX_PAGE_SIZE, prefetch: prefetch ?? 1 })),
  );

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * `client.groups`: one-line endpoint methods over the HTTP layer. Every method
 * returns a cold Observable; its arguments are read and checked once, when it is
 * called (bad ones error each subscription, and nothing is sent).
 *
 * @example
 * import { createClient } from 'vitable-connect-rx';
 *
 * const client = createClient({ apiKey: process.env.VITABLE_CONNECT_API_KEY });
 * client.groups.create({ name: 'Tier 1', external_reference_id: 'seg_1' }).subscribe((g) => console.log(g.id));
 *
 * @internal
 */
export const makeGroups = (http: Http): GroupsResource => {
  const list: GroupsResource['list'] = (params, options) =>
    http.request('GET', 'groups.list', options, () =>
      endpoint(groupsPath({}), PageDecoder, { query: listQuery(params) }),
    );

  return {
    list,
    listAll: (params, options) => {
      // read once, now (as every other method's arguments): each subscription walks with what was checked here
      const checked = validateAll({
        params: readSafely('params', () => listAllParams(params)),
        options: readSafely('options', () => requestOptions(options)),
      });
      return defer(() =>
        pipe(
          checked,
          E.matchW(
            (issues) => throwError(() => new ValidationError('groups.listAll', issues)),
            // every page gets the options as checked, not the caller's object again
            ({ params: { limit, prefetch }, options: checkedOptions }) =>
              autoPage((page) => list({ page, limit }, checkedOptions as RequestOptions), { prefetch }),
          ),
        ),
      );
    },
    create: (body, options) =>
      http.request('POST', 'groups.create', options, () =>
        endpoint(groupsPath({}), GroupData, { body: decodeInput(GroupCreateParams, body, 'body') }),
      ),
    retrieve: (groupId, options) =>
      http.request('GET', 'groups.retrieve', options, () =>
        endpoint(groupPath({ groupId }), GroupData),
      ),
    update: (groupId, body, options) =>
      http.request('PATCH', 'groups.update', options, () =>
        endpoint(groupPath({ groupId }), GroupData, {
          body: decodeInput(GroupUpdateParams, body, 'body'),
        }),
      ),
  };
};
