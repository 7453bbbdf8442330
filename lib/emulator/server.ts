import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fingerprint, requestFingerprint } from './canonical-json';
import { FaultInjector, type FaultOutcome } from './fault-injector';
import { IdempotencyStore, type StoredResponse } from './idempotency-store';
import { randomId, type IdGenerator } from './ids';
import { RateLimiter } from './rate-limiter';
import {
  checkGroupCreate,
  checkGroupUpdate,
  checkIntegerParam,
  checkSyncBody,
  isJsonObject,
  type Problem,
} from './request-validation';
import { EmulatorState, type Organization } from './state';
import type { EmulatorStats, FaultOptions, RateLimitOptions } from './types';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Everything {@link EmulatorServer} needs, resolved (the public options plus internal knobs). */
export interface EmulatorServerOptions {
  readonly organizations: ReadonlyArray<Organization>;
  readonly processingDelayMs: number;
  readonly maxMembersPerSync: number;
  readonly rateLimit?: RateLimitOptions;
  readonly faults?: FaultOptions;
  /** Largest request body read, in bytes (default 10 MiB); larger ones get 413. */
  readonly maxBodyBytes?: number;
  /** Idempotency table limits (default 24 h, 10 000 keys per organization). */
  readonly idempotency?: { readonly ttlMs?: number; readonly maxEntries?: number };
  /** Clock, ms since epoch (default `Date.now`). */
  readonly now?: () => number;
  /** Id generator (default random 12-character suffixes). */
  readonly ids?: IdGenerator;
}

type Method = 'GET' | 'POST' | 'PATCH';

interface Route {
  /** Stats key, e.g. `GET /v1/groups/:id`. */
  readonly key: string;
  readonly kind: 'list' | 'create' | 'retrieve' | 'update' | 'sync-submit' | 'sync-retrieve';
  readonly groupId: string;
  readonly requestId: string;
}

type RouteMatch =
  | { readonly found: true; readonly route: Route }
  | { readonly found: false; readonly key: string; readonly allow?: ReadonlyArray<Method> };

interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

interface Exchange {
  readonly req: http.IncomingMessage;
  readonly res: http.ServerResponse;
  readonly requestId: string;
  routeKey: string;
  done: boolean;
}

const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const errorBody = (type: string, message: string, details?: ReadonlyArray<Problem>): unknown => ({
  error: details === undefined ? { type, message } : { type, message, details },
});

const fail = (status: number, type: string, message: string, details?: ReadonlyArray<Problem>): Answer => ({
  status,
  body: errorBody(type, message, details),
});

const invalid = (problems: ReadonlyArray<Problem>, what = 'request body'): Answer =>
  fail(422, 'validation_error', `Invalid ${what}: ${problems.map((p) => p.message).join('; ')}`, problems);

const badQuery = (problems: ReadonlyArray<Problem>): Answer =>
  fail(400, 'invalid_request_error', `Invalid query: ${problems.map((p) => p.message).join('; ')}`, problems);

/** A 429: `Retry-After` in whole seconds (rounded up), plus the exact `retry-after-ms` when `exactMs`. */
const rateLimited = (retryAfterMs: number, message: string, exactMs: boolean): Answer => {
  const seconds = String(Math.max(1, Math.ceil(retryAfterMs / 1000)));
  return {
    status: 429,
    body: errorBody('rate_limit_error', message),
    headers: exactMs ? { 'retry-after': seconds, 'retry-after-ms': String(retryAfterMs) } : { 'retry-after': seconds },
  };
};

const matchRoute = (method: string, pathname: string): RouteMatch => {
  const raw = pathname.split('/').slice(1);
  let segments: string[];
  try {
    segments = raw.map((s) => decodeURIComponent(s));
  } catch {
    return { found: false, key: `${method} (unknown)` };
  }
  const unknown: RouteMatch = { found: false, key: `${method} (unknown)` };
  if (segments[0] !== 'v1' || segments[1] !== 'groups' || segments.slice(2).some((s) => s === '')) return unknown;
  const [groupId = '', fourth, fifth, requestId = ''] = segments.slice(2);
  const pick = (
    pattern: string,
    allowed: Partial<Record<Method, Route['kind']>>,
  ): RouteMatch => {
    const kind = allowed[method as Method];
    if (kind === undefined)
      return { found: false, key: `${method} ${pattern}`, allow: Object.keys(allowed) as Method[] };
    return { found: true, route: { key: `${method} ${pattern}`, kind, groupId, requestId } };
  };
  switch (segments.length) {
    case 2:
      return pick('/v1/groups', { GET: 'list', POST: 'create' });
    case 3:
      return pick('/v1/groups/:id', { GET: 'retrieve', PATCH: 'update' });
    case 5:
      return fourth === 'members' && fifth === 'sync'
        ? pick('/v1/groups/:id/members/sync', { POST: 'sync-submit' })
        : unknown;
    case 6:
      return fourth === 'members' && fifth === 'sync'
        ? pick('/v1/groups/:id/members/sync/:request_id', { GET: 'sync-retrieve' })
        : unknown;
    default:
      return unknown;
  }
};

const bearerToken = (header: string | undefined): string | undefined => {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  return m?.[1];
};

// -------------------------------------------------------------------------------------
// server
// -------------------------------------------------------------------------------------

/**
 * The emulator's HTTP layer on Node's `http` server: routing, bearer auth,
 * body limits and JSON parsing, request validation, the rate limit, seeded
 * faults, idempotency keys, and counters. All data lives in {@link EmulatorState}.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/server.ts); use startEmulator instead
 * const server = new EmulatorServer({ organizations, processingDelayMs: 0, maxMembersPerSync: 1000 });
 * const url = await server.listen(0, '127.0.0.1');
 */
export class EmulatorServer {
  /** The stored data (exposed for tests and inspection). */
  readonly state: EmulatorState;
  /** The idempotency table (exposed so tests can check its bound). */
  readonly idempotency: IdempotencyStore;
  private readonly http: http.Server;
  private readonly now: () => number;
  private readonly ids: IdGenerator;
  private readonly limiter: RateLimiter | undefined;
  private readonly faults: FaultInjector;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopping: Promise<void> | undefined;
  private counters = { requests: 0, idempotentReplays: 0, errors: 0, drops: 0, rateLimited: 0 };
  private readonly byRoute = new Map<string, Map<string, number>>();

  constructor(private readonly options: EmulatorServerOptions) {
    this.now = options.now ?? Date.now;
    this.ids = options.ids ?? randomId;
    this.state = new EmulatorState({
      organizations: options.organizations,
      now: this.now,
      ids: this.ids,
      processingDelayMs: options.processingDelayMs,
    });
    this.idempotency = new IdempotencyStore({ now: this.now, ...options.idempotency });
    this.limiter = options.rateLimit && new RateLimiter(options.rateLimit, this.now);
    this.faults = new FaultInjector(options.faults);
    this.http = http.createServer({ keepAliveTimeout: 5000 }, (req, res) => this.onRequest(req, res));
    this.http.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      else socket.destroy();
    });
  }

  /** Starts listening; resolves with the base URL. */
  listen(port: number, host: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.http.once('error', onError);
      this.http.listen(port, host, () => {
        this.http.off('error', onError);
        const address = this.http.address() as AddressInfo;
        const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        resolve(`http://${shownHost}:${address.port}`);
      });
    });
  }

  /** Closes the server and every connection now; pending timers (processing, latency) are dropped. Idempotent. */
  stop(): Promise<void> {
    if (this.stopping === undefined) {
      for (const timer of this.timers) clearTimeout(timer);
      this.timers.clear();
      this.stopping = new Promise<void>((resolve) => {
        if (!this.http.listening) return resolve();
        this.http.close(() => resolve());
        this.http.closeAllConnections();
      });
    }
    return this.stopping;
  }

  /** Replaces the fault settings and restarts their sequence. */
  setFaults(faults: FaultOptions | undefined): void {
    this.faults.set(faults);
  }

  /** A snapshot of every counter. */
  stats(): EmulatorStats {
    const byRoute: Record<string, Record<string, number>> = {};
    for (const [route, statuses] of this.byRoute) byRoute[route] = Object.fromEntries(statuses);
    return {
      requests: this.counters.requests,
      byRoute,
      idempotentReplays: this.counters.idempotentReplays,
      ...this.state.stats(),
      faults: { errors: this.counters.errors, drops: this.counters.drops, rateLimited: this.counters.rateLimited },
    };
  }

  // ------------------------------------------------------------------ plumbing

  private schedule(fn: () => void, ms: number): void {
    if (this.stopping !== undefined) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => this.schedule(resolve, ms));
  }

  private count(ex: Exchange, status: string): void {
    let statuses = this.byRoute.get(ex.routeKey);
    if (statuses === undefined) this.byRoute.set(ex.routeKey, (statuses = new Map()));
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }

  private send(ex: Exchange, answer: { status: number; body: string; headers?: Readonly<Record<string, string>> }): void {
    if (ex.done) return;
    ex.done = true;
    this.count(ex, String(answer.status));
    if (answer.status === 429) this.counters.rateLimited++;
    if (ex.res.destroyed || ex.res.headersSent) return;
    ex.res.writeHead(answer.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(answer.body)),
      'x-request-id': ex.requestId,
      ...answer.headers,
    });
    ex.res.end(answer.body);
  }

  private answer(ex: Exchange, answer: Answer): void {
    this.send(ex, { status: answer.status, body: JSON.stringify(answer.body), headers: answer.headers });
  }

  private drop(ex: Exchange): void {
    if (ex.done) return;
    ex.done = true;
    this.count(ex, 'dropped');
    this.counters.drops++;
    ex.req.socket.destroy();
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.counters.requests++;
    const ex: Exchange = { req, res, requestId: this.ids('req'), routeKey: `${req.method ?? 'GET'} (unknown)`, done: false };
    const limit = this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('error', () => undefined);
    req.on('end', () => {
      if (size > limit) {
        chunks.length = 0;
        this.answer(ex, fail(413, 'payload_too_large', `Request body is ${size} bytes; at most ${limit} are accepted`));
        return;
      }
      this.handle(ex, Buffer.concat(chunks).toString('utf8')).catch((err: unknown) => {
        this.answer(ex, fail(500, 'api_error', `Internal emulator error: ${err instanceof Error ? err.message : String(err)}`));
      });
    });
  }

  // ------------------------------------------------------------------ request pipeline

  private async handle(ex: Exchange, rawBody: string): Promise<void> {
    const method = ex.req.method ?? 'GET';
    const url = new URL(ex.req.url ?? '/', 'http://emulator.invalid');
    const match = matchRoute(method, url.pathname);
    ex.routeKey = match.found ? match.route.key : match.key;
    if (!match.found) {
      if (match.allow === undefined)
        return this.answer(ex, fail(404, 'not_found_error', `No such route: ${method} ${url.pathname}`));
      return this.answer(ex, {
        ...fail(405, 'method_not_allowed', `${method} is not allowed on ${url.pathname}; allowed: ${match.allow.join(', ')}`),
        headers: { allow: match.allow.join(', ') },
      });
    }
    const route = match.route;

    // authentication
    const token = bearerToken(ex.req.headers.authorization);
    if (token === undefined)
      return this.answer(ex, {
        ...fail(401, 'authentication_error', 'Missing API key: send the header "Authorization: Bearer <API key>"'),
        headers: { 'www-authenticate': 'Bearer' },
      });
    const org = this.state.organizationByKey(token);
    if (org === undefined)
      return this.answer(ex, {
        ...fail(401, 'authentication_error', 'Invalid API key'),
        headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
      });

    // rate limit, per API key
    const decision = this.limiter?.take(org.apiKey);
    if (decision !== undefined && !decision.allowed)
      return this.answer(ex, rateLimited(
          decision.retryAfterMs,
          `Rate limit exceeded; retry in ${decision.retryAfterMs} ms`,
          this.options.rateLimit?.retryAfterMs === true,
        ),
      );

    // body
    let body: Record<string, unknown> = {};
    if (method !== 'GET') {
      if (rawBody.trim() === '')
        return this.answer(ex, fail(400, 'invalid_request_error', 'Request body is required: a JSON object'));
      let parsed: unknown;
      try {
        parsed = JSON.parse(rawBody);
      } catch (err) {
        return this.answer(
          ex,
          fail(400, 'invalid_request_error', `Malformed JSON body: ${err instanceof Error ? err.message : String(err)}`),
        );
      }
      if (!isJsonObject(parsed))
        return this.answer(ex, fail(400, 'invalid_request_error', 'Request body must be a JSON object'));
      body = parsed;
    }

    // validation before any effect
    const problem = this.validate(route, url.searchParams, body);
    if (problem !== undefined) return this.answer(ex, problem);

    const idempotencyKey = method === 'GET' ? undefined : ex.req.headers['idempotency-key'];
    if (Array.isArray(idempotencyKey) || (idempotencyKey !== undefined && (idempotencyKey.trim() === '' || idempotencyKey.length > 255)))
      return this.answer(ex, fail(400, 'invalid_request_error', 'Idempotency-Key must be given once, 1 to 255 characters'));

    // injected faults (decided per request, in arrival order)
    const fault: FaultOutcome = this.faults.next();
    if (fault.rateLimitMs !== undefined)
      return this.answer(ex, rateLimited(fault.rateLimitMs, `Rate limit exceeded (injected); retry in ${fault.rateLimitMs} ms`, true));
    if (fault.errorStatus !== undefined) {
      this.counters.errors++;
      return this.answer(
        ex,
        fault.errorStatus === 503
          ? fail(503, 'service_unavailable', 'Service temporarily unavailable (injected fault)')
          : fail(500, 'api_error', 'Internal server error (injected fault)'),
      );
    }

    // the sync payload is fingerprinted once: for the duplicate-batch count and within the request's fingerprint
    const payloadPrint = route.kind === 'sync-submit' ? fingerprint(body['members']) : undefined;

    // idempotency: replay, conflict, or hold the key while this request runs
    let replay: StoredResponse | undefined;
    if (idempotencyKey !== undefined) {
      const print = requestFingerprint(method, url.pathname, body, payloadPrint === undefined ? {} : { members: payloadPrint });
      for (;;) {
        const lookup = this.idempotency.begin(org.id, idempotencyKey, print);
        if (lookup.kind === 'pending') {
          await lookup.settled;
          if (ex.req.socket.destroyed) return;
          continue;
        }
        if (lookup.kind === 'conflict')
          return this.answer(
            ex,
            fail(
              422,
              'idempotency_error',
              'Idempotency-Key was already used with a different request (method, path or body); use a new key for a new request',
            ),
          );
        if (lookup.kind === 'replay') replay = lookup.response;
        break;
      }
    }

    if (fault.latencyMs > 0) await this.delay(fault.latencyMs);
    const release = (): void => {
      if (idempotencyKey !== undefined && replay === undefined) this.idempotency.abandon(org.id, idempotencyKey);
    };
    if (this.stopping !== undefined || ex.req.socket.destroyed) return release();
    if (fault.drop === 'before') {
      release();
      return this.drop(ex);
    }

    if (replay !== undefined) {
      this.counters.idempotentReplays++;
      if (fault.drop === 'after') return this.drop(ex);
      return this.send(ex, { ...replay, headers: { 'idempotent-replayed': 'true' } });
    }

    const answer = this.execute(route, org, url.searchParams, body, payloadPrint);
    const text = JSON.stringify(answer.body);
    if (idempotencyKey !== undefined) {
      if (answer.status >= 200 && answer.status < 300)
        this.idempotency.complete(org.id, idempotencyKey, { status: answer.status, body: text });
      else release();
    }
    if (fault.drop === 'after') return this.drop(ex);
    this.send(ex, { status: answer.status, body: text, headers: answer.headers });
  }

  private validate(route: Route, query: URLSearchParams, body: Record<string, unknown>): Answer | undefined {
    switch (route.kind) {
      case 'list': {
        const page = checkIntegerParam(query, 'page', 1, 1, Number.MAX_SAFE_INTEGER);
        const limit = checkIntegerParam(query, 'limit', 20, 1, 100);
        const problems = [...(page.ok ? [] : page.problems), ...(limit.ok ? [] : limit.problems)];
        return problems.length > 0 ? badQuery(problems) : undefined;
      }
      case 'create': {
        const checked = checkGroupCreate(body);
        return checked.ok ? undefined : invalid(checked.problems);
      }
      case 'update': {
        const checked = checkGroupUpdate(body);
        return checked.ok ? undefined : invalid(checked.problems);
      }
      case 'sync-submit': {
        const checked = checkSyncBody(body, this.options.maxMembersPerSync);
        return checked.ok ? undefined : invalid(checked.problems);
      }
      default:
        return undefined;
    }
  }

  /** The effect of a valid request on the state, and its answer. */
  private execute(
    route: Route,
    org: Organization,
    query: URLSearchParams,
    body: Record<string, unknown>,
    payloadPrint: string | undefined,
  ): Answer {
    const groupNotFound = (): Answer =>
      fail(404, 'not_found_error', `Group ${route.groupId} not found in organization ${org.id}`);
    switch (route.kind) {
      case 'list': {
        const page = checkIntegerParam(query, 'page', 1, 1, Number.MAX_SAFE_INTEGER);
        const limit = checkIntegerParam(query, 'limit', 20, 1, 100);
        return { status: 200, body: this.state.listGroups(org.id, page.ok ? page.value : 1, limit.ok ? limit.value : 20) };
      }
      case 'create': {
        const checked = checkGroupCreate(body);
        if (!checked.ok) return invalid(checked.problems);
        return { status: 201, body: { data: this.state.createGroup(org.id, checked.value) } };
      }
      case 'retrieve': {
        const group = this.state.getGroup(org.id, route.groupId);
        return group === undefined ? groupNotFound() : { status: 200, body: { data: group } };
      }
      case 'update': {
        const checked = checkGroupUpdate(body);
        if (!checked.ok) return invalid(checked.problems);
        const group = this.state.updateGroup(org.id, route.groupId, checked.value);
        return group === undefined ? groupNotFound() : { status: 200, body: { data: group } };
      }
      case 'sync-submit': {
        const checked = checkSyncBody(body, this.options.maxMembersPerSync);
        if (!checked.ok) return invalid(checked.problems);
        const submission = this.state.acceptSync(org.id, route.groupId, checked.value, payloadPrint);
        if (submission === undefined) return groupNotFound();
        const requestId = submission.request_id;
        this.schedule(() => this.state.processThrough(requestId), this.options.processingDelayMs);
        return { status: 202, body: { data: submission } };
      }
      case 'sync-retrieve': {
        this.state.processDue();
        if (this.state.getGroup(org.id, route.groupId) === undefined) return groupNotFound();
        const request = this.state.getSync(org.id, route.groupId, route.requestId);
        return request === undefined
          ? fail(404, 'not_found_error', `Sync request ${route.requestId} not found for group ${route.groupId}`)
          : { status: 200, body: { data: request } };
      }
    }
  }
}
