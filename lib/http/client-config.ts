import * as E from 'fp-ts/Either';
import { ConfigError, formatIssues, messageOf } from '../errors';
import { registerSecret } from '../internal/redaction';
import {
  ENVIRONMENTS,
  type ClientOptions,
  type Environment,
  type Logger,
  type LogLevel,
  type ResponseEvent,
  type RetryEvent,
} from '../types';
import type { HttpConfig } from './http-client';
import { LOG_LEVELS, makeLog } from './log';
import { headersRecord, isRecord, MAX_DURATION_MS } from './validate';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Environment variable holding the API key. */
export const API_KEY_ENV = 'VITABLE_CONNECT_API_KEY';
/** Environment variable holding a base URL. */
export const BASE_URL_ENV = 'VITABLE_CONNECT_BASE_URL';
/** Environment variable holding the log level. */
export const LOG_ENV = 'VITABLE_CONNECT_LOG';

/** The environment variables a client reads. @internal */
export type Env = Readonly<Record<string, string | undefined>>;

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

/** A duration option: a finite number of ms, at most {@link MAX_DURATION_MS}. */
const duration = (name: string, value: unknown, fallback: number, positive: boolean): number => {
  const ms = nonNegative(name, value, fallback, false, positive);
  if (ms > MAX_DURATION_MS)
    throw configError(
      `${name} must be at most ${MAX_DURATION_MS} ms (the longest timer Node runs), got ${ms}`,
    );
  return ms;
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

const LOGGER_METHODS = ['error', 'warn', 'info', 'debug'] as const;

/**
 * The four methods of a logger (an object or a function carrying them), read
 * once and bound to it; `undefined` when one is missing.
 */
const loggerOf = (u: unknown): Logger | undefined => {
  if ((typeof u !== 'object' && typeof u !== 'function') || u === null) return undefined;
  const source = u as Record<string, unknown>;
  const out: Partial<Record<(typeof LOGGER_METHODS)[number], (message: string) => void>> = {};
  for (const name of LOGGER_METHODS) {
    const method = source[name];
    if (typeof method !== 'function') return undefined;
    out[name] = (message: string): void => void method.call(u, message);
  }
  return out as Logger;
};

/** An axios instance is a function with a `request` method. */
const isAxiosInstance = (u: unknown): u is NonNullable<ClientOptions['axios']> =>
  (typeof u === 'function' || (typeof u === 'object' && u !== null)) &&
  'request' in u &&
  typeof u.request === 'function';

const isFunction = (u: unknown): u is (...args: never[]) => unknown => typeof u === 'function';

/** Every option `createClient` reads. */
const OPTION_NAMES = [
  'apiKey',
  'environment',
  'baseURL',
  'timeoutMs',
  'maxRetries',
  'axios',
  'defaultHeaders',
  'logger',
  'logLevel',
  'maxRetryAfterMs',
  'onRetry',
  'maxRateLimitWaitMs',
  'onResponse',
] as const;
type OptionName = (typeof OPTION_NAMES)[number];
type Options = Readonly<Partial<Record<OptionName, unknown>>>;

/**
 * Reads each option once (a getter runs once), so that what is checked is
 * what is used. The API key is registered as a secret as soon as it is read,
 * before a later getter's error could echo it.
 */
const readOptions = (options: unknown): Options => {
  if (options === undefined) return {};
  if (!isRecord(options)) throw configError(`options must be an object, got ${describe(options)}`);
  const out: Partial<Record<OptionName, unknown>> = {};
  for (const name of OPTION_NAMES) {
    let value: unknown;
    try {
      value = options[name];
    } catch (e) {
      throw configError(`options.${name} could not be read: ${messageOf(e)}`);
    }
    if (name === 'apiKey' && typeof value === 'string') registerSecret(value.trim());
    out[name] = value;
  }
  return out;
};

const resolveBaseURL = (o: Options, env: Env): string => {
  const { baseURL, environment } = o;
  if (baseURL !== undefined) {
    if (typeof baseURL !== 'string')
      throw configError(`baseURL must be a string, got ${describe(baseURL)}`);
    return checkURL(baseURL, 'baseURL');
  }
  if (environment !== undefined) {
    if (!isEnvironment(environment))
      throw configError(
        `unknown environment ${typeof environment === 'string' ? JSON.stringify(environment) : describe(environment)}: expected one of ${Object.keys(
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

const resolveApiKey = (o: Options, env: Env): string => {
  const given = o.apiKey;
  if (given !== undefined && typeof given !== 'string')
    throw configError(`apiKey must be a string, got ${describe(given)}`);
  const key = (given ?? env[API_KEY_ENV])?.trim();
  if (key === undefined || key === '')
    throw configError(
      `missing API key: pass { apiKey } to createClient or set the ${API_KEY_ENV} environment variable`,
    );
  registerSecret(key); // before anything else can echo it into an error
  if (/[\r\n\0]/.test(key)) throw configError('apiKey must not contain line breaks');
  return key;
};

const resolveLogLevel = (o: Options, env: Env): LogLevel => {
  const given = o.logLevel;
  if (given !== undefined) {
    if (!isLogLevel(given))
      throw configError(
        `logLevel must be one of ${LOG_LEVELS.join(', ')}, got ${typeof given === 'string' ? JSON.stringify(given) : describe(given)}`,
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

const listener = <F>(name: string, value: unknown, is: (u: unknown) => u is F): F | undefined => {
  if (value === undefined) return undefined;
  if (!is(value)) throw configError(`${name} must be a function, got ${describe(value)}`);
  return value;
};

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Checks every option of `createClient` (and the env vars standing in for
 * missing ones), each read once, and resolves the client's settings. Throws
 * `ConfigError`, and only that: any other failure while reading them (a
 * revoked Proxy, a throwing getter deep in `defaultHeaders`) becomes one.
 *
 * @example
 * // internal (lib/http/client-config.ts): what createClient does first
 * resolveClientConfig({ apiKey: 'vc_1', timeoutMs: 2 ** 31 }, {}); // throws ConfigError naming timeoutMs
 *
 * @internal
 */
export const resolveClientConfig = (options: unknown, env: Env): HttpConfig => {
  try {
    return resolveOptions(readOptions(options), env);
  } catch (e) {
    throw e instanceof ConfigError ? e : configError(`options could not be read: ${messageOf(e)}`);
  }
};

const resolveOptions = (o: Options, env: Env): HttpConfig => {
  const apiKey = resolveApiKey(o, env);
  const baseURL = resolveBaseURL(o, env);
  const timeoutMs = duration('timeoutMs', o.timeoutMs, 60_000, true);
  const maxRetries = nonNegative('maxRetries', o.maxRetries, 2, true);
  const maxRetryAfterMs = duration('maxRetryAfterMs', o.maxRetryAfterMs, 60_000, false);
  const maxRateLimitWaitMs = duration('maxRateLimitWaitMs', o.maxRateLimitWaitMs, 120_000, false);
  const logLevel = resolveLogLevel(o, env);
  const logger = loggerOf(o.logger ?? console);
  if (logger === undefined)
    throw configError('logger must have error, warn, info and debug methods');
  const axios = o.axios;
  if (axios !== undefined && !isAxiosInstance(axios))
    throw configError('axios must be an AxiosInstance');
  const onRetry = listener(
    'onRetry',
    o.onRetry,
    isFunction as (u: unknown) => u is (e: RetryEvent) => void,
  );
  const onResponse = listener(
    'onResponse',
    o.onResponse,
    isFunction as (u: unknown) => u is (e: ResponseEvent) => void,
  );
  const defaultHeaders = headersRecord('defaultHeaders', o.defaultHeaders);
  if (E.isLeft(defaultHeaders)) throw configError(formatIssues(defaultHeaders.left));
  return {
    apiKey,
    baseURL,
    timeoutMs,
    maxRetries,
    maxRetryAfterMs,
    maxRateLimitWaitMs,
    defaultHeaders: defaultHeaders.right,
    log: makeLog(logger, logLevel),
    ...(axios === undefined ? {} : { axios }),
    ...(onRetry === undefined ? {} : { onRetry }),
    ...(onResponse === undefined ? {} : { onResponse }),
  };
};
