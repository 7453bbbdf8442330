// Shared fixtures of the HTTP-layer specs: a client on a fake host, canned
// resources, a virtual clock and a recorder for what nock saw.
import FakeTimers from '@sinonjs/fake-timers';
import axios, { type AxiosInstance, type InternalAxiosRequestConfig } from 'axios';
import nock from 'nock';
import type { Observable, Subscription } from 'rxjs';
import { makeClient, type ClientDeps } from '../../lib/client';
import type { ClientOptions, VitableConnect } from '../../lib/types';

/** The fake API host nock answers for. */
export const API = 'https://api.vitable.test';
/** A recognisable key: specs check it never leaks. */
export const KEY = 'vc_live_SECRET_9f8e7d6c5b4a';

/** A client on {@link API} with zero jitter, no env vars, and retries as configured. */
export const testClient = (options: ClientOptions = {}, deps: ClientDeps = {}): VitableConnect =>
  makeClient({ apiKey: KEY, baseURL: API, ...options }, { random: () => 0, env: {}, ...deps });

/** A group as the server sends it. */
export const group = (n: number | string): Record<string, unknown> => ({
  id: `grp_${n}`,
  organization_id: 'org_1',
  name: `Group ${n}`,
  external_reference_id: `ext_${n}`,
  created_at: '2026-01-15T10:30:00Z',
  updated_at: '2026-01-15T10:30:00Z',
});

/** A page of `GET /v1/groups` over `total` groups. */
export const groupPage = (page: number, limit: number, total: number): Record<string, unknown> => {
  const start = (page - 1) * limit;
  const data = [];
  for (let i = start; i < Math.min(start + limit, total); i++) data.push(group(i + 1));
  return { data, pagination: { page, limit, total, total_pages: Math.ceil(total / limit) } };
};

/** A valid member input (before normalisation). */
export const member = (n: number | string): Record<string, unknown> => ({
  reference_id: `EMP-${n}`,
  first_name: 'Jane',
  last_name: 'Doe',
  date_of_birth: '1990-05-15',
  phone: '+1 (415) 555-0100',
  plan_id: 'pln_abc123',
  email: 'jane.doe@acme.com',
  address: {
    address_line_1: '123 Main Street',
    city: 'San Francisco',
    state: 'ca',
    zipcode: '94102',
  },
});

/** What one nock interception saw. */
export interface Seen {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  /** `Date.now()` when the request arrived (virtual under a fake clock). */
  readonly at: number;
}

/** A nock reply function. */
type ReplyFn = (this: nock.ReplyFnContext, path: string, body: nock.Body) => nock.ReplyFnResult;

/**
 * Records every request nock answers through {@link record}, or through a
 * reply function made by {@link answer} (records, then answers as given).
 */
export const recorder = (): {
  seen: Seen[];
  record: (req: nock.ReplyFnContext['req'], path: string, body: unknown) => void;
  answer: (status: number, body: nock.ReplyBody, headers?: nock.ReplyHeaders) => ReplyFn;
  answerEach: (...replies: ReadonlyArray<readonly [number, nock.ReplyBody]>) => ReplyFn;
} => {
  const seen: Seen[] = [];
  const record = (req: nock.ReplyFnContext['req'], path: string, body: unknown): void => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = String(v);
    seen.push({ method: req.method ?? '', path, headers, body, at: Date.now() });
  };
  const answer =
    (status: number, body: nock.ReplyBody, headers?: nock.ReplyHeaders): ReplyFn =>
    function (this: nock.ReplyFnContext, path: string, requestBody: nock.Body) {
      record(this.req, path, requestBody);
      return headers === undefined ? [status, body] : [status, body, headers];
    };
  /** Records, then answers the n-th request with the n-th reply (the last one repeats). */
  const answerEach =
    (...replies: ReadonlyArray<readonly [number, nock.ReplyBody]>): ReplyFn =>
    function (this: nock.ReplyFnContext, path: string, requestBody: nock.Body) {
      record(this.req, path, requestBody);
      const [status, body] = replies[Math.min(seen.length, replies.length) - 1]!;
      return [status, body];
    };
  return { seen, record, answer, answerEach };
};

/** A subscription whose notifications are kept for inspection. */
export interface Collected<T> {
  readonly values: T[];
  error: unknown;
  completed: boolean;
  readonly subscription: Subscription;
  /** Resolves when the Observable errors or completes. */
  readonly done: Promise<void>;
}

/** Subscribes and keeps every notification. */
export const collect = <T>(source: Observable<T>): Collected<T> => {
  let settle: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (settle = resolve));
  const out: { values: T[]; error: unknown; completed: boolean } = {
    values: [],
    error: undefined,
    completed: false,
  };
  const subscription = source.subscribe({
    next: (v) => out.values.push(v),
    error: (e: unknown) => {
      out.error = e;
      settle();
    },
    complete: () => {
      out.completed = true;
      settle();
    },
  });
  return Object.assign(out, { subscription, done });
};

/** A virtual clock for timers and `Date` (not nextTick/setImmediate, so I/O still flows). */
export const installClock = (now = Date.UTC(2026, 0, 15, 10, 30)): FakeTimers.InstalledClock =>
  FakeTimers.install({
    now,
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  });

/**
 * Lets real I/O (nock replies, axios promises) run, without moving virtual
 * time, until `predicate` holds; fails after `maxTurns` event-loop turns.
 */
export const waitFor = async (
  predicate: () => boolean,
  what = 'condition',
  maxTurns = 2000,
): Promise<void> => {
  for (let i = 0; i < maxTurns; i++) {
    if (predicate()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error(`timed out waiting for ${what}`);
};

/** A few event-loop turns without moving virtual time (to show that nothing more happens). */
export const idle = async (turns = 50): Promise<void> => {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

/** Removes every interceptor and checks none was left unused. */
export const assertAllUsed = (): void => {
  if (!nock.isDone()) throw new Error(`unused interceptors: ${nock.pendingMocks().join(', ')}`);
};

/**
 * An axios instance that records the URL and AbortSignal of every request as it is sent, and counts the
 * requests sent and not yet answered (or failed).
 */
export const recordingAxios = (): {
  instance: AxiosInstance;
  sent: Array<{ url: string; signal: AbortSignal }>;
  inFlight: () => number;
} => {
  const instance = axios.create();
  const sent: Array<{ url: string; signal: AbortSignal }> = [];
  let started = 0;
  let answered = 0;
  instance.interceptors.request.use((config: InternalAxiosRequestConfig) => {
    started += 1;
    if (config.signal instanceof AbortSignal)
      sent.push({ url: config.url ?? '', signal: config.signal });
    return config;
  });
  instance.interceptors.response.use(
    (response) => {
      answered += 1;
      return response;
    },
    (error: unknown) => {
      answered += 1;
      return Promise.reject(error);
    },
  );
  return { instance, sent, inFlight: () => started - answered };
};

/**
 * Moves the virtual clock from timer to timer, but only while no request is in flight (`inFlight` of
 * {@link recordingAxios}): time passes only in the client's own waits, never while nock answers, so the
 * times the client sends at are exact. Returns once every one of `rs` has settled.
 */
export const runQuietly = async (
  clock: FakeTimers.InstalledClock,
  inFlight: () => number,
  ...rs: ReadonlyArray<{ error: unknown; completed: boolean }>
): Promise<void> => {
  const settled = (): boolean => rs.every((r) => r.error !== undefined || r.completed);
  for (let i = 0; i < 1000 && !settled(); i++) {
    await waitFor(() => inFlight() === 0 || settled(), 'the request in flight to be answered');
    // let the client act on the answer (decode, decide, schedule its next wait)
    await idle(5);
    if (settled() || inFlight() > 0) continue;
    await clock.nextAsync();
    await idle(5);
  }
};

/** A request held by {@link manualAxios} until the test answers it. */
export interface HeldRequest {
  readonly url: string;
  readonly method: string;
  readonly signal: AbortSignal | undefined;
  respond(status: number, body: unknown, headers?: Record<string, string>): void;
}

/**
 * An axios instance whose adapter holds every request until the test calls
 * `respond`, so a spec decides the order replies arrive in without any clock.
 * (nock's own `.delay()` runs on real timers, which a fake clock cannot move.)
 */
export const manualAxios = (): { instance: AxiosInstance; held: HeldRequest[] } => {
  const held: HeldRequest[] = [];
  const instance = axios.create({
    adapter: (config) =>
      new Promise((resolve, reject) => {
        const signal = config.signal instanceof AbortSignal ? config.signal : undefined;
        signal?.addEventListener('abort', () => reject(new axios.CanceledError('aborted')));
        held.push({
          url: config.url ?? '',
          method: (config.method ?? 'get').toUpperCase(),
          signal,
          respond: (status, body, headers = {}) =>
            resolve({ data: JSON.stringify(body), status, statusText: '', headers, config }),
        });
      }),
  });
  return { instance, held };
};

/** A logger that keeps each line as `<level> <message>`. */
export const recordingLogger = (): {
  lines: string[];
  logger: { error(m: string): void; warn(m: string): void; info(m: string): void; debug(m: string): void };
} => {
  const lines: string[] = [];
  const logger = {
    error: (m: string) => void lines.push(`error ${m}`),
    warn: (m: string) => void lines.push(`warn ${m}`),
    info: (m: string) => void lines.push(`info ${m}`),
    debug: (m: string) => void lines.push(`debug ${m}`),
  };
  return { lines, logger };
};
