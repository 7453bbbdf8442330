import { expect } from 'chai';
import { Readable } from 'node:stream';
import { CliError } from '../../../lib/cli/cli-error';
import { readCsvRoster } from '../../../lib/cli/roster/read-csv-roster';
import { CSV_HEADER } from '../roster-files';
import { collect, countingSource, ROW } from './reader-harness';

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

describe('readCsvRoster and UTF-8', () => {
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
});
