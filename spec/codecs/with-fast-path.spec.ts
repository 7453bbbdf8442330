import { expect } from 'chai';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { toIssues } from '../../lib/codecs/report';
import { withFastPath, type FastPath } from '../../lib/codecs/with-fast-path';

// A small structure with one normalising field: `code` decodes upper-case; `note` is optional.
const Upper = new t.Type<string, string, unknown>(
  'Upper',
  (u): u is string => typeof u === 'string' && u === u.toUpperCase(),
  (u, c) => (typeof u === 'string' && u.length > 0 ? t.success(u.toUpperCase()) : t.failure(u, c, 'must be a code')),
  t.identity,
);
const Structure = t.exact(t.intersection([t.type({ code: Upper }), t.partial({ note: t.string })]), 'Code');
type Code = t.TypeOf<typeof Structure>;
type Rec = Record<string, unknown>;

const LETTERS = /^[a-z]+$/i;
/** Sure only of letters-only codes and a string note; the structure decides everything else. */
const fast: FastPath<Code> = {
  snapshot: (u) => {
    if (!t.UnknownRecord.is(u)) return u;
    const s: Rec = { code: u['code'] };
    const note = u['note'];
    if (note !== undefined || Object.prototype.hasOwnProperty.call(u, 'note')) s['note'] = note;
    return s;
  },
  check: (own, fresh) => {
    if (!t.UnknownRecord.is(own)) return undefined;
    const { code, note } = own;
    if (typeof code !== 'string' || !LETTERS.test(code) || (note !== undefined && typeof note !== 'string')) return undefined;
    const upper = code.toUpperCase();
    if (fresh) {
      own['code'] = upper;
      return own as Code;
    }
    const keys = Object.getOwnPropertyNames(own);
    return upper === code && keys.every((k) => k === 'code' || k === 'note') ? (own as Code) : undefined;
  },
  adoptNested: () => undefined,
};
const Codec = withFastPath(Structure, fast);

const outcome = (v: t.Validation<unknown>): unknown => (E.isLeft(v) ? { issues: toIssues(v.left) } : { value: v.right });
const input = fc.oneof(
  fc.record({ code: fc.oneof(fc.constantFrom('ab', 'AB', 'a1', '', 'é'), fc.anything()), note: fc.oneof(fc.string(), fc.anything()), x: fc.anything() }, { requiredKeys: [] }),
  fc.anything(),
);

describe('withFastPath', () => {
  it('decodes every input as the structure does: the same value, the same issues with their paths (property)', () => {
    fc.assert(
      fc.property(input, (u) => {
        expect(outcome(Codec.decode(u))).to.deep.equal(outcome(Structure.decode(u)));
        expect(outcome(Codec.validate(u, [{ key: '', type: Codec, actual: u }]))).to.deep.equal(outcome(Structure.decode(u)));
      }),
      { numRuns: 2000 },
    );
  });

  it('never returns the given object, even where io-ts returns it itself', () => {
    fc.assert(
      fc.property(input, (u) => {
        const r = Codec.decode(u);
        if (E.isRight(r) && typeof u === 'object' && u !== null) expect(r.right).to.not.equal(u);
      }),
    );
    const decoded = { code: 'AB' };
    expect(E.isRight(Structure.decode(decoded)) && Structure.decode(decoded)).to.deep.equal(E.right(decoded));
    expect(E.isRight(Codec.decode(decoded)) && (Codec.decode(decoded) as E.Right<Code>).right).to.not.equal(decoded);
  });

  it('returns a value it returned itself when its fast path finds nothing to change', () => {
    for (const u of [{ code: 'ab' }, { code: 'ab', note: 'n' }, { code: 'AB', x: 1 }]) {
      const once = Codec.decode(u);
      if (E.isLeft(once)) throw new Error('valid');
      expect(Codec.decode(once.right)).to.deep.equal(E.right(once.right));
      expect((Codec.decode(once.right) as E.Right<Code>).right).to.equal(once.right);
    }
  });

  it('copies a value it returned once it was changed, and never takes a Proxy of it for its own', () => {
    const once = Codec.decode({ code: 'ab' }) as E.Right<Code>;
    const proxy = new Proxy(once.right, {});
    const viaProxy = Codec.decode(proxy) as E.Right<Code>;
    expect(viaProxy.right).to.not.equal(proxy);
    expect(viaProxy.right).to.deep.equal({ code: 'AB' });
    (once.right as Rec)['code'] = 'cd';
    const again = Codec.decode(once.right) as E.Right<Code>;
    expect(again.right).to.not.equal(once.right);
    expect(again.right).to.deep.equal({ code: 'CD' });
  });

  it('reads the input once, on either path, and explains a failure from that one read', () => {
    for (const [first, then] of [
      ['ab', 1],
      ['a1', 1],
      [7, 'ab'],
    ] as const) {
      let reads = 0;
      const u = {
        get code() {
          return reads++ === 0 ? first : then;
        },
      };
      const r = Codec.decode(u);
      expect(reads, String(first)).to.equal(1);
      expect(outcome(r)).to.deep.equal(outcome(Structure.decode({ code: first })));
    }
  });

  it('is named after its structure, keeps it, and uses its is and encode', () => {
    expect(Codec.name).to.equal('Code');
    expect(Codec.structure).to.equal(Structure);
    // a value only the structure could decode is copied again (the fast path is unsure, the structure reads a snapshot)
    const slow = Codec.decode({ code: 'a1' }) as E.Right<Code>;
    expect((Codec.decode(slow.right) as E.Right<Code>).right).to.deep.equal(slow.right);
    expect(Codec._tag).to.equal('FastPathType');
    expect([Codec.is({ code: 'AB' }), Codec.is({ code: 'ab' })]).to.deep.equal([true, false]);
    expect(Codec.encode({ code: 'AB' })).to.deep.equal({ code: 'AB' });
    expect(withFastPath(Structure, fast, 'Other').name).to.equal('Other');
  });
});
