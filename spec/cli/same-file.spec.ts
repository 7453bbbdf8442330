import { expect } from 'chai';
import { linkSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../../lib/cli/cli-error';
import { refuseRosterAsOutput, sameFile } from '../../lib/cli/same-file';

describe('sameFile', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vc-same-file-'));
    writeFileSync(join(dir, 'roster.csv'), 'a\n');
    writeFileSync(join(dir, 'other.csv'), 'a\n');
    symlinkSync(join(dir, 'roster.csv'), join(dir, 'link.csv'));
    linkSync(join(dir, 'roster.csv'), join(dir, 'hard.csv'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is true for one file by the same path, another spelling, a symlink or a hard link', async () => {
    const roster = join(dir, 'roster.csv');
    for (const other of [
      roster,
      join(dir, '.', 'x', '..', 'roster.csv'),
      join(dir, 'link.csv'),
      join(dir, 'hard.csv'),
    ])
      expect(await sameFile(roster, other), other).to.equal(true);
  });

  it('is false for another file with the same content, and when either path does not exist', async () => {
    const roster = join(dir, 'roster.csv');
    expect(await sameFile(roster, join(dir, 'other.csv'))).to.equal(false);
    expect(await sameFile(roster, join(dir, 'missing.csv'))).to.equal(false);
    expect(await sameFile(join(dir, 'missing.csv'), join(dir, 'missing.csv'))).to.equal(false);
  });
});

describe('refuseRosterAsOutput', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vc-refuse-roster-'));
    writeFileSync(join(dir, 'roster.csv'), 'a\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('rejects an output that is the roster with a usage CliError naming the flag and both paths', async () => {
    const roster = join(dir, 'roster.csv');
    const err = await refuseRosterAsOutput(roster, roster, '--report').catch((e: unknown) => e);
    expect(err).to.be.instanceOf(CliError).and.include({ exitCode: 2 });
    expect((err as Error).message).to.equal(
      `--report '${roster}' is the roster file '${roster}' itself; writing it would destroy the roster: ` +
        'give --report another path (nothing was read or written)',
    );
  });

  it('accepts no output, another path, a path not yet created, and any output when the roster is standard input', async () => {
    const roster = join(dir, 'roster.csv');
    await refuseRosterAsOutput(roster, undefined, '--report');
    await refuseRosterAsOutput(roster, join(dir, 'report.json'), '--report');
    await refuseRosterAsOutput('-', '-', '--journal');
  });
});
