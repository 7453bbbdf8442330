import { expect } from 'chai';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import { Group, GroupPage, SyncRequest, SyncSubmission, toIssues } from '../../lib/codecs';
import { checkedFirst, envelope } from '../../lib/codecs/common';
import { unwrapData } from '../../lib/resources/unwrap-data';

// Valid API values, with extra keys now and then (the API may add fields).
const extra = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 6 }).map((k) => `x_${k}`),
  fc.jsonValue(),
  {
    maxKeys: 2,
  },
);
const withExtra = <A extends object>(arb: fc.Arbitrary<A>): fc.Arbitrary<A> =>
  fc.tuple(arb, extra).map(([a, more]) => ({ ...more, ...a }));
const timestamp = fc.option(fc.string(), { nil: null });

const group = withExtra(
  fc.record({
    id: fc.string(),
    organization_id: fc.string(),
    name: fc.string(),
    external_reference_id: fc.string(),
    created_at: timestamp,
    updated_at: timestamp,
  }),
);
const page = withExtra(
  fc.record({
    data: fc.array(group, { maxLength: 5 }),
    pagination: withExtra(
      fc.record({
        page: fc.integer(),
        limit: fc.integer(),
        total: fc.integer(),
        total_pages: fc.integer(),
      }),
    ),
  }),
);
const submission = withExtra(
  fc.record({ request_id: fc.string(), group_id: fc.string(), accepted_at: fc.string() }),
);
const results = withExtra(
  fc.record({
    added_group_member_ids: fc.array(fc.string(), { maxLength: 3 }),
    removed_group_member_ids: fc.array(fc.string(), { maxLength: 3 }),
    failures: fc.array(
      withExtra(
        fc.record({
          reference_id: fc.string(),
          operation: fc.constantFrom('add', 'remove'),
          reason: fc.string(),
        }),
      ),
      { maxLength: 3 },
    ),
  }),
);
const request = withExtra(
  fc.record({
    request_id: fc.string(),
    group_id: fc.string(),
    accepted_at: fc.string(),
    completed_at: timestamp,
    results: fc.option(results, { nil: null }),
  }),
);

/** Replaces the value at one random path of `value` with an arbitrary JSON value. */
const mutate = (value: unknown): fc.Arbitrary<unknown> =>
  fc.tuple(fc.nat(), fc.nat(), fc.jsonValue()).map(([i, j, replacement]) => {
    if (value === null || typeof value !== 'object') return replacement;
    const copy = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
    const keys = Object.keys(copy);
    const key = keys[i % keys.length]!;
    const inner = copy[key];
    if (
      inner !== null &&
      typeof inner === 'object' &&
      Object.keys(inner).length > 0 &&
      j % 2 === 0
    ) {
      const innerKeys = Object.keys(inner);
      (inner as Record<string, unknown>)[innerKeys[j % innerKeys.length]!] = replacement;
    } else copy[key] = replacement;
    return copy;
  });

/** Valid values, values with one part changed, and any JSON at all. */
const anyInput = (valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  fc.oneof(
    valid,
    valid.chain(mutate),
    fc.jsonValue(),
    fc.constantFrom(undefined, null, 'x', 1, []),
  );

/** Two decode results as comparable plain data: the value, or the issues. */
const comparable = <A>(result: E.Either<t.Errors, A>): unknown =>
  E.isRight(result) ? { right: result.right } : { left: toIssues(result.left) };

const codecs: ReadonlyArray<[string, t.Mixed, fc.Arbitrary<unknown>]> = [
  ['Group', Group, group],
  ['GroupPage', GroupPage, page],
  ['SyncSubmission', SyncSubmission, submission],
  ['SyncRequest', SyncRequest, request],
];

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
