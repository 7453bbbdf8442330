import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import { checkedFirst, envelope } from '../codecs/common';

/**
 * A decoder for the API's `{ data }` envelope that yields the unwrapped
 * resource; failing paths keep their `data.` prefix, e.g. `data.name`. Only
 * for codecs whose decoding is the identity on valid input (every response
 * codec), as it decodes through {@link checkedFirst}.
 *
 * @example
 * // internal (lib/resources/unwrap-data.ts), not part of the package root
 * unwrapData(Group).decode({ data: group }); // Right(group)
 *
 * @internal
 */
export const unwrapData = <C extends t.Mixed>(codec: C): t.Decoder<unknown, t.TypeOf<C>> => {
  const wrapped = envelope(codec);
  const checked = checkedFirst(wrapped);
  return {
    name: wrapped.name,
    validate: (u, c) =>
      E.map((w: t.TypeOf<typeof wrapped>): t.TypeOf<C> => w.data)(wrapped.validate(u, c)),
    decode: (u) => E.map((w: t.TypeOf<typeof wrapped>): t.TypeOf<C> => w.data)(checked.decode(u)),
  };
};
