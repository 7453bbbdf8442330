import type * as t from 'io-ts';
import type { Endpoint, PreparedCall } from './exchange';
import type { HttpMethod } from './send';
import type { CheckedRequestOptions } from './validate';
import { USER_AGENT } from './version';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** What {@link makePrepareCall} needs of the client. @internal */
export interface PrepareCallConfig {
  readonly apiKey: string;
  /** Without a trailing slash. */
  readonly baseURL: string;
  readonly defaultHeaders: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly maxRetries: number;
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** Merges header layers, later layers winning case-insensitively (keeping their spelling). */
export const mergeHeaders = (
  ...layers: ReadonlyArray<Readonly<Record<string, string>>>
): Record<string, string> => {
  const byLowerName = new Map<string, [string, string]>();
  for (const layer of layers)
    for (const [name, value] of Object.entries(layer))
      byLowerName.set(name.toLowerCase(), [name, value]);
  return Object.fromEntries(byLowerName.values());
};

const isEmpty = (record: Readonly<Record<string, string>>): boolean =>
  Object.keys(record).length === 0;

/** `?k=v&…` of the defined values, or `''`. */
export const queryString = (query: Endpoint<unknown>['query']): string => {
  if (query === undefined) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.append(k, String(v));
  const s = params.toString();
  return s === '' ? '' : `?${s}`;
};

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Makes the preparation step of a client's calls. The headers every request
 * sends are merged once, here (with and without the JSON Content-Type, which
 * `defaultHeaders` may still override); a call with nothing of its own to
 * add (no Idempotency-Key, no per-call headers) uses them as they are. A
 * body is serialised once to the UTF-8 bytes every attempt sends, so the
 * JSON text dies young; the call keeps the endpoint's decoder, not its body.
 *
 * @example
 * // internal (lib/http/prepare-call.ts), not part of the package root
 * const prepare = makePrepareCall(config);
 * prepare('POST', { path: '/v1/groups', body, decoder }, { headers: {} }, 'key-1').spec.headers['Idempotency-Key']; // 'key-1'
 *
 * @internal
 */
export const makePrepareCall = (config: PrepareCallConfig) => {
  const core = {
    Accept: 'application/json',
    'User-Agent': USER_AGENT,
    Authorization: `Bearer ${config.apiKey}`,
  };
  const withoutBody = mergeHeaders(core, config.defaultHeaders);
  const withBody = mergeHeaders(
    { ...core, 'Content-Type': 'application/json' },
    config.defaultHeaders,
  );

  const headersFor = (
    hasBody: boolean,
    idempotencyKey: string | undefined,
    options: CheckedRequestOptions,
  ): Readonly<Record<string, string>> => {
    const base = hasBody ? withBody : withoutBody;
    if (idempotencyKey === undefined && isEmpty(options.headers)) return base;
    return mergeHeaders(
      base,
      idempotencyKey === undefined ? {} : { 'Idempotency-Key': idempotencyKey },
      options.headers,
    );
  };

  return <A>(
    method: HttpMethod,
    endpoint: Endpoint<A>,
    options: CheckedRequestOptions,
    idempotencyKey: string | undefined,
  ): PreparedCall<A> => {
    const info = { method, path: endpoint.path };
    const body =
      endpoint.body === undefined ? undefined : Buffer.from(JSON.stringify(endpoint.body), 'utf8');
    const decoder: t.Decoder<unknown, A> = endpoint.decoder;
    return {
      spec: {
        method,
        url: `${config.baseURL}${endpoint.path}${queryString(endpoint.query)}`,
        headers: headersFor(body !== undefined, idempotencyKey, options),
        info,
        ...(body === undefined ? {} : { body }),
      },
      info,
      timeoutMs: options.timeoutMs ?? config.timeoutMs,
      maxRetries: options.maxRetries ?? config.maxRetries,
      decoder,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    };
  };
};
