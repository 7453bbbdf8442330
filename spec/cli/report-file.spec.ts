import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createReadStream, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../../lib/cli/cli-error';
import { openReportFile } from '../../lib/cli/report-file';
import { registerSecret } from '../../lib/errors';

describe('openReportFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vc-report-file-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is undefined without a path', async () => {
    expect(await openReportFile(undefined)).to.equal(undefined);
  });

  it('writes the report as indented JSON with a final newline, replacing the file only when written', async () => {
    const path = join(dir, 'report.json');
    writeFileSync(path, 'the previous report\n');
    const file = (await openReportFile(path))!;
    expect(file.path).to.equal(path);
    expect(readFileSync(path, 'utf8')).to.equal('the previous report\n');
    await file.write({ synced: 2, failures: [] });
    expect(readFileSync(path, 'utf8')).to.equal('{\n  "synced": 2,\n  "failures": []\n}\n');
    expect(readdirSync(dir)).to.deep.equal(['report.json']);
  });

  it('follows a symbolic link: the file it names gets the report, and the link stays a link', async () => {
    mkdirSync(join(dir, 'reports'));
    const real = join(dir, 'reports', 'latest.json');
    writeFileSync(real, 'the previous report\n');
    const link = join(dir, 'report.json');
    symlinkSync(join('reports', 'latest.json'), link);
    const file = (await openReportFile(link))!;
    expect(file.path).to.equal(link);
    await file.write({ synced: 1 });
    expect(lstatSync(link).isSymbolicLink()).to.equal(true);
    expect(readFileSync(real, 'utf8')).to.equal('{\n  "synced": 1\n}\n');
    expect(readdirSync(join(dir, 'reports'))).to.deep.equal(['latest.json']);
    // a dangling link: the report is made where it points
    const dangling = join(dir, 'next.json');
    symlinkSync(join('reports', 'next-real.json'), dangling);
    await (await openReportFile(dangling))!.write({ synced: 2 });
    expect(lstatSync(dangling).isSymbolicLink()).to.equal(true);
    expect(readFileSync(join(dir, 'reports', 'next-real.json'), 'utf8')).to.equal('{\n  "synced": 2\n}\n');
  });

  it('writes in place into a path that is not a regular file (a named pipe), with nothing renamed over it', async function () {
    if (process.platform === 'win32') this.skip();
    const fifo = join(dir, 'report.fifo');
    execFileSync('mkfifo', [fifo]);
    const file = (await openReportFile(fifo))!;
    const reader = new Promise<string>((resolve, reject) => {
      let text = '';
      createReadStream(fifo, 'utf8')
        .on('data', (c) => (text += String(c)))
        .on('end', () => resolve(text))
        .on('error', reject);
    });
    await file.write({ synced: 3 });
    expect(await reader).to.equal('{\n  "synced": 3\n}\n');
    expect(lstatSync(fifo).isFIFO()).to.equal(true);
    expect(readdirSync(dir)).to.deep.equal(['report.fifo']);
  });

  it('never writes a registered secret: it is redacted', async () => {
    registerSecret('vc_report_file_spec_secret');
    const path = join(dir, 'report.json');
    const file = (await openReportFile(path))!;
    await file.write({ reason: 'bad key vc_report_file_spec_secret' });
    const text = readFileSync(path, 'utf8');
    expect(text).not.to.contain('vc_report_file_spec_secret');
    expect(text).to.contain('bad key [REDACTED]');
  });

  it('discard() leaves no file behind and keeps what was there; a second write is refused', async () => {
    const path = join(dir, 'report.json');
    writeFileSync(path, 'kept\n');
    const discarded = (await openReportFile(path))!;
    await discarded.discard();
    await discarded.discard();
    expect(readdirSync(dir)).to.deep.equal(['report.json']);
    expect(readFileSync(path, 'utf8')).to.equal('kept\n');

    const once = (await openReportFile(path))!;
    await once.write({ a: 1 });
    const err = await once.write({ a: 2 }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(CliError).and.include({ exitCode: 2 });
    expect((err as Error).message).to.equal(`cannot write report file '${path}': already written`);
    await once.discard();
    expect(readFileSync(path, 'utf8')).to.equal('{\n  "a": 1\n}\n');
  });

  it('refuses a directory or a path in a missing directory before anything runs, with a usage CliError naming the path', async () => {
    mkdirSync(join(dir, 'sub'));
    const asDir = await openReportFile(join(dir, 'sub')).catch((e: unknown) => e);
    expect(asDir).to.be.instanceOf(CliError).and.include({ exitCode: 2 });
    expect((asDir as Error).message).to.equal(
      `cannot write report file '${join(dir, 'sub')}': it is a directory`,
    );
    const missing = join(dir, 'nope', 'report.json');
    const inMissing = await openReportFile(missing).catch((e: unknown) => e);
    expect(inMissing).to.be.instanceOf(CliError).and.include({ exitCode: 2 });
    expect((inMissing as Error).message).to.match(
      new RegExp(`^cannot write report file '${missing}': ENOENT`),
    );
  });
});
