import { expect } from 'chai';
import fc from 'fast-check';
import { memberBytes } from '../../lib/internal/json-bytes';

describe('memberBytes', () => {
  it('equals the UTF-8 bytes of JSON.stringify for any JSON-like value (unicode, escapes, nesting, undefined fields)', function () {
    this.timeout(20_000); // 2000 generated values: a few hundred ms unloaded, longer on a busy machine
    const value = fc.letrec((tie) => ({
      leaf: fc.oneof(
        fc.string({ unit: 'binary' }),
        fc.string(),
        // all of ASCII (controls, quote, backslash, DEL), short and on both sides of the 64-character loop/regexp switch
        fc.string({ unit: 'binary-ascii', maxLength: 8 }),
        fc.string({ unit: 'binary-ascii', minLength: 60, maxLength: 70 }),
        fc.constantFrom('"', '\\', '\n', '\u2028', 'é', '😀', ''),
        fc.integer(),
        fc.double(),
        fc.boolean(),
        fc.constant(null),
        fc.constant(undefined),
      ),
      node: fc.oneof(
        { weight: 3, arbitrary: tie('leaf') },
        { weight: 1, arbitrary: fc.dictionary(fc.string({ unit: 'binary' }), tie('node'), { maxKeys: 5 }) },
        { weight: 1, arbitrary: fc.array(tie('node'), { maxLength: 4 }) },
      ),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(fc.string(), value, { maxKeys: 8 }), (member) => {
        expect(memberBytes(member)).to.equal(Buffer.byteLength(JSON.stringify(member), 'utf8'));
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves out enumerable properties inherited from a polluted Object.prototype, as JSON.stringify does', () => {
    const member = { reference_id: 'EMP-1', address: { city: 'SF' } };
    Object.defineProperty(Object.prototype, 'polluted', { value: 'x', enumerable: true, configurable: true });
    try {
      expect(memberBytes(member)).to.equal(Buffer.byteLength(JSON.stringify(member), 'utf8'));
    } finally {
      delete (Object.prototype as { polluted?: unknown }).polluted;
    }
  });

  it('throws, as JSON.stringify does, for a cycle, a BigInt and a getter that throws, instead of overflowing the stack', () => {
    const cycle: Record<string, unknown> = { reference_id: 'EMP-1' };
    cycle.self = { deeper: cycle };
    expect(() => memberBytes(cycle)).to.throw(TypeError, /circular/);
    expect(() => memberBytes({ reference_id: 'EMP-1', n: 10n })).to.throw(TypeError, /BigInt/);
    const getter = Object.defineProperty({}, 'reference_id', { enumerable: true, get: () => { throw new Error('gone'); } });
    expect(() => memberBytes(getter)).to.throw(Error, 'gone');
  });
});
