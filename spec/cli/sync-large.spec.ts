import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom } from 'rxjs';
import { createClient } from '../../lib/client';
import { startEmulator, type Emulator } from '../../lib/emulator';
import type { SyncReport } from '../../lib/pipelines/sync-events';
import { buildCli, runCli, type CliRun } from './cli-harness';
import { csvRoster, type Planted } from './roster-files';

// A 50,000-row CSV with bad rows, synced by the real executable: exit status,
// the report, what the server stored, and the child's memory. Both runs get a
// 32 MB old-generation heap (--max-old-space-size=32): the 50,000 rows parsed
// and held at once do not fit in it (node dies with "heap out of memory"), so
// finishing proves the roster streams through. The peak resident set size is
// what the OS reports for the child (VITABLE_CONNECT_REPORT_RSS=1 makes the
// CLI print process.resourceUsage().maxRSS at exit).
describe('vitable-connect sync (50,000-row CSV, child process)', function () {
  this.timeout(120_000);

  let emulator: Emulator;
  let dir: string;

  const planted = (rows: number): Map<number, Planted> => {
    const map = new Map<number, Planted>();
    for (let i = 1; i < rows; i++) {
      if (i % 4999 === 0) map.set(i, 'columns');
      else if (i % 7001 === 0) map.set(i, 'zipcode');
      else if (i % 9001 === 0) map.set(i, 'repeat');
      else if (i % 11003 === 0) map.set(i, 'unknown-plan');
      else if (i % 6007 === 0) map.set(i, 'multiline');
      else if (i % 8009 === 0) map.set(i, 'blank-before');
    }
    return map;
  };

  const sync = async (
    rows: number,
    bad: boolean,
  ): Promise<{
    run: CliRun;
    report: SyncReport;
    groupId: string;
    expected: ReturnType<typeof csvRoster>;
  }> => {
    const client = createClient({ apiKey: emulator.apiKey, baseURL: emulator.url });
    const group = await lastValueFrom(
      client.groups.create({ name: `Big ${rows}`, external_reference_id: `big_${rows}_${bad}` }),
    );
    const expected = csvRoster(rows, emulator.planIds[0]!, bad ? planted(rows) : new Map());
    const file = join(dir, `roster-${rows}.csv`);
    const reportFile = join(dir, `report-${rows}.json`);
    writeFileSync(file, expected.text);
    const run = await runCli(
      [
        'sync',
        file,
        '--group',
        group.id,
        '--batch-size',
        '1000',
        '--concurrency',
        '4',
        '--poll-interval',
        '10',
        '--report',
        reportFile,
      ],
      {
        env: {
          VITABLE_CONNECT_BASE_URL: emulator.url,
          VITABLE_CONNECT_API_KEY: emulator.apiKey,
          VITABLE_CONNECT_REPORT_RSS: '1',
          NODE_OPTIONS: '--max-old-space-size=32',
        },
        timeoutMs: 100_000,
      },
    );
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as SyncReport;
    return { run, report, groupId: group.id, expected };
  };

  let small: Awaited<ReturnType<typeof sync>>;
  let large: Awaited<ReturnType<typeof sync>>;

  before(async function () {
    this.timeout(120_000);
    [emulator] = await Promise.all([startEmulator({ processingDelayMs: 5 }), buildCli()]);
    dir = mkdtempSync(join(tmpdir(), 'vc-cli-large-'));
    small = await sync(5_000, false);
    large = await sync(50_000, true);
  });
  after(async () => {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0 for a clean 5,000-row file with every member synced', () => {
    expect(small.run.status, small.run.stderr).to.equal(0);
    expect(small.report).to.include({
      read: 5_000,
      synced: 5_000,
      invalid: 0,
      failed: 0,
      added: 5_000,
    });
    expect(emulator.members(small.groupId)).to.have.length(5_000);
  });

  it('exits 1 for the 50,000-row file with bad rows, and the report accounts for every row', () => {
    const { run, report, expected } = large;
    expect(run.status, run.stderr).to.equal(1);
    const invalid = expected.failures.filter((f) => f.stage === 'validation').length;
    expect(report).to.include({
      read: 50_000,
      invalid,
      failed: expected.failures.length - invalid,
      synced: expected.synced,
      added: expected.synced,
    });
    expect(report.read).to.equal(report.invalid + report.failed + report.synced);
    expect(report.requestIds).to.have.length(Math.ceil((50_000 - invalid) / 1000));
  });

  it('lists each bad row once, at its index and line, with the reason', () => {
    const actual = large.report.failures.map((f) => ({
      index: f.index,
      stage: f.stage,
      reason: f.reason,
    }));
    const sorted = [...large.expected.failures].sort(
      (a, b) =>
        Number(a.stage !== 'validation') - Number(b.stage !== 'validation') || a.index - b.index,
    );
    expect(actual.map((f) => [f.index, f.stage])).to.deep.equal(
      sorted.map((f) => [f.index, f.stage]),
    );
    actual.forEach((f, i) => expect(f.reason).to.contain(sorted[i]!.says));
    expect(large.expected.failures.map((f) => f.stage)).to.include.members([
      'validation',
      'server',
    ]);
  });

  it('leaves the server with exactly the valid members, each sent once', () => {
    const stored = emulator.members(large.groupId);
    expect(stored).to.have.length(large.expected.synced);
    expect(new Set(stored.map((m) => m.reference_id)).size).to.equal(stored.length);
    expect(emulator.stats().duplicateBatches).to.equal(0);
  });

  it('streams within a 32 MB heap; peak RSS stays under 300 MB and within 40 MB of the 5,000-row run', () => {
    const smallKb = small.run.peakRssKb;
    const largeKb = large.run.peakRssKb;
    expect(smallKb, small.run.stderr).to.be.a('number');
    expect(largeKb, large.run.stderr).to.be.a('number');
    // both runs finished (exit statuses are checked above) under the 32 MB heap cap
    expect(largeKb!).to.be.below(300 * 1024);
    expect(largeKb! - smallKb!).to.be.below(40 * 1024);
  });
});
