import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import { map, type OperatorFunction } from 'rxjs';
import { toIssues } from '../codecs/report';
import {
  apiErrorFor,
  DecodeError,
  messageOf,
  type RequestInfo,
  type VitableError,
} from '../errors';
import type { RawResponse } from './send';

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const parseJson = (text: string): E.Either<string, unknown> => {
  try {
    return E.right(JSON.parse(text));
  } catch (e) {
    return E.left(messageOf(e));
  }
};

/** A non-2xx body: parsed JSON when it is JSON, else the text. */
const errorBody = (body: unknown): unknown =>
  typeof body === 'string' ? E.getOrElse((): unknown => body)(parseJson(body)) : body;

// -------------------------------------------------------------------------------------
// decoding
// -------------------------------------------------------------------------------------

/**
 * A response decoded into an Either: a non-2xx is the `ApiError` subclass of
 * its status (body parsed when JSON, else text; `requestId` from
 * `x-request-id`); a 2xx body that is not JSON, or not of the decoder's
 * shape, a `DecodeError` naming each failing path and keeping the body; else
 * the decoded value. Pure.
 *
 * @example
 * // internal (lib/http/decode-response.ts), not part of the package root
 * decodeResponse({ status: 404, headers: {}, body: '{}' }, GroupData, info); // Left(NotFoundError)
 *
 * @internal
 */
export const decodeResponse = <A>(
  raw: RawResponse,
  decoder: t.Decoder<unknown, A>,
  info: RequestInfo,
): E.Either<VitableError, A> => {
  const requestId = raw.headers['x-request-id'];
  if (raw.status < 200 || raw.status > 299)
    return E.left(
      apiErrorFor({
        ...info,
        status: raw.status,
        body: errorBody(raw.body),
        headers: raw.headers,
        requestId,
      }),
    );
  const meta = { ...info, codec: decoder.name, requestId };
  if (typeof raw.body === 'string') {
    const parsed = parseJson(raw.body);
    if (E.isLeft(parsed))
      return E.left(
        new DecodeError(
          meta,
          [{ path: '', message: `body is not JSON (${parsed.left})` }],
          raw.body,
        ),
      );
    return E.mapLeft(
      (errors: t.Errors): VitableError => new DecodeError(meta, toIssues(errors), parsed.right),
    )(decoder.decode(parsed.right));
  }
  return E.mapLeft(
    (errors: t.Errors): VitableError => new DecodeError(meta, toIssues(errors), raw.body),
  )(decoder.decode(raw.body));
};

/**
 * The operator form: each response decoded with {@link decodeResponse}, a
 * `Left` sent down the error channel (where the retry policy sees it).
 *
 * @example
 * // internal (lib/http/decode-response.ts), not part of the package root
 * attempts$.pipe(decodeInto(GroupData, info));
 *
 * @internal
 */
export const decodeInto = <A>(
  decoder: t.Decoder<unknown, A>,
  info: RequestInfo,
): OperatorFunction<RawResponse, A> =>
  map((raw) => {
    const result = decodeResponse(raw, decoder, info);
    if (E.isLeft(result)) throw result.left;
    return result.right;
  });
