import * as E from 'fp-ts/Either';
import { fail, type Answer } from './answers';

// A request body → a JSON object, or the 400/415 that refuses it. The body is
// parsed here once; everything after works on the value.

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Deepest nesting of arrays and objects accepted in a body (the body itself is level 1). */
export const MAX_BODY_DEPTH = 32;

/** `application/json` or `application/<anything>+json`, with any parameters. */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.!#$&^-]+\+)?json$/i;

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * True when arrays and objects nest deeper than `limit` levels in a parsed
 * JSON value (the value itself is level 1). Walks the value with its own
 * stack, never recursing, and stops at the first container past the limit;
 * so no body exhausts the stack here, and nothing that walks an accepted body
 * later (fingerprints, comparisons) meets more than `limit` levels.
 * (`JSON.parse` itself does not recurse: 5,000,000 nested arrays parse, in
 * about a second per million levels; the body limit bounds that.)
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/json-body.ts)
 * nestedDeeperThan({ a: [[1]] }, 3); // false: 3 levels
 * nestedDeeperThan({ a: [[[1]]] }, 3); // true
 */
export const nestedDeeperThan = (value: unknown, limit: number): boolean => {
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const item = stack.pop();
    const depth = depths.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth > limit) return true;
    if (Array.isArray(item)) {
      for (let i = 0; i < item.length; i++) {
        const v: unknown = item[i];
        if (v !== null && typeof v === 'object') {
          stack.push(v);
          depths.push(depth + 1);
        }
      }
    } else {
      const record = item as Record<string, unknown>;
      for (const key in record) {
        const v = record[key];
        if (v !== null && typeof v === 'object') {
          stack.push(v);
          depths.push(depth + 1);
        }
      }
    }
  }
  return false;
};

/**
 * True when a `Content-Type` header names JSON (or is absent: the body is then
 * read as JSON).
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/json-body.ts)
 * isJsonContentType('application/json; charset=utf-8'); // true
 * isJsonContentType('text/plain');                       // false
 */
export const isJsonContentType = (header: string | undefined): boolean =>
  header === undefined || JSON_MEDIA_TYPE.test(header.split(';', 1)[0]!.trim());

const badRequest = (message: string): Answer => fail(400, 'invalid_request_error', message);

// -------------------------------------------------------------------------------------
// parsing
// -------------------------------------------------------------------------------------

/**
 * Reads a POST or PATCH body: a `Content-Type` other than JSON is a 415; an
 * empty body, malformed JSON, nesting deeper than {@link MAX_BODY_DEPTH} levels
 * or a value that is not an object is a 400.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/json-body.ts)
 * jsonBody('application/json', '{"name":"Tier 1"}'); // right({ name: 'Tier 1' })
 * jsonBody('text/plain', 'name=Tier 1');            // left({ status: 415, … })
 */
export const jsonBody = (contentType: string | undefined, text: string): E.Either<Answer, Record<string, unknown>> => {
  if (!isJsonContentType(contentType))
    return E.left(
      fail(415, 'unsupported_media_type', `Content-Type ${JSON.stringify(contentType)} is not supported; send application/json`),
    );
  if (text.trim() === '') return E.left(badRequest('Request body is required: a JSON object'));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return E.left(badRequest(`Malformed JSON body: ${err instanceof Error ? err.message : String(err)}`));
  }
  if (nestedDeeperThan(parsed, MAX_BODY_DEPTH))
    return E.left(badRequest(`Request body is nested deeper than ${MAX_BODY_DEPTH} levels`));
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    return E.left(badRequest('Request body must be a JSON object'));
  return E.right(parsed as Record<string, unknown>);
};
