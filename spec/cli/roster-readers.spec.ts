import { expect } from 'chai';
import { isUtf8 } from 'node:buffer';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { CliError } from '../../lib/cli/cli-error';
import { openRoster } from '../../lib/cli/roster/open-roster';
import { readCsvRoster } from '../../lib/cli/roster/read-csv-roster';
import { readNdjsonRoster } from '../../lib/cli/roster/read-ndjson-roster';
import type { RosterRecord } from '../../lib/cli/roster/roster-record';
import { ROSTER_COLUMNS } from '../../lib/cli/roster/roster-columns';
import { Utf8Lines } from '../../lib/cli/roster/utf8-lines';
import { SourcePositions } from '../../lib/cli/source-positions';
import { CSV_HEADER } from './roster-files';

const collect = async (records: AsyncIterable<RosterRecord>): Promise<RosterRecord[]> => {
  const out: RosterRecord[] = [];
  for await (const r of records) out.push(r);
  return out;
};

const ROW = 'EMP-1,Jane,Doe,1990-05-15,4155550100,pln_1,1 Main St,,Austin,TX,78701,';

/** A source that counts the bytes it has been asked for, made on demand. */
const countingSource = (rows: number, makeRow: (i: number) => string, head = '') => {
  let produced = 0;
  function* chunks(): Generator<string> {
    if (head) {
      produced += head.length;
      yield head;
    }
    for (let i = 0; i < rows; i += 100) {
      let chunk = '';
      for (let j = i; j < Math.min(rows, i + 100); j++) chunk += makeRow(j);
      produced += chunk.length;
      yield chunk;
    }
  }
  return { stream: Readable.from(chunks(), { objectMode: false }), produced: () => produced };
};

describe('ROSTER_COLUMNS', () => {
  it('lists the MemberInput fields with the address flattened, the optional ones last', () => {
    expect(CSV_HEADER.split(',')).to.have.members([...ROSTER_COLUMNS.all]);
    expect(ROSTER_COLUMNS.all).to.have.length(12);
    expect([...ROSTER_COLUMNS.required]).to.deep.equal(
      'reference_id first_name last_name date_of_birth phone plan_id address_line_1 city state zipcode'.split(
        ' ',
      ),
    );
    expect([...ROSTER_COLUMNS.address]).to.have.members([
      'address_line_1',
      'address_line_2',
      'city',
      'state',
      'zipcode',
    ]);
  });
});

describe('readCsvRoster', () => {
  it('yields one member per row, the address gathered and empty cells absent', async () => {
    const records = await collect(
      readCsvRoster(Readable.from([`${CSV_HEADER}\n${ROW}\n`]), 'x.csv'),
    );
    expect(records).to.deep.equal([
      {
        kind: 'member',
        index: 0,
        line: 2,
        value: {
          reference_id: 'EMP-1',
          first_name: 'Jane',
          last_name: 'Doe',
          date_of_birth: '1990-05-15',
          phone: '4155550100',
          plan_id: 'pln_1',
          address: { address_line_1: '1 Main St', city: 'Austin', state: 'TX', zipcode: '78701' },
        },
      },
    ]);
  });

  it('reports a row with the wrong number of columns as an error naming its line, and goes on', async () => {
    const text = `${CSV_HEADER}\n${ROW}\nEMP-2,Jo\n\n${ROW.replace('EMP-1', 'EMP-3')}\n`;
    const records = await collect(readCsvRoster(Readable.from([text]), 'x.csv'));
    expect(records.map((r) => [r.kind, r.index, r.line])).to.deep.equal([
      ['member', 0, 2],
      ['error', 1, 3],
      ['member', 2, 5],
    ]);
    expect(records[1]).to.include({
      reason: 'line 3: expected 12 columns as in the header, got 2',
    });
  });

  it('keeps a quoted cell spanning lines, and reports a misplaced quote in place', async () => {
    const text = `${CSV_HEADER}\nEMP-1,"Mary\nAnn",Doe,1990-05-15,4155550100,pln_1,1 Main,,Austin,TX,78701,\nEMP-2,Jo"e,Doe,1990-05-15,4155550100,pln_1,1 Main,,Austin,TX,78701,\n${ROW.replace('EMP-1', 'EMP-3')}\n`;
    const records = await collect(readCsvRoster(Readable.from([text]), 'x.csv'));
    expect(records.map((r) => [r.kind, r.index, r.line])).to.deep.equal([
      ['member', 0, 3],
      ['error', 1, 4],
      ['member', 2, 5],
    ]);
    expect((records[0] as { value: { first_name: string } }).value.first_name).to.equal(
      'Mary\nAnn',
    );
    expect(records[1])
      .to.have.property('reason')
      .that.matches(/^line 4: Invalid Opening Quote/);
  });

  it('stops at a broken closing quote with a fatal error instead of merging the rows after it', async () => {
    const text = `${CSV_HEADER}\n${ROW}\nEMP-2,"Jo"e,Doe,1990-05-15,4155550100,pln_1,1 Main,,Austin,TX,78701,\n${ROW.replace('EMP-1', 'EMP-3')}\n`;
    const records = await collect(readCsvRoster(Readable.from([text]), 'x.csv'));
    expect(records.map((r) => [r.kind, r.index])).to.deep.equal([
      ['member', 0],
      ['error', 1],
    ]);
    expect(records[1]).to.include({ fatal: true });
    expect(records[1])
      .to.have.property('reason')
      .that.matches(/^line 3: Invalid Closing Quote.*rows after line 2/);
  });

  it('rejects a header with unknown, repeated or missing columns with a usage error naming them', async () => {
    const err = await collect(
      readCsvRoster(Readable.from(['reference_id,nickname,reference_id\n']), "file 'x.csv'"),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(CliError).and.include({ exitCode: 2 });
    expect((err as Error).message)
      .to.contain("file 'x.csv': bad header row")
      .and.contain('unknown column "nickname"')
      .and.contain('column "reference_id" appears twice')
      .and.contain('missing required column(s): first_name, last_name');
  });

  it('rejects an empty input with a usage error', async () => {
    const err = await collect(readCsvRoster(Readable.from(['']), 'x.csv')).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(CliError).and.include({ exitCode: 2 });
    expect((err as Error).message).to.contain('empty');
  });

  it('reads lazily: a consumer that takes 10 rows of a 1,000,000-row source pulls only a few chunks', async () => {
    const source = countingSource(
      1_000_000,
      (i) => `${ROW.replace('EMP-1', `EMP-${i}`)}\n`,
      `${CSV_HEADER}\n`,
    );
    const iterator = readCsvRoster(source.stream, 'big.csv')[Symbol.asyncIterator]();
    for (let i = 0; i < 10; i++)
      expect((await iterator.next()).value).to.include({ kind: 'member', index: i });
    await iterator.return?.(undefined);
    // the whole source would be ~80 MB; a few stream buffers are well under 1 MB
    expect(source.produced()).to.be.below(1_000_000);
  });
});

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

describe('openRoster', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vc-open-roster-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('names the path and the reason when the file cannot be read', async () => {
    const missing = join(dir, 'missing.csv');
    const err = await openRoster(missing, { stdin: Readable.from([]) }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(CliError).and.include({ exitCode: 2 });
    expect((err as Error).message).to.equal(
      `cannot read roster file '${missing}': no such file or directory (ENOENT)`,
    );
    const dirErr = await openRoster(dir, { stdin: Readable.from([]) }).catch((e: unknown) => e);
    expect((dirErr as Error).message).to.contain('it is a directory');
  });

  it('picks the format by extension, and sniffs a file without one', async () => {
    writeFileSync(join(dir, 'r.csv'), `${CSV_HEADER}\n${ROW}\n`);
    writeFileSync(join(dir, 'r.jsonl'), '{"reference_id":"A"}\n');
    writeFileSync(join(dir, 'r.txt'), '  {"reference_id":"A"}\n');
    const csv = await openRoster(join(dir, 'r.csv'), { stdin: Readable.from([]) });
    const jsonl = await openRoster(join(dir, 'r.jsonl'), { stdin: Readable.from([]) });
    expect([csv.format, jsonl.format]).to.deep.equal(['csv', 'ndjson']);
    csv.close();
    jsonl.close();
    const sniffed = await openRoster(join(dir, 'r.txt'), { stdin: Readable.from([]) });
    expect(sniffed.format).to.equal('ndjson');
    expect(await collect(sniffed.records)).to.have.length(1);
  });

  it('reads - from standard input, sniffing NDJSON and replaying what it peeked at', async () => {
    const stdin = Readable.from([
      Buffer.from('{"reference_id":"A"}\n{"refe'),
      Buffer.from('rence_id":"B"}\n'),
    ]);
    const roster = await openRoster('-', { stdin });
    expect(roster).to.include({ format: 'ndjson', source: 'standard input', sizeBytes: undefined });
    const values = (await collect(roster.records)).map((r) => (r as { value: unknown }).value);
    expect(values).to.deep.equal([{ reference_id: 'A' }, { reference_id: 'B' }]);
    expect(roster.bytesRead()).to.equal(42);
  });

  it('reads CSV from standard input', async () => {
    const roster = await openRoster('-', {
      stdin: Readable.from([Buffer.from(`${CSV_HEADER}\n${ROW}\n`)]),
    });
    expect(roster.format).to.equal('csv');
    expect((await collect(roster.records)).map((r) => r.kind)).to.deep.equal(['member']);
  });
});

describe('SourcePositions', () => {
  it('maps the k-th parsed record to its file index and line, whatever the unparseable records and line gaps', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ bad: fc.boolean(), gap: fc.nat({ max: 2 }) }), { maxLength: 200 }),
        (records) => {
          const positions = new SourcePositions();
          const parsed: Array<{ index: number; line: number }> = [];
          let line = 1;
          records.forEach((r, index) => {
            line += 1 + r.gap;
            positions.record(index, line, r.bad);
            if (!r.bad) parsed.push({ index, line });
          });
          parsed.forEach((p, k) => {
            expect(positions.fileIndex(k)).to.equal(p.index);
            expect(positions.lineOf(p.index)).to.equal(p.line);
          });
          expect(positions.unparseable).to.equal(records.filter((r) => r.bad).length);
        },
      ),
    );
  });
});

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

describe('roster readers and UTF-8', () => {
  const latin1Row = Buffer.from(
    'EMP-2,Ren\u00e9e,Doe,1990-05-15,4155550100,pln_1,1 Main St,,Austin,TX,78701,\n',
    'latin1',
  );

  it('readCsvRoster: a row with Latin-1 bytes is an error record with its line; a row with a real U+FFFD is a member', async () => {
    const input = Buffer.concat([
      Buffer.from(`${CSV_HEADER}\n${ROW}\n`),
      latin1Row,
      Buffer.from(`${ROW.replace('EMP-1', 'EMP-3').replace('Jane', 'J\ufffdne')}\n`),
    ]);
    const records = await collect(readCsvRoster(Readable.from([input]), 'r.csv'));
    expect(records.map((r) => [r.kind, r.line])).to.deep.equal([
      ['member', 2],
      ['error', 3],
      ['member', 4],
    ]);
    expect(records[1]).to.deep.include({ index: 1 });
    expect((records[1] as { reason: string }).reason).to.match(/^line 3: not valid UTF-8/);
    expect((records[2] as { value: { first_name: string } }).value.first_name).to.equal(
      'J\ufffdne',
    );
  });

  it('readCsvRoster: a header that is not UTF-8 is a usage error', async () => {
    const input = Buffer.from(
      `${CSV_HEADER.replace('first_name', 'first_n\u00e4me')}\n${ROW}\n`,
      'latin1',
    );
    const err = await collect(readCsvRoster(Readable.from([input]), 'r.csv')).catch(
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(CliError);
    expect((err as CliError).message).to.contain('not valid UTF-8');
  });

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
