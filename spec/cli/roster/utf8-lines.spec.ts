import { expect } from 'chai';
import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { Utf8Lines } from '../../../lib/cli/roster/utf8-lines';

describe('Utf8Lines', () => {
  const linesOf = async (chunks: Buffer[]): Promise<{ bad: number[]; bytes: Buffer }> => {
    const utf8 = new Utf8Lines();
    const out: Buffer[] = [];
    for await (const c of Readable.from(chunks).pipe(utf8.transform())) out.push(c as Buffer);
    return { bad: utf8.takeUpTo(Number.MAX_SAFE_INTEGER), bytes: Buffer.concat(out) };
  };

  it('names the lines holding bytes that are not UTF-8, and passes every byte through unchanged', async () => {
    const text = Buffer.concat([
      Buffer.from('caf\u00e9 ok\n'), // é in UTF-8: fine
      Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]), // "caf" + Latin-1 é
      Buffer.from('\ufffd is a real character\n'),
      Buffer.from([0x41, 0xc3]), // a truncated character at the very end
    ]);
    const { bad, bytes } = await linesOf([text]);
    expect(bad).to.deep.equal([2, 4]);
    expect(bytes.equals(text)).to.equal(true);
  });

  it('finds the same lines wherever the chunks are cut, multi-byte characters included', () => {
    const lines = fc.array(
      fc.oneof(
        fc
          .string({ unit: 'grapheme', maxLength: 8 })
          .map((s) => ({ bytes: Buffer.from(s), bad: false })),
        fc
          .uint8Array({ minLength: 1, maxLength: 4 })
          .map((a) => Buffer.from(a.filter((b) => b !== 0x0a)))
          .filter((b) => b.length > 0 && !isUtf8(b))
          .map((b) => ({ bytes: b, bad: true })),
      ),
      { maxLength: 12 },
    );
    return fc.assert(
      fc.asyncProperty(lines, fc.array(fc.nat(40), { maxLength: 6 }), async (ls, cuts) => {
        const whole = Buffer.concat(ls.flatMap((l) => [l.bytes, Buffer.from('\n')]));
        const at = [...new Set(cuts.map((c) => c % (whole.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...at, whole.length]
          .slice(1)
          .map((end, i, ends) => whole.subarray(i === 0 ? 0 : ends[i - 1]!, end))
          .filter((c) => c.length > 0);
        const { bad } = await linesOf(chunks);
        expect(bad).to.deep.equal(ls.flatMap((l, i) => (l.bad ? [i + 1] : [])));
      }),
    );
  });
});
