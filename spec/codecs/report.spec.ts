import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { MemberInput } from '../../lib/codecs';
import { toIssues } from '../../lib/codecs/report';

const issuesOf = (codec: t.Mixed, u: unknown) => {
  const r = codec.decode(u);
  return E.isLeft(r) ? toIssues(r.left) : [];
};

describe('toIssues', () => {
  it('gives one issue per failing path, with array indexes in brackets and nested keys dotted', () => {
    const codec = t.type({ items: t.array(t.type({ n: t.number })) });
    expect(issuesOf(codec, { items: [{ n: 1 }, { n: 'x' }] })).to.deep.equal([{ path: 'items[1].n', message: 'expected number, got "x"' }]);
  });

  it('reports a union once, not once per member, and skips the positions of intersections', () => {
    const codec = t.intersection([t.type({ a: t.union([t.string, t.null]) }), t.partial({ b: t.number })]);
    expect(issuesOf(codec, { a: 1, b: 'x' })).to.deep.equal([
      { path: 'a', message: 'expected string, got 1' },
      { path: 'b', message: 'expected number, got "x"' },
    ]);
  });

  it("keeps a codec's own words, says a missing value is required, and shortens a long value", () => {
    expect(issuesOf(MemberInput, { reference_id: ' ' }).slice(0, 2)).to.deep.equal([
      { path: 'reference_id', message: 'must not be empty' },
      { path: 'first_name', message: 'is required' },
    ]);
    expect(issuesOf(t.type({ a: t.number }), { a: undefined })).to.deep.equal([{ path: 'a', message: 'is required' }]);
    const [long] = issuesOf(t.type({ a: t.number }), { a: 'x'.repeat(100) });
    expect(long!.message).to.equal(`expected number, got "${'x'.repeat(59)}…`);
  });
});
