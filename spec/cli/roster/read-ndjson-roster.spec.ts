import { expect } from 'chai';
import { Readable } from 'node:stream';
import { readNdjsonRoster } from '../../../lib/cli/roster/read-ndjson-roster';
import { collect, countingSource } from './reader-harness';

describe('readNdjsonRoster', () => {
  it('yields one value per non-blank line, and an error naming the line of a line that is not JSON', async () => {
    const text = '{"reference_id":"A"}\r\n\n{oops\n[1]\n{"reference_id":"B"}';
    const records = await collect(readNdjsonRoster(Readable.from([Buffer.from(text)]), 'x.ndjson'));
    expect(records.map((r) => [r.kind, r.index, r.line])).to.deep.equal([
      ['member', 0, 1],
      ['error', 1, 3],
      ['member', 2, 4],
      ['member', 3, 5],
    ]);
    expect(records[1])
      .to.have.property('reason')
      .that.matches(/^line 3: not valid JSON/);
    expect(records[3]).to.deep.include({ value: { reference_id: 'B' } });
  });

  it('splits lines across chunk boundaries and multi-byte characters', async () => {
    const bytes = Buffer.from('{"first_name":"Zoë"}\n{"first_name":"Łukasz"}\n');
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    const records = await collect(readNdjsonRoster(Readable.from(chunks), 'x.ndjson'));
    expect(records.map((r) => (r as { value: unknown }).value)).to.deep.equal([
      { first_name: 'Zoë' },
      { first_name: 'Łukasz' },
    ]);
  });

  it('reads lazily: taking 10 lines of a 1,000,000-line source pulls only a few chunks', async () => {
    const source = countingSource(
      1_000_000,
      (i) => `{"reference_id":"EMP-${i}","first_name":"Jane"}\n`,
    );
    const iterator = readNdjsonRoster(source.stream, 'big.ndjson')[Symbol.asyncIterator]();
    for (let i = 0; i < 10; i++)
      expect((await iterator.next()).value).to.include({ kind: 'member', index: i });
    await iterator.return?.(undefined);
    expect(source.produced()).to.be.below(1_000_000);
  });
});

describe('readNdjsonRoster and UTF-8', () => {
  it('readNdjsonRoster: a line with Latin-1 bytes is an error record with its line', async () => {
    const good = JSON.stringify({ reference_id: 'EMP-1' });
    const input = Buffer.concat([
      Buffer.from(`${good}\n\n`),
      Buffer.from('{"reference_id":"EMP-2","first_name":"Ren\u00e9e"}\n', 'latin1'),
      Buffer.from(`${good.replace('1', '3')}\n`),
    ]);
    const records = await collect(readNdjsonRoster(Readable.from([input]), 'r.ndjson'));
    expect(records.map((r) => [r.kind, r.index, r.line])).to.deep.equal([
      ['member', 0, 1],
      ['error', 1, 3],
      ['member', 2, 4],
    ]);
    expect((records[1] as { reason: string }).reason).to.match(/^line 3: not valid UTF-8/);
  });
});
