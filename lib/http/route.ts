import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import type { Endpoint } from './exchange';
import { pathParam, validateAll, type Validation } from './validate';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The `{name}` parameters of a path template, e.g. `'groupId' | 'requestId'`. @internal */
export type RouteParams<T extends string> = T extends `${string}{${infer P}}${infer Rest}`
  ? P | RouteParams<Rest>
  : never;

/** A path template made into a checker of its parameters. @internal */
export type Route<T extends string> = (
  params: Readonly<Record<RouteParams<T>, unknown>>,
) => Validation<string>;

/** The optional parts of an endpoint, each checked. @internal */
export interface EndpointParts {
  readonly body?: Validation<unknown>;
  readonly query?: Validation<Readonly<Record<string, number | string | undefined>>>;
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * A validating path helper: `route('/v1/groups/{groupId}')({ groupId })` is
 * the path with each parameter checked by `pathParam` (a non-blank string,
 * not `.` or `..`, valid Unicode) and percent-encoded, or every issue, each
 * named after its parameter. Parameters are read once.
 *
 * @example
 * // internal (lib/http/route.ts), not part of the package root
 * const groupPath = route('/v1/groups/{groupId}');
 * groupPath({ groupId: 'grp 1' }); // Right('/v1/groups/grp%201')
 * groupPath({ groupId: '' });      // Left([{ path: 'groupId', message: 'must not be empty' }])
 *
 * @internal
 */
export const route = <T extends string>(template: T): Route<T> => {
  const pieces = template.split(/\{([^}]+)\}/); // literal, name, literal, name, …, literal
  if (pieces.length === 1) return () => E.right(template);
  return (params) => {
    const values = params as Readonly<Record<string, unknown>>;
    const checked: Record<string, Validation<string>> = {};
    for (let i = 1; i < pieces.length; i += 2)
      checked[pieces[i]!] = pathParam(pieces[i]!, values[pieces[i]!]);
    return E.map((encoded: Readonly<Record<string, string>>) =>
      pieces.map((piece, i) => (i % 2 === 1 ? encoded[piece]! : piece)).join(''),
    )(validateAll(checked));
  };
};

/**
 * An endpoint from its checked path and parts, with every issue of all of
 * them at once.
 *
 * @example
 * // internal (lib/http/route.ts), not part of the package root
 * endpoint(groupPath({ groupId }), GroupData, { body: decodeInput(GroupUpdateParams, body, 'body') });
 *
 * @internal
 */
export const endpoint = <A>(
  path: Validation<string>,
  decoder: t.Decoder<unknown, A>,
  parts: EndpointParts = {},
): Validation<Endpoint<A>> =>
  E.map(
    (v: {
      path: string;
      body: unknown;
      query: Readonly<Record<string, number | string | undefined>> | undefined;
    }): Endpoint<A> => ({
      path: v.path,
      decoder,
      ...(v.body === undefined ? {} : { body: v.body }),
      ...(v.query === undefined ? {} : { query: v.query }),
    }),
  )(
    validateAll({
      path,
      body: parts.body ?? E.right(undefined),
      query: parts.query ?? E.right(undefined),
    }),
  );
