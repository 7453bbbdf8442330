import { randomUUID } from 'node:crypto';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import * as E from 'fp-ts/Either';
import { ConfigError, formatIssues, registerSecret } from './errors';
import { makeHttp, type HttpConfig } from './http/http-client';
import { LOG_LEVELS, makeLog } from './http/log';
import { headersRecord, isRecord } from './http/validate';
import { makeGroups } from './resources/groups';
import { makeMembersSync } from './resources/members-sync';
import {
  ENVIRONMENTS,
  type ClientOptions,
  type Environment,
  type Logger,
  type LogLevel,
  type RetryEvent,
  type VitableConnect,
} from './types';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Environment variable holding the API key. */
export const API_KEY_ENV = 'VITABLE_CONNECT_API_KEY';
/** Environment variable holding a base URL. */
export const BASE_URL_ENV = 'VITABLE_CONNECT_BASE_URL';
/** Environment variable holding the log level. */
export const LOG_ENV = 'VITABLE_CONNECT_LOG';

/**
 * Internal injection points of {@link makeClient} (not part of the public
 * contract): time, randomness, key generation and the environment, so tests
 * and tools are deterministic.
 *
 * @internal
 */
export interface ClientDeps {
  /** Runs every wait: retry delays, the 429 gate, per-attempt timeouts (default `asyncScheduler`). */
  readonly scheduler?: SchedulerLike;
  /** Jitter source in `[0, 1)` (default `Math.random`). */
  readonly random?: () => number;
  /** Epoch ms for `Retry-After` HTTP dates (default `scheduler.now()`). */
  readonly now?: () => number;
  /** Makes the `Idempotency-Key` of a POST call (default `crypto.randomUUID`). */
  readonly newIdempotencyKey?: () => string;
  /** Environment variables (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const configError = (message: string): ConfigError => new ConfigError(message);

const describe = (u: unknown): string =>
  u === null ? 'null' : Array.isArray(u) ? 'an array' : typeof u;

const nonNegative = (
  name: string,
  value: unknown,
  fallback: number,
  integer: boolean,
  positive = false,
): number => {
  if (value === undefined) return fallback;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (positive ? value > 0 : value >= 0) &&
    (!integer || Number.isInteger(value));
  if (!ok || typeof value !== 'number')
    throw configError(
      `${name} must be a ${positive ? 'positive' : 'non-negative'} ${integer ? 'integer' : 'number'}, got ${
        typeof value === 'number' ? value : describe(value)
      }`,
    );
  return value;
};

const checkURL = (value: string, source: string): string => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw configError(`${source} is not a valid URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw configError(`${source} must be an http(s) URL, got ${JSON.stringify(value)}`);
  if (url.search !== '' || url.hash !== '')
    throw configError(`${source} must not have a query or fragment, got ${JSON.stringify(value)}`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
};

const isEnvironment = (u: unknown): u is Environment =>
  typeof u === 'string' && Object.hasOwn(ENVIRONMENTS, u);

const isLogLevel = (u: unknown): u is LogLevel =>
  typeof u === 'string' && (LOG_LEVELS as ReadonlyArray<string>).includes(u);

const isLogger = (u: unknown): u is Logger =>
  typeof u === 'object' &&
  u !== null &&
  'error' in u &&
  typeof u.error === 'function' &&
  'warn' in u &&
  typeof u.warn === 'function' &&
  'info' in u &&
  typeof u.info === 'function' &&
  'debug' in u &&
  typeof u.debug === 'function';

/** An axios instance is a function with a `request` method. */
const isAxiosInstance = (u: unknown): u is NonNullable<ClientOptions['axios']> =>
  (typeof u === 'function' || (typeof u === 'object' && u !== null)) &&
  'request' in u &&
  typeof u.request === 'function';

const isRetryListener = (u: unknown): u is (event: RetryEvent) => void => typeof u === 'function';

const resolveBaseURL = (
  o: Readonly<Record<string, unknown>>,
  env: ClientDeps['env'] & object,
): string => {
  const { baseURL, environment } = o;
  if (baseURL !== undefined) {
    if (typeof baseURL !== 'string')
      throw configError(`baseURL must be a string, got ${describe(baseURL)}`);
    return checkURL(baseURL, 'baseURL');
  }
  if (environment !== undefined) {
    if (!isEnvironment(environment))
      throw configError(
        `unknown environment ${JSON.stringify(environment) ?? describe(environment)}: expected one of ${Object.keys(
          ENVIRONMENTS,
        )
          .map((e) => `'${e}'`)
          .join(', ')}`,
      );
    return ENVIRONMENTS[environment];
  }
  const fromEnv = env[BASE_URL_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return checkURL(fromEnv.trim(), BASE_URL_ENV);
  return ENVIRONMENTS.production;
};

const resolveApiKey = (
  o: Readonly<Record<string, unknown>>,
  env: ClientDeps['env'] & object,
): string => {
  const given = o['apiKey'];
  if (given !== undefined && typeof given !== 'string')
    throw configError(`apiKey must be a string, got ${describe(given)}`);
  const key = (given ?? env[API_KEY_ENV])?.trim();
  if (key === undefined || key === '')
    throw configError(
      `missing API key: pass { apiKey } to createClient or set the ${API_KEY_ENV} environment variable`,
    );
  if (/[\r\n\0]/.test(key)) throw configError('apiKey must not contain line breaks');
  return key;
};

const resolveLogLevel = (
  o: Readonly<Record<string, unknown>>,
  env: ClientDeps['env'] & object,
): LogLevel => {
  const given = o['logLevel'];
  if (given !== undefined) {
    if (!isLogLevel(given))
      throw configError(
        `logLevel must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(given) ?? describe(given)}`,
      );
    return given;
  }
  const fromEnv = env[LOG_ENV]?.trim().toLowerCase();
  if (fromEnv === undefined || fromEnv === '') return 'off';
  if (!isLogLevel(fromEnv))
    throw configError(
      `${LOG_ENV} must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(env[LOG_ENV])}`,
    );
  return fromEnv;
};

/**
 * Checks every option (and the env vars standing in for missing ones) and
 * resolves the client's settings. Throws `ConfigError`.
 */
const resolveConfig = (options: unknown, env: ClientDeps['env'] & object): HttpConfig => {
  if (options !== undefined && !isRecord(options))
    throw configError(`options must be an object, got ${describe(options)}`);
  const o: Readonly<Record<string, unknown>> = isRecord(options) ? options : {};
  const apiKey = resolveApiKey(o, env);
  registerSecret(apiKey); // before anything else can echo it into an error
  const baseURL = resolveBaseURL(o, env);
  const timeoutMs = nonNegative('timeoutMs', o['timeoutMs'], 60_000, false, true);
  const maxRetries = nonNegative('maxRetries', o['maxRetries'], 2, true);
  const maxRetryAfterMs = nonNegative('maxRetryAfterMs', o['maxRetryAfterMs'], 60_000, false);
  const logLevel = resolveLogLevel(o, env);
  const logger = o['logger'] ?? console;
  if (!isLogger(logger)) throw configError('logger must have error, warn, info and debug methods');
  const axios = o['axios'];
  if (axios !== undefined && !isAxiosInstance(axios))
    throw configError('axios must be an AxiosInstance');
  const onRetry = o['onRetry'];
  if (onRetry !== undefined && !isRetryListener(onRetry))
    throw configError(`onRetry must be a function, got ${describe(onRetry)}`);
  const defaultHeaders = headersRecord('defaultHeaders', o['defaultHeaders']);
  if (E.isLeft(defaultHeaders)) throw configError(formatIssues(defaultHeaders.left));
  return {
    apiKey,
    baseURL,
    timeoutMs,
    maxRetries,
    maxRetryAfterMs,
    defaultHeaders: defaultHeaders.right,
    log: makeLog(logger, logLevel),
    ...(axios === undefined ? {} : { axios }),
    ...(onRetry === undefined ? {} : { onRetry }),
  };
};

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * {@link createClient} with internal injection points (scheduler, random,
 * clock, idempotency keys, env) for deterministic tests and tools. Not part
 * of the package root.
 *
 * @example
 * // internal (lib/client.ts)
 * const scheduler = new TestScheduler(assert.deepEqual);
 * const client = makeClient({ apiKey: 'k', baseURL: 'http://localhost' }, { scheduler, random: () => 0 });
 *
 * @internal
 */
export const makeClient = (options?: ClientOptions, deps: ClientDeps = {}): VitableConnect => {
  const config = resolveConfig(options, deps.env ?? process.env);
  const scheduler = deps.scheduler ?? asyncScheduler;
  const http = makeHttp(config, {
    scheduler,
    random: deps.random ?? Math.random,
    now: deps.now ?? (() => scheduler.now()),
    newIdempotencyKey: deps.newIdempotencyKey ?? randomUUID,
  });
  return {
    groups: makeGroups(http),
    members: { sync: makeMembersSync(http) },
    baseURL: config.baseURL,
  };
};

/**
 * Creates a client for the Vitable Connect API. Every endpoint returns a cold
 * Observable; nothing is sent until subscription.
 *
 * Options (all optional): `apiKey` (env `VITABLE_CONNECT_API_KEY`),
 * `environment` (`'production'` or `'environment_1'`), `baseURL` (env
 * `VITABLE_CONNECT_BASE_URL`; `baseURL` > `environment` > env > production),
 * `timeoutMs` (60000, per attempt), `maxRetries` (2), `axios`,
 * `defaultHeaders`, `logger` (`console`), `logLevel` (env
 * `VITABLE_CONNECT_LOG`, else `'off'`), `maxRetryAfterMs` (60000), `onRetry`.
 *
 * @throws ConfigError on a missing API key (naming the env var), an unknown
 * environment, a malformed URL, a bad number or log level.
 *
 * @example
 * import { createClient } from 'vitable-connect-rx';
 *
 * const client = createClient({ apiKey: process.env.VITABLE_CONNECT_API_KEY, environment: 'environment_1' });
 * client.groups.list({ limit: 10 }).subscribe((page) => console.log(page.data.map((g) => g.name)));
 */
export const createClient = (options?: ClientOptions): VitableConnect => makeClient(options);
