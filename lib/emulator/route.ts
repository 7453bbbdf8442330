// Request targets → the six routes of the HTTP reference. The path is matched
// as sent: no dot segments resolved, no slashes merged (`//v1/groups` is not
// `/v1/groups`), each segment percent-decoded once.

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The methods the routes answer. */
export type Method = 'GET' | 'POST' | 'PATCH';

/** Which endpoint a request is for. */
export type RouteKind = 'list' | 'create' | 'retrieve' | 'update' | 'sync-submit' | 'sync-retrieve';

/** A matched route: its stats key and the ids in its path. */
export interface Route {
  /** Stats key, e.g. `GET /v1/groups/:id`. */
  readonly key: string;
  readonly kind: RouteKind;
  readonly groupId: string;
  readonly requestId: string;
}

/** A route, or why there is none: 404 (no `allow`) or 405 (the methods the path allows). */
export type RouteMatch =
  | { readonly found: true; readonly route: Route }
  | { readonly found: false; readonly key: string; readonly allow?: ReadonlyArray<Method> };

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * The path of a request target, as sent: up to `?` or `#` for the usual
 * origin form (`/v1/groups?page=2`), the URL's path for the absolute form
 * (`http://host/v1/groups`), `undefined` for anything else.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/route.ts)
 * targetPath('//v1/groups?page=1'); // { path: '//v1/groups', query: 'page=1' }
 */
export const targetPath = (target: string): { readonly path: string; readonly query: string } | undefined => {
  if (target.startsWith('/')) {
    const end = target.search(/[?#]/);
    if (end < 0) return { path: target, query: '' };
    const hash = target.indexOf('#');
    const query = target[end] === '?' ? target.slice(end + 1, hash < 0 ? undefined : hash) : '';
    return { path: target.slice(0, end), query };
  }
  try {
    const url = new URL(target);
    return url.protocol === 'http:' || url.protocol === 'https:' ? { path: url.pathname, query: url.search.slice(1) } : undefined;
  } catch {
    return undefined;
  }
};

// -------------------------------------------------------------------------------------
// matching
// -------------------------------------------------------------------------------------

/**
 * Matches a method and path to a route. Empty segments, a segment that is not
 * valid percent-encoding, and anything off the six routes are unknown.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/route.ts)
 * matchRoute('PATCH', '/v1/groups/grp_1'); // { found: true, route: { key: 'PATCH /v1/groups/:id', kind: 'update', groupId: 'grp_1', requestId: '' } }
 * matchRoute('GET', '//v1/groups');        // { found: false, key: 'GET (unknown)' }
 */
export const matchRoute = (method: string, path: string): RouteMatch => {
  const unknown: RouteMatch = { found: false, key: `${method} (unknown)` };
  let segments: string[];
  try {
    segments = path.split('/').slice(1).map((s) => decodeURIComponent(s));
  } catch {
    return unknown;
  }
  if (segments[0] !== 'v1' || segments[1] !== 'groups' || segments.some((s) => s === '')) return unknown;
  const [groupId = '', fourth, fifth, requestId = ''] = segments.slice(2);
  const pick = (pattern: string, allowed: Partial<Record<Method, RouteKind>>): RouteMatch => {
    const kind = Object.prototype.hasOwnProperty.call(allowed, method) ? allowed[method as Method] : undefined;
    if (kind === undefined) return { found: false, key: `${method} ${pattern}`, allow: Object.keys(allowed) as Method[] };
    return { found: true, route: { key: `${method} ${pattern}`, kind, groupId, requestId } };
  };
  const sync = fourth === 'members' && fifth === 'sync';
  switch (segments.length) {
    case 2:
      return pick('/v1/groups', { GET: 'list', POST: 'create' });
    case 3:
      return pick('/v1/groups/:id', { GET: 'retrieve', PATCH: 'update' });
    case 5:
      return sync ? pick('/v1/groups/:id/members/sync', { POST: 'sync-submit' }) : unknown;
    case 6:
      return sync ? pick('/v1/groups/:id/members/sync/:request_id', { GET: 'sync-retrieve' }) : unknown;
    default:
      return unknown;
  }
};
