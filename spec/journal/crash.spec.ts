// Real crashes: the emulator runs in its own process, the sync in a child process with a file
// journal; the child is killed with SIGKILL at three random moments (after a random number of
// completed batches, seeded: CRASH_SEED), then run to the end. Same for `vitable-connect sync --journal`.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom } from 'rxjs';
import { createClient, type ResumedEvent, type SyncReport } from '../../lib';
import { mulberry32 } from '../../lib/internal/mulberry32';
import { buildCli } from '../cli/cli-harness';
import { ndjsonRoster } from '../cli/roster-files';
import { rosterExpectation, type RosterOptions } from '../helpers/roster';
import { buildFixtures, emulatorProcess, runChild, type ChildRun, type EmulatorProcess } from './crash-harness';

const SEED = Number(process.env['CRASH_SEED'] ?? 20261202);
const CRASHES = 3;

/** What the runs of one crashed-and-resumed sync must add up to. */
const checkRuns = async (
  emu: EmulatorProcess,
  groupId: string,
  runs: ReadonlyArray<ChildRun & { readonly replays: number }>,
  report: SyncReport,
): Promise<void> => {
  const stats = await emu.stats();
  if (process.env['CRASH_DEBUG']) console.log(JSON.stringify({ stats, ids: report.requestIds.length, runs: runs.map((r) => ({ killed: r.killed, replays: r.replays, lines: r.lines.filter((l) => l['type'] !== 'completed' && l['type'] !== 'submitted') })) }, null, 1));
  expect(runs.slice(0, CRASHES).every((r) => r.killed), 'killed three times').to.equal(true);
  // every request id once; each batch processed by the server once: as the batches of a roster
  // are disjoint, no member is in two processed batches
  expect(new Set(report.requestIds).size, 'every request id listed once').to.equal(report.requestIds.length);
  expect(stats.duplicateBatches, 'no payload processed twice').to.equal(0);
  expect(stats.batchesProcessed, 'each batch processed once').to.equal(report.requestIds.length);
  expect(stats.batchesAccepted, 'each batch accepted once (the others were replays of its key)').to.equal(report.requestIds.length);
  // the work redone after each crash (batches sent again and replayed by their key) is at most
  // the batches that were in flight when it died
  for (const [i, r] of runs.slice(1).entries()) {
    const resumed = r.lines.find((l) => l['type'] === 'resumed') as ResumedEvent | undefined;
    expect(resumed, `run ${i + 2} resumed`).not.to.equal(undefined);
    expect(r.lines[0], 'resumed comes first').to.deep.equal(resumed);
    expect(r.replays, `work redone after crash ${i + 1}`).to.be.at.most(resumed!.inFlight);
  }
  expect(report.read).to.equal(report.invalid + report.failed + report.synced);
  void groupId;
};

describe('a sync killed with SIGKILL and resumed from its journal', function () {
  this.timeout(120_000);
  let emu: EmulatorProcess;
  let dir: string;
  let groupId: string;
  const random = mulberry32(SEED);
  const killPoint = (): number => 1 + Math.floor(random() * 4);

  before(() => buildFixtures());
  afterEach(() => emu.stop());
  beforeEach(async () => {
    emu = await emulatorProcess({ processingDelayMs: 10 });
    dir = mkdtempSync(join(tmpdir(), 'crash-'));
    const client = createClient({ apiKey: emu.apiKey, baseURL: emu.url });
    groupId = (await lastValueFrom(client.groups.create({ name: 'Crash', external_reference_id: `crash-${random()}` }))).id;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs until killed `CRASHES` times, then to the end; each run with the emulator's replays counted. */
  const crashAndResume = async (run: (killAfter: number | undefined) => Promise<ChildRun>) => {
    const runs: (ChildRun & { replays: number })[] = [];
    for (let i = 0; i <= CRASHES; i++) {
      const before = (await emu.stats()).idempotentReplays;
      const r = await run(i < CRASHES ? killPoint() : undefined);
      runs.push({ ...r, replays: (await emu.stats()).idempotentReplays - before });
    }
    return runs;
  };

  it('syncRoster with fileJournal: the report is exact over the whole roster, nothing is sent twice', async () => {
    const root = await buildFixtures();
    const roster: RosterOptions = { size: 1200, seed: 5, invalidRate: 0.04, repeatRate: 0.02, unknownPlanRate: 0.03, planIds: emu.planIds };
    const args = JSON.stringify({ url: emu.url, apiKey: emu.apiKey, groupId, journal: join(dir, 'sync.journal'), roster, maxMembers: 40 });
    const runs = await crashAndResume((killAfter) =>
      runChild(join(root, 'spec/journal/fixtures/sync-child.js'), [args], {
        ...(killAfter !== undefined ? { killAfter } : {}),
        counts: (l) => l['type'] === 'completed',
      }),
    );
    const last = runs[runs.length - 1]!;
    expect(last.status, last.stderr).to.equal(0);
    const done = last.lines.find((l) => l['type'] === 'done') as { report: SyncReport } | undefined;
    const report = done!.report;
    const expected = rosterExpectation(roster);
    expect(report).to.include({ read: expected.read, invalid: expected.invalid, failed: expected.serverFailed, synced: expected.synced });
    expect(new Set(await emu.members(groupId))).to.deep.equal(expected.syncedReferenceIds);
    await checkRuns(emu, groupId, runs, report);
    const indexes = report.failures.map((f) => f.index);
    expect(new Set(indexes).size, 'each failed member once').to.equal(indexes.length);
  });

  it('vitable-connect sync --journal: killed, then the same command again finishes the work', async () => {
    const bin = await buildCli();
    const file = join(dir, 'roster.ndjson');
    const roster = ndjsonRoster(1000, emu.planIds[0]!, new Set([17, 400]));
    writeFileSync(file, roster.text);
    const journal = join(dir, 'roster.journal');
    const reportFile = join(dir, 'report.json');
    const command = ['sync', file, '--group', groupId, '--journal', journal, '--report', reportFile, '--json', '--batch-size', '40', '--poll-interval', '5'];
    const env = { VITABLE_CONNECT_BASE_URL: emu.url, VITABLE_CONNECT_API_KEY: emu.apiKey };
    const runs = await crashAndResume((killAfter) =>
      runChild(bin, command, { ...(killAfter !== undefined ? { killAfter } : {}), counts: (l) => l['type'] === 'completed', env }),
    );
    const last = runs[runs.length - 1]!;
    expect(last.status, last.stderr).to.equal(1); // the two lines that are not JSON
    expect(runs[0]!.stderr).to.contain('started a new journal');
    expect(last.stderr).to.match(/resuming the sync recorded in journal .*: \d+ batches completed/);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as SyncReport;
    expect(report).to.include({ read: 1000, invalid: 2, failed: 0, synced: roster.synced });
    expect(report.failures.map((f) => f.index)).to.deep.equal([17, 400]);
    expect(new Set(await emu.members(groupId)).size).to.equal(roster.synced);
    await checkRuns(emu, groupId, runs, report);

    // and once more: a finished sync sends nothing and reports the same
    const before = await emu.stats();
    const again = await runChild(bin, command, { env });
    expect(again.status).to.equal(1);
    expect((await emu.stats()).batchesAccepted).to.equal(before.batchesAccepted);
    const same = JSON.parse(readFileSync(reportFile, 'utf8')) as SyncReport;
    const sorted = (r: SyncReport) => ({ ...r, durationMs: 0, requestIds: [...r.requestIds].sort() });
    expect(sorted(same)).to.deep.equal(sorted(report));
  });

  it('vitable-connect sync --journal interrupted with SIGINT: partial report, exit 130, then the same command finishes', async () => {
    const bin = await buildCli();
    const file = join(dir, 'roster.ndjson');
    const roster = ndjsonRoster(600, emu.planIds[0]!, new Set());
    writeFileSync(file, roster.text);
    const reportFile = join(dir, 'report.json');
    const command = ['sync', file, '--group', groupId, '--journal', join(dir, 'j'), '--report', reportFile, '--json', '--batch-size', '40', '--poll-interval', '5'];
    const env = { VITABLE_CONNECT_BASE_URL: emu.url, VITABLE_CONNECT_API_KEY: emu.apiKey };
    const stopped = await runChild(bin, command, { killAfter: 2, counts: (l) => l['type'] === 'completed', signal: 'SIGINT', env });
    expect(stopped.status, stopped.stderr).to.equal(130);
    expect(stopped.stderr, stopped.stderr).to.contain('resume with:');
    const partial = JSON.parse(readFileSync(reportFile, 'utf8')) as SyncReport & { interrupted?: boolean };
    expect(partial.interrupted).to.equal(true);
    expect(partial.synced).to.be.below(600);
    const finished = await runChild(bin, command, { env });
    expect(finished.status, finished.stderr).to.equal(0);
    expect(finished.stderr).to.contain('resuming the sync recorded in journal');
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as SyncReport & { interrupted?: boolean };
    expect(report.interrupted).not.to.equal(true);
    expect(report).to.include({ read: 600, invalid: 0, failed: 0, synced: 600 });
    expect(new Set(report.requestIds).size).to.equal(15);
    const stats = await emu.stats();
    expect(stats.duplicateBatches).to.equal(0);
    expect(stats.batchesProcessed).to.equal(15);
    expect(await emu.members(groupId)).to.have.length(600);
  });

  it('refuses a --journal that names the roster itself (exit 2) and writes nothing', async () => {
    const bin = await buildCli();
    const file = join(dir, 'roster.ndjson');
    const text = ndjsonRoster(3, emu.planIds[0]!, new Set()).text;
    writeFileSync(file, text);
    const env = { VITABLE_CONNECT_BASE_URL: emu.url, VITABLE_CONNECT_API_KEY: emu.apiKey };
    const r = await runChild(bin, ['sync', file, '--group', groupId, '--journal', join(dir, '.', 'roster.ndjson')], { env });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/--journal .* is the roster file/);
    expect(readFileSync(file, 'utf8')).to.equal(text);
  });
});
