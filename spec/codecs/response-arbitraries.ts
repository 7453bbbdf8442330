/** Arbitraries of API response values (valid, nearly valid, anything) for the response codecs' specs. */
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import { Group, GroupPage, SyncRequest, SyncSubmission } from '../../lib/codecs';
import { toIssues } from '../../lib/codecs/report';

// Valid API values, with extra keys now and then (the API may add fields).
export const extra = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 6 }).map((k) => `x_${k}`),
  fc.jsonValue(),
  {
    maxKeys: 2,
  },
);
export const withExtra = <A extends object>(arb: fc.Arbitrary<A>): fc.Arbitrary<A> =>
  fc.tuple(arb, extra).map(([a, more]) => ({ ...more, ...a }));
export const timestamp = fc.option(fc.string(), { nil: null });

export const group = withExtra(
  fc.record({
    id: fc.string(),
    organization_id: fc.string(),
    name: fc.string(),
    external_reference_id: fc.string(),
    created_at: timestamp,
    updated_at: timestamp,
  }),
);
export const page = withExtra(
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
export const submission = withExtra(
  fc.record({ request_id: fc.string(), group_id: fc.string(), accepted_at: fc.string() }),
);
export const results = withExtra(
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
export const request = withExtra(
  fc.record({
    request_id: fc.string(),
    group_id: fc.string(),
    accepted_at: fc.string(),
    completed_at: timestamp,
    results: fc.option(results, { nil: null }),
  }),
);

/** Replaces the value at one random path of `value` with an arbitrary JSON value. */
export const mutate = (value: unknown): fc.Arbitrary<unknown> =>
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
export const anyInput = (valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  fc.oneof(
    valid,
    valid.chain(mutate),
    fc.jsonValue(),
    fc.constantFrom(undefined, null, 'x', 1, []),
  );

/** Two decode results as comparable plain data: the value, or the issues. */
export const comparable = <A>(result: E.Either<t.Errors, A>): unknown =>
  E.isRight(result) ? { right: result.right } : { left: toIssues(result.left) };

export const codecs: ReadonlyArray<[string, t.Mixed, fc.Arbitrary<unknown>]> = [
  ['Group', Group, group],
  ['GroupPage', GroupPage, page],
  ['SyncSubmission', SyncSubmission, submission],
  ['SyncRequest', SyncRequest, request],
];

