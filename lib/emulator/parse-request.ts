import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import { badQuery, fail, invalid, type Answer } from './answers';
import { fingerprint } from './canonical-json';
import { jsonBody } from './json-body';
import { checkGroupCreate, checkGroupUpdate, checkIntegerParam, checkSyncBody } from './request-validation';
import { matchRoute, targetPath, type Route } from './route';
import type { GroupPatch, Organization } from './state';

// A request as it arrived → a typed request, or the answer that refuses it.
// This is the only place a request is read: route, credentials, content type,
// body and headers are each checked once, here, before anything takes effect.

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A request as the HTTP layer received it. */
export interface RawRequest {
  /** The emulator's `req_…` id for this request (sent as `x-request-id`). */
  readonly requestId: string;
  readonly method: string;
  /** The request target as sent (`/v1/groups?page=2`). */
  readonly target: string;
  readonly headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>;
  /** The body text, or its size in bytes when it was over the limit (and not kept). */
  readonly body: string | { readonly oversizeBytes: number };
}

/** What each route needs, checked and typed. */
export type Target =
  | { readonly kind: 'list'; readonly page: number; readonly limit: number }
  | { readonly kind: 'create'; readonly group: { readonly name: string; readonly external_reference_id: string } }
  | { readonly kind: 'retrieve'; readonly groupId: string }
  | { readonly kind: 'update'; readonly groupId: string; readonly patch: GroupPatch }
  | {
      readonly kind: 'sync-submit';
      readonly groupId: string;
      readonly members: ReadonlyArray<Record<string, unknown>>;
      /** `fingerprint(members)`, computed on first use and kept. */
      readonly payloadPrint: () => string;
    }
  | { readonly kind: 'sync-retrieve'; readonly groupId: string; readonly requestId: string };

/** A well-formed, authenticated request. */
export interface ParsedRequest<T extends Target = Target> {
  readonly requestId: string;
  /** Stats key of its route, e.g. `GET /v1/groups/:id`. */
  readonly routeKey: string;
  readonly method: string;
  /** The path as sent (part of the idempotency fingerprint). */
  readonly path: string;
  readonly org: Organization;
  /** The `Idempotency-Key` of a POST or PATCH, if given. */
  readonly idempotencyKey: string | undefined;
  /** The JSON body (`{}` for a GET). */
  readonly body: Readonly<Record<string, unknown>>;
  readonly target: T;
}

/** A request refused while parsing: the answer, and the route key it counts under. */
export interface Refusal {
  readonly routeKey: string;
  readonly answer: Answer;
}

/** What parsing needs from the emulator. */
export interface ParseContext {
  readonly maxBodyBytes: number;
  readonly maxMembersPerSync: number;
  readonly organizationByKey: (apiKey: string) => Organization | undefined;
  /** Called once per call of {@link parseRequest}, with its result (tests count parses with it). */
  readonly onParse?: (requestId: string, parsed: E.Either<Refusal, ParsedRequest>) => void;
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const header = (raw: RawRequest, name: string): string | undefined => {
  const value = raw.headers[name];
  return typeof value === 'string' ? value : value?.join(', ');
};

const bearerToken = (value: string | undefined): string | undefined =>
  /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(value ?? '')?.[1];

const authenticate = (raw: RawRequest, ctx: ParseContext): E.Either<Answer, Organization> => {
  const token = bearerToken(header(raw, 'authorization'));
  if (token === undefined)
    return E.left({
      ...fail(401, 'authentication_error', 'Missing API key: send the header "Authorization: Bearer <API key>"'),
      headers: { 'www-authenticate': 'Bearer' },
    });
  const org = ctx.organizationByKey(token);
  return org !== undefined
    ? E.right(org)
    : E.left({
        ...fail(401, 'authentication_error', 'Invalid API key'),
        headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
      });
};

const idempotencyKey = (raw: RawRequest): E.Either<Answer, string | undefined> => {
  const value = raw.headers['idempotency-key'];
  if (value === undefined || raw.method === 'GET') return E.right(undefined);
  if (typeof value !== 'string' || value.trim() === '' || value.length > 255)
    return E.left(fail(400, 'invalid_request_error', 'Idempotency-Key must be given once, 1 to 255 characters'));
  return E.right(value);
};

const memo = (f: () => string): (() => string) => {
  let value: string | undefined;
  return () => (value ??= f());
};

/** The route's own checks of query and body, into its typed target. */
const toTarget = (
  route: Route,
  query: URLSearchParams,
  body: Record<string, unknown>,
  ctx: ParseContext,
): E.Either<Answer, Target> => {
  switch (route.kind) {
    case 'list': {
      const page = checkIntegerParam(query, 'page', 1, 1, Number.MAX_SAFE_INTEGER);
      const limit = checkIntegerParam(query, 'limit', 20, 1, 100);
      if (page.ok && limit.ok) return E.right({ kind: 'list', page: page.value, limit: limit.value });
      return E.left(badQuery([...(page.ok ? [] : page.problems), ...(limit.ok ? [] : limit.problems)]));
    }
    case 'create': {
      const checked = checkGroupCreate(body);
      return checked.ok ? E.right({ kind: 'create', group: checked.value }) : E.left(invalid(checked.problems));
    }
    case 'retrieve':
      return E.right({ kind: 'retrieve', groupId: route.groupId });
    case 'update': {
      const checked = checkGroupUpdate(body);
      return checked.ok
        ? E.right({ kind: 'update', groupId: route.groupId, patch: checked.value })
        : E.left(invalid(checked.problems));
    }
    case 'sync-submit': {
      const checked = checkSyncBody(body, ctx.maxMembersPerSync);
      if (!checked.ok) return E.left(invalid(checked.problems));
      const members = checked.value;
      return E.right({ kind: 'sync-submit', groupId: route.groupId, members, payloadPrint: memo(() => fingerprint(members)) });
    }
    case 'sync-retrieve':
      return E.right({ kind: 'sync-retrieve', groupId: route.groupId, requestId: route.requestId });
  }
};

const parse = (raw: RawRequest, ctx: ParseContext): E.Either<Refusal, ParsedRequest> => {
  const unknownKey = `${raw.method} (unknown)`;
  if (typeof raw.body !== 'string')
    return E.left({
      routeKey: unknownKey,
      answer: fail(413, 'payload_too_large', `Request body is ${raw.body.oversizeBytes} bytes; at most ${ctx.maxBodyBytes} are accepted`),
    });
  const text = raw.body;
  const target = targetPath(raw.target);
  const match = target === undefined ? { found: false as const, key: unknownKey } : matchRoute(raw.method, target.path);
  const shownPath = target?.path ?? raw.target;
  if (!match.found) {
    const answer =
      match.allow === undefined
        ? fail(404, 'not_found_error', `No such route: ${raw.method} ${shownPath}`)
        : {
            ...fail(405, 'method_not_allowed', `${raw.method} is not allowed on ${shownPath}; allowed: ${match.allow.join(', ')}`),
            headers: { allow: match.allow.join(', ') },
          };
    return E.left({ routeKey: match.key, answer });
  }
  const { route } = match;
  const path = target!.path;
  return pipe(
    E.Do,
    E.bind('org', () => authenticate(raw, ctx)),
    E.bind('body', () => (raw.method === 'GET' ? E.right({}) : jsonBody(header(raw, 'content-type'), text))),
    E.bind('target', ({ body }) => toTarget(route, new URLSearchParams(target!.query), body, ctx)),
    E.bind('idempotencyKey', () => idempotencyKey(raw)),
    E.bimap(
      (answer): Refusal => ({ routeKey: route.key, answer }),
      ({ org, body, target, idempotencyKey }): ParsedRequest => ({
        requestId: raw.requestId,
        routeKey: route.key,
        method: raw.method,
        path,
        org,
        idempotencyKey,
        body,
        target,
      }),
    ),
  );
};

// -------------------------------------------------------------------------------------
// parsing
// -------------------------------------------------------------------------------------

/**
 * Parses a request once, in this order: body size (413), route (404, 405),
 * bearer auth (401), content type (415), JSON body (400), the route's query
 * and body checks (400, 422), `Idempotency-Key` (400). The result is the typed
 * request, or the first refusal; nothing else reads the request again.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/parse-request.ts)
 * parseRequest(
 *   { requestId: 'req_1', method: 'GET', target: '/v1/groups?limit=5', headers: { authorization: 'Bearer k' }, body: '' },
 *   { maxBodyBytes: 1024, maxMembersPerSync: 1000, organizationByKey: (k) => (k === 'k' ? org : undefined) },
 * ); // right({ routeKey: 'GET /v1/groups', target: { kind: 'list', page: 1, limit: 5 }, … })
 */
export const parseRequest = (raw: RawRequest, ctx: ParseContext): E.Either<Refusal, ParsedRequest> => {
  const parsed = parse(raw, ctx);
  ctx.onParse?.(raw.requestId, parsed);
  return parsed;
};
