import * as E from 'fp-ts/Either';
import { sequenceS } from 'fp-ts/Apply';
import * as RA from 'fp-ts/ReadonlyArray';
import type * as t from 'io-ts';
import { toIssues } from '../codecs/report';
import { messageOf, type Issue } from '../errors';
import { kindOf } from '../internal/read-options';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The longest duration accepted anywhere: the longest timer Node runs as asked (a longer one fires after 1 ms). @internal */
export const MAX_DURATION_MS = 2_147_483_647;

/** A checked value, or every issue found. @internal */
export type Validation<A> = E.Either<ReadonlyArray<Issue>, A>;

/** Something that behaves like an `AbortSignal` (the global one, or a polyfill). @internal */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** `RequestOptions` once checked. @internal */
export interface CheckedRequestOptions {
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
  readonly idempotencyKey?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly signal?: AbortSignalLike;
}

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/** Applicative validation that accumulates every issue. */
const ValidationApplicative = E.getApplicativeValidation(RA.getSemigroup<Issue>());

/**
 * Checks several values at once and keeps every issue of every one.
 *
 * @example
 * // internal (lib/http/validate.ts), not part of the package root
 * validateAll({ id: pathParam('groupId', ''), page: integerIn('page', 0, 1, Infinity) });
 * // Left([{ path: 'groupId', … }, { path: 'page', … }])
 *
 * @internal
 */
export const validateAll = sequenceS(ValidationApplicative);

const issue = (path: string, message: string): ReadonlyArray<Issue> => [{ path, message }];

/**
 * True for objects that are not arrays and not null.
 *
 * @example
 * // internal (lib/http/validate.ts), not part of the package root
 * isRecord({ page: 1 }); // true
 * isRecord([1]);         // false
 *
 * @internal
 */
export const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === 'object' && u !== null && !Array.isArray(u);

// -------------------------------------------------------------------------------------
// validators
// -------------------------------------------------------------------------------------

/**
 * A path parameter: a non-blank string, not `.` or `..`, returned
 * percent-encoded with `encodeURIComponent` so it can never reach another route.
 *
 * @example
 * // internal (lib/http/validate.ts), not part of the package root
 * pathParam('groupId', '../x'); // Right('..%2Fx')
 * pathParam('groupId', '');     // Left([{ path: 'groupId', message: 'must not be empty' }])
 *
 * @internal
 */
export const pathParam = (name: string, value: unknown): Validation<string> => {
  if (typeof value !== 'string')
    return E.left(
      issue(name, value === undefined ? 'is required' : `must be a string, got ${kindOf(value)}`),
    );
  if (value.trim().length === 0) return E.left(issue(name, 'must not be empty'));
  if (value === '.' || value === '..') return E.left(issue(name, `must not be "${value}"`));
  try {
    return E.right(encodeURIComponent(value));
  } catch {
    return E.left(issue(name, 'is not valid Unicode (unpaired surrogate)'));
  }
};

/**
 * An optional integer within `[min, max]`.
 *
 * @example
 * // internal (lib/http/validate.ts), not part of the package root
 * integerIn('limit', 150, 1, 100); // Left([{ path: 'limit', message: 'must be an integer from 1 to 100' }])
 *
 * @internal
 */
export const integerIn = (
  name: string,
  value: unknown,
  min: number,
  max: number,
): Validation<number | undefined> => {
  if (value === undefined) return E.right(undefined);
  const range = max === Infinity ? `>= ${min}` : `from ${min} to ${max}`;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    return E.left(
      issue(
        name,
        `must be an integer ${range}, got ${typeof value === 'number' ? value : kindOf(value)}`,
      ),
    );
  return E.right(value);
};

/**
 * An optional params object: `undefined` reads as `{}`; anything else that is
 * not a plain object is an issue.
 *
 * @example
 * // internal (lib/http/validate.ts), not part of the package root
 * paramsObject('params', undefined); // Right({})
 * paramsObject('params', 'page 2');  // Left([{ path: 'params', message: 'must be an object, got string' }])
 *
 * @internal
 */
export const paramsObject = (
  name: string,
  value: unknown,
): Validation<Readonly<Record<string, unknown>>> =>
  value === undefined
    ? E.right({})
    : isRecord(value)
      ? E.right(value)
      : E.left(issue(name, `must be an object, got ${kindOf(value)}`));

/**
 * Runs a check that reads caller input; anything it throws (a getter, a
 * revoked Proxy) becomes an issue at `root` instead of escaping.
 *
 * @example
 * // internal (lib/http/validate.ts), not part of the package root
 * readSafely('params', () => paramsObject('params', hostile)); // Left([{ path: 'params', message: 'could not be read: …' }])
 *
 * @internal
 */
export const readSafely = <A>(root: string, check: () => Validation<A>): Validation<A> => {
  try {
    return check();
  } catch (e) {
    return E.left(issue(root, `could not be read: ${messageOf(e)}`));
  }
};

/**
 * Decodes caller input with an io-ts codec; the issues carry paths such as
 * `members[3].phone` (the value itself is named `root`). Never throws, even on
 * objects whose getters do.
 *
 * @example
 * // internal (lib/http/validate.ts), not part of the package root
 * decodeInput(GroupCreateParams, { name: '' }, 'body');
 * // Left([{ path: 'name', message: 'must not be empty' }, { path: 'external_reference_id', message: 'is required' }])
 *
 * @internal
 */
export const decodeInput = <A>(
  codec: t.Decoder<unknown, A>,
  value: unknown,
  root: string,
): Validation<A> => {
  try {
    return E.mapLeft((errors: t.Errors): ReadonlyArray<Issue> =>
      toIssues(errors).map((i) => (i.path === '' ? { path: root, message: i.message } : i)),
    )(codec.decode(value));
  } catch (e) {
    return E.left(issue(root, `could not be read: ${messageOf(e)}`));
  }
};

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * A headers object: token names, string values without line breaks.
 *
 * @example
 * // internal (lib/http/validate.ts), not part of the package root
 * headersRecord('options.headers', { 'X-Trace': 'abc' }); // Right({ 'X-Trace': 'abc' })
 * headersRecord('options.headers', { 'X-Trace': 1 });     // Left([{ path: 'options.headers.X-Trace', … }])
 *
 * @internal
 */
export const headersRecord = (
  name: string,
  value: unknown,
): Validation<Readonly<Record<string, string>>> => {
  if (value === undefined) return E.right({});
  if (!isRecord(value))
    return E.left(issue(name, `must be an object of strings, got ${kindOf(value)}`));
  const issues: Issue[] = [];
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!HEADER_NAME.test(k))
      issues.push({ path: `${name}.${k}`, message: 'is not a valid header name' });
    else if (typeof v !== 'string')
      issues.push({ path: `${name}.${k}`, message: `must be a string, got ${kindOf(v)}` });
    else if (/[\r\n\0]/.test(v))
      issues.push({ path: `${name}.${k}`, message: 'must not contain line breaks' });
    else out[k] = v;
  }
  return issues.length > 0 ? E.left(issues) : E.right(out);
};

const isAbortSignalLike = (u: unknown): u is AbortSignalLike =>
  typeof u === 'object' &&
  u !== null &&
  'aborted' in u &&
  typeof u.aborted === 'boolean' &&
  'addEventListener' in u &&
  typeof u.addEventListener === 'function' &&
  'removeEventListener' in u &&
  typeof u.removeEventListener === 'function';

/**
 * The optional last argument of every endpoint (`RequestOptions`), checked.
 *
 * @example
 * // internal (lib/http/validate.ts), not part of the package root
 * requestOptions({ timeoutMs: -1 }); // Left([{ path: 'options.timeoutMs', … }])
 *
 * @internal
 */
export const requestOptions = (value: unknown): Validation<CheckedRequestOptions> => {
  if (value === undefined || value === null) return E.right({ headers: {} });
  if (!isRecord(value)) return E.left(issue('options', `must be an object, got ${kindOf(value)}`));
  const { timeoutMs, maxRetries, idempotencyKey, headers, signal } = value;
  return validateAll({
    timeoutMs:
      timeoutMs === undefined ||
      (typeof timeoutMs === 'number' &&
        Number.isFinite(timeoutMs) &&
        timeoutMs > 0 &&
        timeoutMs <= MAX_DURATION_MS)
        ? E.right(timeoutMs)
        : E.left(
            issue(
              'options.timeoutMs',
              `must be a positive number of milliseconds, at most ${MAX_DURATION_MS}`,
            ),
          ),
    maxRetries: integerIn('options.maxRetries', maxRetries, 0, Infinity),
    idempotencyKey:
      idempotencyKey === undefined ||
      (typeof idempotencyKey === 'string' && idempotencyKey.trim() !== '')
        ? E.right(idempotencyKey)
        : E.left(issue('options.idempotencyKey', 'must be a non-empty string')),
    headers: headersRecord('options.headers', headers),
    signal:
      signal === undefined || isAbortSignalLike(signal)
        ? E.right(signal)
        : E.left(issue('options.signal', 'must be an AbortSignal')),
  });
};
