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
 * How deeply arrays and objects nest in a JSON text, up to `limit + 1` (it stops
 * there). Scans the text without recursion, skipping strings, so no body can
 * exhaust the stack here or in anything that walks the parsed value later.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/json-body.ts)
 * jsonDepth('{"a":[[1]],"b":"[[["}', 32); // 3
 */
export const jsonDepth = (text: string, limit: number): number => {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
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
  if (jsonDepth(text, MAX_BODY_DEPTH) > MAX_BODY_DEPTH)
    return E.left(badRequest(`Request body is nested deeper than ${MAX_BODY_DEPTH} levels`));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return E.left(badRequest(`Malformed JSON body: ${err instanceof Error ? err.message : String(err)}`));
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    return E.left(badRequest('Request body must be a JSON object'));
  return E.right(parsed as Record<string, unknown>);
};
