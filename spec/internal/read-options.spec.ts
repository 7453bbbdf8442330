import { expect } from 'chai';
import fc from 'fast-check';
import {
  kindOf,
  isDurationMs,
  isPositiveInteger,
  MAX_TIMER_MS,
  readOptions,
  shown,
} from '../../lib/internal/read-options';

describe('readOptions', () => {
  it('reads each named key that is not undefined, once, and ignores the others', () => {
    const reads: string[] = [];
    const options = new Proxy({ a: 1, b: undefined, c: 'x' } as Record<string, unknown>, {
      get: (target, key) => {
        reads.push(String(key));
        return target[key as string];
      },
    });
    expect(readOptions(options, ['a', 'b', 'd'] as const)).to.deep.equal({
      values: { a: 1 },
      issues: [],
    });
    expect(reads).to.deep.equal(['a', 'b', 'd']);
  });

  it('takes undefined as no options, and names the type of anything that is not an object', () => {
    expect(readOptions(undefined, ['a'])).to.deep.equal({ values: {}, issues: [] });
    expect(readOptions(null, ['a'], 'retry')).to.deep.equal({
      values: {},
      issues: [{ path: 'retry', message: 'must be an object of options, got null' }],
    });
    expect(readOptions(42, ['a']).issues).to.deep.equal([
      { path: '', message: 'must be an object of options, got number' },
    ]);
    expect(readOptions(() => undefined, ['a']).issues).to.deep.equal([]);
  });

  it('turns a throwing getter into an issue at its path, with the message, and reads the other keys', () => {
    const options = {
      get a(): never {
        throw new Error('no a here');
      },
      get b(): never {
        throw 'a bare string';
      },
      c: 3,
    };
    expect(readOptions(options, ['a', 'b', 'c'], 'sync')).to.deep.equal({
      values: { c: 3 },
      issues: [
        { path: 'sync.a', message: 'could not be read: no a here' },
        { path: 'sync.b', message: 'could not be read: a bare string' },
      ],
    });
    expect(readOptions(options, ['a']).issues[0]!.path).to.equal('a');
  });
});

describe('isDurationMs', () => {
  it('accepts finite numbers from the minimum to the largest timer delay, and nothing else', () => {
    fc.assert(
      fc.property(fc.anything(), fc.nat(1000), (value, min) => {
        const expected =
          typeof value === 'number' &&
          Number.isFinite(value) &&
          value >= min &&
          value <= MAX_TIMER_MS;
        expect(isDurationMs(value, min)).to.equal(expected);
      }),
    );
    expect(MAX_TIMER_MS).to.equal(2 ** 31 - 1);
    expect([0, 0.5, MAX_TIMER_MS].map((n) => isDurationMs(n, 0))).to.deep.equal([true, true, true]);
    expect(
      [-1, MAX_TIMER_MS + 1, Infinity, Number.NaN, '5'].map((n) => isDurationMs(n, 0)),
    ).to.deep.equal([false, false, false, false, false]);
    expect(isDurationMs(9, 10)).to.equal(false);
  });
});

describe('isPositiveInteger', () => {
  it('is true exactly for integers above zero', () => {
    expect([1, 2, 1e21].map(isPositiveInteger)).to.deep.equal([true, true, true]);
    expect([0, -1, 1.5, Number.NaN, Infinity, '1', null].map(isPositiveInteger)).to.deep.equal([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('kindOf', () => {
  it('names null and arrays apart from objects, and anything else by its typeof', () => {
    expect([null, [], {}, undefined, 'x', 1, true, 1n, () => 0].map(kindOf)).to.deep.equal([
      'null', 'array', 'object', 'undefined', 'string', 'number', 'boolean', 'bigint', 'function',
    ]);
  });
});

describe('shown', () => {
  it('prints primitives as String does, objects by their tag, and never throws', () => {
    expect([1, 'x', undefined, null, true, 10n].map(shown)).to.deep.equal([
      '1',
      'x',
      'undefined',
      'null',
      'true',
      '10',
    ]);
    expect([{ a: 1 }, [1, 2], new Date(0)].map(shown)).to.deep.equal([
      '[object Object]',
      '[object Array]',
      '[object Date]',
    ]);
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('no');
        },
      },
    );
    expect(shown(hostile)).to.equal('an unprintable value');
    expect(shown(Symbol('s'))).to.equal('Symbol(s)');
  });
});
