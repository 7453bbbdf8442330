import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as E from 'fp-ts/Either';
import { fail, toText, type Answer, type TextAnswer } from './answers';
import { FaultInjector } from './fault-injector';
import { makeHandlers } from './handlers';
import { IdempotencyStore } from './idempotency-store';
import { randomId, type IdGenerator } from './ids';
import { parseRequest, type ParseContext, type ParsedRequest, type Refusal } from './parse-request';
import { RateLimiter } from './rate-limiter';
import { EmulatorState, type Organization } from './state';
import type { EmulatorStats, FaultOptions, RateLimitOptions } from './types';
import { NO_FAULT, respond, withDelivery, withFaults, withIdempotency, withRateLimit, type Outcome, type Serve } from './wrappers';


/** The raw answer to a request that is not HTTP Node can parse: a 400 with the JSON error body, then the connection closed. */
const MALFORMED_REQUEST = (() => {
  const body = JSON.stringify(fail(400, 'invalid_request_error', 'Malformed HTTP request').body);
  return (
    'HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-type: application/json\r\n' +
    `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
})();
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
  /** Timers for processing delays and injected latency (default the global `setTimeout` / `clearTimeout`). */
  readonly timers?: EmulatorTimers;
  /** Called each time a request is parsed, with its `req_…` id and the result (tests count parses). */
  readonly onParse?: (requestId: string, parsed: E.Either<Refusal, ParsedRequest>) => void;
}

/** The timer functions the server uses; tests inject their own to drive time. */
export interface EmulatorTimers {
  readonly setTimeout: (fn: () => void, ms: number) => unknown;
  readonly clearTimeout: (handle: unknown) => void;
}

const GLOBAL_TIMERS: EmulatorTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

interface Exchange {
  readonly req: http.IncomingMessage;
  readonly res: http.ServerResponse;
  readonly requestId: string;
  routeKey: string;
  done: boolean;
}

const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

// -------------------------------------------------------------------------------------
// server
// -------------------------------------------------------------------------------------

/**
 * The emulator's HTTP layer on Node's `http` server. Each request is read,
 * parsed once into a typed request or a refusal ({@link parseRequest}), and a
 * parsed one is served by the wrappers around the handler table (rate limit,
 * faults, idempotency, delivery; see `wrappers.ts`). All data lives in
 * {@link EmulatorState}; this class keeps the sockets, timers and counters.
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
  private readonly ids: IdGenerator;
  private readonly faults: FaultInjector;
  private readonly parsing: ParseContext;
  private readonly serve: Serve;
  private readonly clock: EmulatorTimers;
  private readonly timers = new Set<unknown>();
  private stopping: Promise<void> | undefined;
  private counters = { requests: 0, idempotentReplays: 0, errors: 0, drops: 0, rateLimited: 0 };
  private readonly byRoute = new Map<string, Map<string, number>>();

  constructor(options: EmulatorServerOptions) {
    const now = options.now ?? Date.now;
    this.ids = options.ids ?? randomId;
    this.clock = options.timers ?? GLOBAL_TIMERS;
    this.state = new EmulatorState({
      organizations: options.organizations,
      now,
      ids: this.ids,
      processingDelayMs: options.processingDelayMs,
    });
    this.idempotency = new IdempotencyStore({ now, ...options.idempotency });
    this.faults = new FaultInjector(options.faults);
    this.parsing = {
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      maxMembersPerSync: options.maxMembersPerSync,
      organizationByKey: (key) => this.state.organizationByKey(key),
      onParse: options.onParse,
    };
    const handlers = makeHandlers({
      state: this.state,
      processingDelayMs: options.processingDelayMs,
      schedule: (fn, ms) => this.schedule(fn, ms),
    });
    const limiter = options.rateLimit && new RateLimiter(options.rateLimit, now);
    this.serve = withRateLimit(limiter, options.rateLimit?.retryAfterMs === true)(
      withFaults(this.faults, () => this.counters.errors++)(
        withIdempotency(this.idempotency)(
          withDelivery((ms) => this.delay(ms))(respond(handlers, () => this.counters.idempotentReplays++)),
        ),
      ),
    );
    this.http = http.createServer({ keepAliveTimeout: 5000 }, (req, res) => this.onRequest(req, res));
    this.http.on('clientError', (_err, socket) => {
      // a request Node's parser refused (a malformed line or header): the JSON error body every error answer has
      if (socket.writable) socket.end(MALFORMED_REQUEST);
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
      for (const timer of this.timers) this.clock.clearTimeout(timer);
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
    const timer = this.clock.setTimeout(() => {
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

  private send(ex: Exchange, answer: TextAnswer): void {
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

  private drop(ex: Exchange): void {
    if (ex.done) return;
    ex.done = true;
    this.count(ex, 'dropped');
    this.counters.drops++;
    ex.req.socket.destroy();
  }

  private deliver(ex: Exchange, outcome: Outcome): void {
    if (outcome.delivery === 'drop') this.drop(ex);
    else if (outcome.delivery === 'send' && outcome.answer !== undefined) this.send(ex, outcome.answer);
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.counters.requests++;
    const method = req.method ?? 'GET';
    const ex: Exchange = { req, res, requestId: this.ids('req'), routeKey: `${method} (unknown)`, done: false };
    const limit = this.parsing.maxBodyBytes;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('error', () => undefined);
    req.on('end', () => {
      const body = size > limit ? { oversizeBytes: size } : Buffer.concat(chunks).toString('utf8');
      chunks.length = 0;
      this.handle(ex, body).catch((err: unknown) => this.internalError(ex, err));
    });
  }

  private async handle(ex: Exchange, body: string | { oversizeBytes: number }): Promise<void> {
    const { req } = ex;
    const parsed = parseRequest(
      { requestId: ex.requestId, method: req.method ?? 'GET', target: req.url ?? '/', headers: req.headers, body },
      this.parsing,
    );
    if (E.isLeft(parsed)) {
      ex.routeKey = parsed.left.routeKey;
      return this.send(ex, toText(parsed.left.answer));
    }
    ex.routeKey = parsed.right.routeKey;
    const alive = (): boolean => this.stopping === undefined && !req.socket.destroyed;
    this.deliver(ex, await this.serve(parsed.right, { fault: NO_FAULT, alive }));
  }

  /** A defect of the emulator itself: a 500 naming it (no body makes this happen, see the fuzz spec). */
  private internalError(ex: Exchange, err: unknown): void {
    const answer: Answer = fail(500, 'api_error', `Internal emulator error: ${err instanceof Error ? err.message : String(err)}`);
    this.send(ex, toText(answer));
  }
}
