import { isUtf8 } from 'node:buffer';
import { Transform } from 'node:stream';

const NEWLINE = 0x0a;

/** Where, in `buf`, a multi-byte character cut off by the end of the chunk starts (`buf.length` if none). */
const incompleteTail = (buf: Buffer): number => {
  for (let p = buf.length - 1; p >= 0 && p >= buf.length - 4; p--) {
    const b = buf[p]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > buf.length - p ? p : buf.length;
  }
  return buf.length;
};

/**
 * Finds the lines of a byte stream that are not valid UTF-8 (Latin-1 bytes, a
 * truncated character), as the bytes pass through {@link Utf8Lines.transform}
 * unchanged, so that a reader that decodes them (with U+FFFD for what is not
 * UTF-8) can tell a row to refuse from a row that really holds U+FFFD.
 * Lines are 1-based and counted by `\n`.
 *
 * @internal
 * @example
 * const utf8 = new Utf8Lines();
 * for await (const chunk of input.pipe(utf8.transform())) { … }
 * utf8.takeUpTo(12); // [7]: line 7 had bytes that are not UTF-8
 */
export class Utf8Lines {
  private readonly bad: number[] = [];
  private line = 1;
  private carry: Buffer = Buffer.alloc(0);

  /** A stream that passes the bytes through as they are, noting the invalid lines. */
  transform(): Transform {
    return new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        this.check(chunk);
        done(null, chunk);
      },
      flush: (done) => {
        if (this.carry.length > 0) this.mark(); // the input ends inside a character
        this.carry = Buffer.alloc(0);
        done();
      },
    });
  }

  /** Takes (and forgets) the invalid lines up to `line`, in order. */
  takeUpTo(line: number): number[] {
    let n = 0;
    while (n < this.bad.length && this.bad[n]! <= line) n++;
    return this.bad.splice(0, n);
  }

  private mark(): void {
    if (this.bad[this.bad.length - 1] !== this.line) this.bad.push(this.line);
  }

  private check(chunk: Buffer): void {
    const buf = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const cut = incompleteTail(buf);
    this.carry = Buffer.from(buf.subarray(cut));
    const body = buf.subarray(0, cut);
    if (isUtf8(body)) {
      for (let nl = body.indexOf(NEWLINE); nl !== -1; nl = body.indexOf(NEWLINE, nl + 1))
        this.line++;
      return;
    }
    // a character never spans a newline, so each line piece can be checked alone
    for (let start = 0; ;) {
      const nl = body.indexOf(NEWLINE, start);
      if (!isUtf8(body.subarray(start, nl === -1 ? body.length : nl))) this.mark();
      if (nl === -1) return;
      this.line++;
      start = nl + 1;
    }
  }
}
