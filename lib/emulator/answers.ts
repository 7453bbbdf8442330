import type { Problem } from './request-validation';

// The answers the emulator gives, as values: every error has the JSON error
// body `{ error: { type, message, details? } }` the HTTP reference shows.

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** An answer whose body is still a value (serialised once, when sent or stored). */
export interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** An answer with its body as the exact JSON text sent (what the idempotency table keeps). */
export interface TextAnswer {
  readonly status: number;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * An error answer with the JSON error body.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/answers.ts)
 * fail(404, 'not_found_error', 'No such route: GET /v2'); // { status: 404, body: { error: { type: 'not_found_error', … } } }
 */
export const fail = (status: number, type: string, message: string, details?: ReadonlyArray<Problem>): Answer => ({
  status,
  body: { error: details === undefined ? { type, message } : { type, message, details } },
});

/**
 * A 422 listing each problem of a body.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/answers.ts)
 * invalid([{ path: 'name', message: 'name is required' }]).status; // 422
 */
export const invalid = (problems: ReadonlyArray<Problem>): Answer =>
  fail(422, 'validation_error', `Invalid request body: ${problems.map((p) => p.message).join('; ')}`, problems);

/**
 * A 400 listing each problem of a query.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/answers.ts)
 * badQuery([{ path: 'limit', message: 'limit must be between 1 and 100' }]).status; // 400
 */
export const badQuery = (problems: ReadonlyArray<Problem>): Answer =>
  fail(400, 'invalid_request_error', `Invalid query: ${problems.map((p) => p.message).join('; ')}`, problems);

/**
 * A 429: `Retry-After` in whole seconds (rounded up, at least 1), plus the
 * exact `retry-after-ms` when `exactMs`.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/answers.ts)
 * rateLimited(1500, 'Rate limit exceeded', false).headers; // { 'retry-after': '2' }
 */
export const rateLimited = (retryAfterMs: number, message: string, exactMs: boolean): Answer => {
  const seconds = String(Math.max(1, Math.ceil(retryAfterMs / 1000)));
  return {
    status: 429,
    body: { error: { type: 'rate_limit_error', message } },
    headers: exactMs ? { 'retry-after': seconds, 'retry-after-ms': String(retryAfterMs) } : { 'retry-after': seconds },
  };
};

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * The answer with its body serialised.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/answers.ts)
 * toText({ status: 200, body: { data: [] } }); // { status: 200, body: '{"data":[]}' }
 */
export const toText = (answer: Answer): TextAnswer =>
  answer.headers === undefined
    ? { status: answer.status, body: JSON.stringify(answer.body) }
    : { status: answer.status, body: JSON.stringify(answer.body), headers: answer.headers };
