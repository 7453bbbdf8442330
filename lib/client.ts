import { randomUUID } from 'node:crypto';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { resolveClientConfig } from './http/client-config';
import { makeHttp } from './http/http-client';
import { makeGroups } from './resources/groups';
import { makeMembersSync } from './resources/members-sync';
import type { ClientOptions, VitableConnect } from './types';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export { API_KEY_ENV, BASE_URL_ENV, LOG_ENV } from './http/client-config';

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
  const config = resolveClientConfig(options, deps.env ?? process.env);
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
 * `VITABLE_CONNECT_LOG`, else `'off'`), `maxRetryAfterMs` (60000), `onRetry`,
 * `maxRateLimitWaitMs` (120000), `onResponse`. Each option is read once.
 *
 * @throws ConfigError on a missing API key (naming the env var), an unknown
 * environment, a malformed URL, a bad number, a duration above 2147483647 ms,
 * a bad log level, or an option whose getter throws; never anything else.
 *
 * @example
 * import { createClient } from 'vitable-connect-rx';
 *
 * const client = createClient({ apiKey: process.env.VITABLE_CONNECT_API_KEY, environment: 'environment_1' });
 * client.groups.list({ limit: 10 }).subscribe((page) => console.log(page.data.map((g) => g.name)));
 */
export const createClient = (options?: ClientOptions): VitableConnect => makeClient(options);
