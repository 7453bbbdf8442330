import { expect } from 'chai';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { Group } from '../../lib/codecs';
import { envelope } from '../../lib/codecs/common';
import { toIssues } from '../../lib/codecs/report';
import { unwrapData } from '../../lib/resources/unwrap-data';
import { anyInput, codecs, comparable } from '../codecs/response-arbitraries';

describe('unwrapData', () => {
  for (const [name, codec, valid] of codecs) {
    it(`${name}: yields data of { data } exactly as decoding the envelope does, paths prefixed with data`, () => {
      const unwrap = unwrapData(codec);
      const wrapped = envelope(codec);
      fc.assert(
        fc.property(anyInput(valid.map((data) => ({ data }))), (u) => {
          const expected = E.map((w: { data: unknown }) => w.data)(wrapped.decode(u));
          expect(comparable(unwrap.decode(u))).to.deep.equal(comparable(expected));
        }),
      );
    });
  }

  it('reports a failing field with its data. path', () => {
    const result = unwrapData(Group).decode({ data: { id: 1 } });
    expect(E.isLeft(result) && toIssues(result.left).map((i) => i.path)).to.include('data.id');
  });
});
