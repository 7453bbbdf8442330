import { expect } from 'chai';
import { InvalidArgumentError } from 'commander';
import fc from 'fast-check';
import { integerIn, nonEmpty } from '../../lib/cli/option-parsers';

const rejection = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
};

describe('integerIn', () => {
  it('parses every integer in range, written with or without a plus sign or surrounding blanks', () => {
    const bounded = fc
      .tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 }))
      .map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a]))
      .chain(([min, max]) =>
        fc.tuple(fc.constant(min), fc.constant(max), fc.integer({ min, max })),
      );
    fc.assert(
      fc.property(
        bounded,
        fc.constantFrom('', '+'),
        fc.constantFrom('', ' '),
        ([min, max, n], sign, pad) => {
          expect(integerIn(min, max)(`${pad}${sign}${n}${pad}`)).to.equal(n);
        },
      ),
    );
  });

  it('rejects numbers out of range with an InvalidArgumentError naming the range and the value', () => {
    const err = rejection(() => integerIn(1, 100)('0'));
    expect(err).to.be.instanceOf(InvalidArgumentError);
    expect((err as Error).message).to.equal('expected an integer from 1 to 100, got "0"');
    expect((rejection(() => integerIn(1, 100)('101')) as Error).message).to.equal(
      'expected an integer from 1 to 100, got "101"',
    );
  });

  it('without a maximum, names only the minimum', () => {
    expect((rejection(() => integerIn(1)('-3')) as Error).message).to.equal(
      'expected an integer >= 1, got "-3"',
    );
    expect(integerIn(1)(String(Number.MAX_SAFE_INTEGER))).to.equal(Number.MAX_SAFE_INTEGER);
  });

  it('rejects what is not a plain decimal integer: fractions, exponents, hex, words, empty, unsafe', () => {
    for (const value of ['1.5', '1e3', '0x10', 'ten', '', ' ', '-', '9007199254740993', '1_000'])
      expect(
        rejection(() => integerIn(0)(value)),
        value,
      ).to.be.instanceOf(InvalidArgumentError);
  });
});

describe('nonEmpty', () => {
  it('returns the value as given when it has any non-blank character', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => s.trim() !== ''),
        (s) => {
          expect(nonEmpty('--group')(s)).to.equal(s);
        },
      ),
    );
  });

  it('rejects an empty or blank value with an error naming the flag', () => {
    for (const value of ['', '   ', '\t\n']) {
      const err = rejection(() => nonEmpty('--group')(value));
      expect(err).to.be.instanceOf(InvalidArgumentError);
      expect((err as Error).message).to.equal('--group must not be empty');
    }
  });
});
