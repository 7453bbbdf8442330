import { expect } from 'chai';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { NonEmptyString, Pagination, Timestamp } from '../../lib/codecs';
import { checkedFirst, envelope } from '../../lib/codecs/common';
import { anyInput, codecs, comparable } from './response-arbitraries';

describe('checkedFirst', () => {
  for (const [name, codec, valid] of codecs) {
    it(`${name}: io-ts decodes every valid value to that very object (so skipping decode when is() holds is sound)`, () => {
      fc.assert(
        fc.property(valid, (v) => {
          const decoded = codec.decode(v);
          expect(E.isRight(decoded) && decoded.right === v).to.equal(true);
          expect(codec.is(v)).to.equal(true);
        }),
      );
    });

    it(`${name}: gives the same result as the codec's decode for any input, failures included`, () => {
      const fast = checkedFirst(codec);
      expect(fast.name).to.equal(codec.name);
      fc.assert(
        fc.property(anyInput(valid), (u) => {
          expect(comparable(fast.decode(u))).to.deep.equal(comparable(codec.decode(u)));
        }),
      );
    });
  }
});

describe('NonEmptyString', () => {
  it('accepts a string with something besides white space, as given', () => {
    expect(NonEmptyString.decode(' x ')).to.deep.equal(E.right(' x '));
  });

  it('rejects a blank, a non-string and a missing value, each in its own words', () => {
    const message = (u: unknown) => {
      const r = NonEmptyString.decode(u);
      return E.isLeft(r) ? r.left[0]!.message : undefined;
    };
    expect(message(' \t')).to.equal('must not be empty');
    expect(message(3)).to.equal('must be a string, got number');
    expect(message(undefined)).to.equal('is required');
  });
});

describe('Timestamp', () => {
  it('is a string or null', () => {
    expect([Timestamp.is('2026-01-15T10:30:00Z'), Timestamp.is(null), Timestamp.is(0)]).to.deep.equal([true, true, false]);
  });
});

describe('Pagination', () => {
  it('needs the four numbers and keeps extra keys (the API may add fields)', () => {
    const p = { page: 1, limit: 20, total: 0, total_pages: 0, next: 'x' };
    expect(Pagination.decode(p)).to.deep.equal(E.right(p));
    expect(E.isLeft(Pagination.decode({ page: 1, limit: 20, total: 0 }))).to.equal(true);
  });
});

describe('envelope', () => {
  it('decodes { data } around its codec, named after it', () => {
    const codec = envelope(Pagination);
    expect(codec.name).to.equal('{ data: Pagination }');
    expect(E.isRight(codec.decode({ data: { page: 1, limit: 1, total: 1, total_pages: 1 } }))).to.equal(true);
    expect(E.isLeft(codec.decode({ page: 1, limit: 1, total: 1, total_pages: 1 }))).to.equal(true);
  });
});

