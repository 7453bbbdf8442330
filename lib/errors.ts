/**
 * The error model: every failure the library reports is a {@link VitableError}
 * with a literal `_tag`, so both `instanceof` and an exhaustive
 * `switch (err._tag)` work.
 *
 * Redaction of the API key (the process-wide secret registry) lives in
 * `./internal/redaction`; it is re-exported here for the modules that import it from
 * this one.
 *
 * @packageDocumentation
 */
import { redact } from './internal/redaction';

export { REDACTED, redact, registerSecret } from './internal/redaction';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** One problem found in input before anything was sent. */
export interface Issue {
  /** Dotted path of the offending value, e.g. `address.zipcode` (empty for the value itself). */
  readonly path: string;
  /** What is wrong with it, in words a person can act on. */
  readonly message: string;
}

/** Every `_tag` a {@link VitableError} can carry. */
export type VitableErrorTag =
  | 'VitableError'
  | 'ConfigError'
  | 'ValidationError'
  | ApiErrorTag
  | 'ConnectionError'
  | 'TimeoutError'
  | 'AbortError'
  | 'DecodeError'
  | 'PollTimeoutError'
  | 'JournalError';

/** The `_tag`s of {@link ApiError} and its per-status subclasses. */
export type ApiErrorTag =
  | 'ApiError'
  | 'BadRequestError'
  | 'AuthenticationError'
  | 'PermissionDeniedError'
  | 'NotFoundError'
  | 'ConflictError'
  | 'UnprocessableEntityError'
  | 'RateLimitError'
  | 'InternalServerError';

// -------------------------------------------------------------------------------------
// classes
// -------------------------------------------------------------------------------------

/**
 * Base class of every error this library emits.
 *
 * @example
 * import { VitableError } from 'vitable-connect-rx';
 *
 * client.groups.retrieve('grp_missing').subscribe({
 *   error: (err: unknown) => {
 *     if (err instanceof VitableError) console.error(err._tag, err.message);
 *   },
 * });
 */
export class VitableError extends Error {
  readonly _tag: VitableErrorTag = 'VitableError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(redact(message));
    if (options?.cause !== undefined) {
      Object.defineProperty(this, 'cause', {
        value: redact(options.cause),
        enumerable: false,
        writable: true,
        configurable: true,
      });
    }
    Object.defineProperty(this, 'name', {
      value: new.target.name,
      enumerable: false,
      writable: true,
      configurable: true,
    });
  }

  /** A JSON form that carries the tag and the public fields, never a secret. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { _tag: this._tag, name: this.name, message: this.message };
    for (const [k, v] of Object.entries(this)) if (k !== '_tag') out[k] = v;
    return redact(out);
  }
}

/**
 * Bad client options: a missing API key, an unknown environment, a negative
 * timeout.
 *
 * @example
 * import { createClient, ConfigError } from 'vitable-connect-rx';
 *
 * try {
 *   createClient({ apiKey: '' });
 * } catch (err) {
 *   if (err instanceof ConfigError) console.error(err.message); // names VITABLE_CONNECT_API_KEY
 * }
 */
export class ConfigError extends VitableError {
  override readonly _tag = 'ConfigError' as const;
}

/**
 * Input rejected before anything was sent. `issues` lists every problem found.
 *
 * @example
 * import { ValidationError } from 'vitable-connect-rx';
 *
 * client.groups.create({ name: '', external_reference_id: 'x' }).subscribe({
 *   error: (err: unknown) => {
 *     if (err instanceof ValidationError) console.table(err.issues);
 *   },
 * });
 */
export class ValidationError extends VitableError {
  override readonly _tag = 'ValidationError' as const;
  readonly issues: ReadonlyArray<Issue>;

  constructor(context: string, issues: ReadonlyArray<Issue>) {
    super(`${context}: ${formatIssues(issues)}`);
    this.issues = redact(issues);
  }
}

/** Renders issues as `path: message; path: message`. @internal */
export const formatIssues = (issues: ReadonlyArray<Issue>): string =>
  issues.map((i) => (i.path === '' ? i.message : `${i.path}: ${i.message}`)).join('; ');

/** Where a request went, carried by transport and API errors. */
export interface RequestInfo {
  readonly method: string;
  readonly path: string;
}

/** The fields every {@link ApiError} is built from. @internal */
export interface ApiErrorInit extends RequestInfo {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
  readonly requestId: string | undefined;
}

/**
 * The server answered with a non-2xx status. Subclasses exist per status;
 * the client builds the one that matches the status.
 *
 * @example
 * import { ApiError } from 'vitable-connect-rx';
 *
 * client.groups.retrieve('grp_x').subscribe({
 *   error: (err: unknown) => {
 *     if (err instanceof ApiError) console.error(err.status, err.requestId, err.body);
 *   },
 * });
 */
export class ApiError extends VitableError {
  override readonly _tag: ApiErrorTag = 'ApiError';
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
  readonly requestId: string | undefined;
  readonly method: string;
  readonly path: string;

  constructor(init: ApiErrorInit) {
    super(apiErrorMessage(init));
    this.status = init.status;
    this.body = redact(init.body);
    this.headers = redact(init.headers);
    this.requestId = redact(init.requestId);
    this.method = redact(init.method);
    this.path = redact(init.path);
  }
}

const apiErrorMessage = (init: ApiErrorInit): string => {
  const serverMessage = extractServerMessage(init.body);
  return (
    `${init.method} ${init.path} failed with status ${init.status}` +
    (serverMessage ? `: ${serverMessage}` : '') +
    (init.requestId ? ` (request id ${init.requestId})` : '')
  );
};

const extractServerMessage = (body: unknown): string | undefined => {
  if (typeof body === 'string') return body.length > 200 ? `${body.slice(0, 200)}…` : body || undefined;
  if (body && typeof body === 'object') {
    const err = (body as Record<string, unknown>)['error'];
    if (err && typeof err === 'object') {
      const msg = (err as Record<string, unknown>)['message'];
      if (typeof msg === 'string') return msg;
    }
    const msg = (body as Record<string, unknown>)['message'];
    if (typeof msg === 'string') return msg;
  }
  return undefined;
};

/** 400 Bad Request. */
export class BadRequestError extends ApiError {
  override readonly _tag = 'BadRequestError' as const;
}
/** 401 Unauthorized: the API key is missing or wrong. */
export class AuthenticationError extends ApiError {
  override readonly _tag = 'AuthenticationError' as const;
}
/** 403 Forbidden. */
export class PermissionDeniedError extends ApiError {
  override readonly _tag = 'PermissionDeniedError' as const;
}
/** 404 Not Found (also: a group of another organization). */
export class NotFoundError extends ApiError {
  override readonly _tag = 'NotFoundError' as const;
}
/** 409 Conflict. */
export class ConflictError extends ApiError {
  override readonly _tag = 'ConflictError' as const;
}
/** 422 Unprocessable Entity. */
export class UnprocessableEntityError extends ApiError {
  override readonly _tag = 'UnprocessableEntityError' as const;
}
/** 429 Too Many Requests. */
export class RateLimitError extends ApiError {
  override readonly _tag = 'RateLimitError' as const;
}
/** Any status >= 500. */
export class InternalServerError extends ApiError {
  override readonly _tag = 'InternalServerError' as const;
}

/**
 * Builds the {@link ApiError} subclass matching `init.status`.
 *
 * @example
 * import { apiErrorFor, NotFoundError } from 'vitable-connect-rx';
 *
 * const err = apiErrorFor({ status: 404, body: {}, headers: {}, requestId: undefined, method: 'GET', path: '/v1/groups/x' });
 * err instanceof NotFoundError; // true
 */
export const apiErrorFor = (init: ApiErrorInit): ApiError => {
  switch (init.status) {
    case 400:
      return new BadRequestError(init);
    case 401:
      return new AuthenticationError(init);
    case 403:
      return new PermissionDeniedError(init);
    case 404:
      return new NotFoundError(init);
    case 409:
      return new ConflictError(init);
    case 422:
      return new UnprocessableEntityError(init);
    case 429:
      return new RateLimitError(init);
    default:
      return init.status >= 500 ? new InternalServerError(init) : new ApiError(init);
  }
};

/** No response arrived: refused, reset or dropped connection, DNS failure. */
export class ConnectionError extends VitableError {
  override readonly _tag = 'ConnectionError' as const;
  readonly method: string;
  readonly path: string;
  constructor(info: RequestInfo, reason: string, options?: { cause?: unknown }) {
    super(`${info.method} ${info.path}: connection failed: ${reason}`, options);
    this.method = redact(info.method);
    this.path = redact(info.path);
  }
}

/** An attempt took longer than `timeoutMs`. */
export class TimeoutError extends VitableError {
  override readonly _tag = 'TimeoutError' as const;
  readonly method: string;
  readonly path: string;
  readonly timeoutMs: number;
  constructor(info: RequestInfo, timeoutMs: number) {
    super(`${info.method} ${info.path}: no response within ${timeoutMs} ms`);
    this.method = redact(info.method);
    this.path = redact(info.path);
    this.timeoutMs = timeoutMs;
  }
}

/** The caller's `AbortSignal` fired. */
export class AbortError extends VitableError {
  override readonly _tag = 'AbortError' as const;
  readonly method: string;
  readonly path: string;
  constructor(info: RequestInfo) {
    super(`${info.method} ${info.path}: aborted by the caller's signal`);
    this.method = redact(info.method);
    this.path = redact(info.path);
  }
}

/**
 * A 2xx response whose body is not JSON or not of the expected shape. The
 * message names each failing path; `body` keeps what was received.
 */
export class DecodeError extends VitableError {
  override readonly _tag = 'DecodeError' as const;
  readonly body: unknown;
  readonly issues: ReadonlyArray<Issue>;
  readonly method: string;
  readonly path: string;
  readonly requestId: string | undefined;
  constructor(
    info: RequestInfo & { readonly codec: string; readonly requestId?: string | undefined },
    issues: ReadonlyArray<Issue>,
    body: unknown,
  ) {
    super(
      `${info.method} ${info.path}: response is not a valid ${info.codec}: ${formatIssues(issues)}` +
        (info.requestId ? ` (request id ${info.requestId})` : ''),
    );
    this.body = redact(body);
    this.issues = redact(issues);
    this.method = redact(info.method);
    this.path = redact(info.path);
    this.requestId = redact(info.requestId);
  }
}

/**
 * Polling a sync request gave up after `timeoutMs`. Carries `groupId` and
 * `requestId` so the caller can resume with `client.members.sync.retrieve`.
 */
export class PollTimeoutError extends VitableError {
  override readonly _tag = 'PollTimeoutError' as const;
  readonly groupId: string;
  readonly requestId: string;
  readonly timeoutMs: number;
  constructor(groupId: string, requestId: string, timeoutMs: number) {
    super(`sync request ${requestId} of group ${groupId} did not complete within ${timeoutMs} ms`);
    this.groupId = redact(groupId);
    this.requestId = redact(requestId);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * A sync journal that is corrupt or belongs to another sync: a record that is
 * not JSON or not a journal record, records out of order, a journal of another
 * group or other batch options, or a roster whose batches differ from the
 * recorded ones. `record` is the position of the offending record (1-based;
 * for a file journal, its line number) when one record is at fault.
 *
 * @example
 * import { JournalError } from 'vitable-connect-rx';
 *
 * sync$.subscribe({
 *   error: (err: unknown) => {
 *     if (err instanceof JournalError) console.error(`journal record ${err.record ?? '-'}: ${err.message}`);
 *   },
 * });
 */
export class JournalError extends VitableError {
  override readonly _tag = 'JournalError' as const;
  /** 1-based position of the offending record (a file journal's line number), when one record is at fault. */
  readonly record: number | undefined;
  constructor(message: string, options?: { readonly record?: number; readonly cause?: unknown }) {
    super(
      options?.record !== undefined ? `sync journal, record ${options.record}: ${message}` : `sync journal: ${message}`,
      options?.cause !== undefined ? { cause: options.cause } : undefined,
    );
    this.record = options?.record;
  }
}

/**
 * A printable description of anything thrown, that never throws itself (a
 * thrown `Object.create(null)`, a throwing `message` getter or `toString`).
 *
 * @internal
 */
export const messageOf = (e: unknown): string => {
  try {
    return e instanceof Error ? String(e.message) : String(e);
  } catch {
    return 'a value that cannot be printed';
  }
};

/**
 * Turns anything thrown into a {@link VitableError} (unknown values are wrapped).
 *
 * @internal
 */
export const toVitableError = (e: unknown): VitableError =>
  e instanceof VitableError ? e : new VitableError(messageOf(e), { cause: e });
