import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CliError } from '../../../lib/cli/cli-error';
import { openRoster } from '../../../lib/cli/roster/open-roster';
import { CSV_HEADER } from '../roster-files';
import { collect, ROW } from './reader-harness';

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
