import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SyncReport } from '../../../lib/pipelines/sync-events';
import { useCliEmulator } from '../cli-emulator';
import { jsonLines, runCli } from '../cli-harness';
import { CSV_HEADER, csvRoster, ndjsonRoster } from '../roster-files';

// The `sync` command, run as a child process against an emulator on a
// loopback port.
describe('vitable-connect sync (child process)', function () {
  this.timeout(30_000);

  const fx = useCliEmulator('sync', 'Spec');

  describe('sync', () => {
    it('syncs a clean CSV file, exits 0 and writes a report that accounts for every row', async () => {
      const group = await fx.newGroup();
      const roster = csvRoster(
        1200,
        fx.emulator.planIds[0]!,
        new Map([
          [5, 'multiline'],
          [700, 'blank-before'],
        ]),
      );
      const file = join(fx.dir, 'clean.csv');
      const reportFile = join(fx.dir, 'clean-report.json');
      writeFileSync(file, roster.text);
      const run = await runCli(
        ['sync', file, '--group', group.id, '--poll-interval', '10', '--report', reportFile],
        { env: fx.env },
      );
      expect(run.status, run.stderr).to.equal(0);
      const report = JSON.parse(readFileSync(reportFile, 'utf8')) as SyncReport;
      expect(report).to.include({
        groupId: group.id,
        read: 1200,
        synced: 1200,
        invalid: 0,
        failed: 0,
        added: 1200,
      });
      expect(report.requestIds).to.have.length(2); // --batch-size defaults to 1000, the API's largest
      expect(fx.emulator.members(group.id)).to.have.length(1200);
      expect(fx.emulator.members(group.id)[5]).to.deep.include({
        address: {
          address_line_1: '6 Market Street',
          address_line_2: 'Building 7\nFloor 3',
          city: 'San Francisco',
          state: 'CA',
          zipcode: '94102',
        },
      });
      // off a terminal: a line per batch on standard error, the summary table on standard output
      expect(run.stderr.match(/^batch grpmsr_\w+: [\d,]+ synced/gm), run.stderr).to.have.length(2);
      expect(run.stdout).not.to.contain('batch ');
      expect(run.stdout)
        .to.match(/^Sync report for group grp_\w+/)
        .and.match(/^\s+synced\s+1,200$/m);
    });

    it('reads NDJSON from standard input; a line that is not JSON is invalid with its line and the exit status is 1', async () => {
      const group = await fx.newGroup();
      const roster = ndjsonRoster(30, fx.emulator.planIds[0]!, new Set([4, 17]));
      const reportFile = join(fx.dir, 'stdin-report.json');
      const run = await runCli(
        [
          'sync',
          '-',
          '--group',
          group.id,
          '--poll-interval',
          '10',
          '--batch-size',
          '10',
          '--json',
          '--report',
          reportFile,
        ],
        {
          env: fx.env,
          input: roster.text,
        },
      );
      expect(run.status, run.stderr).to.equal(1);
      const events = jsonLines(run.stdout);
      const invalid = events.filter((e) => e['type'] === 'invalid');
      expect(invalid.map((e) => [e['index'], e['line']])).to.deep.equal([
        [4, 5],
        [17, 18],
      ]);
      const done = events[events.length - 1] as { type: string; report: SyncReport };
      expect(done.type).to.equal('done');
      expect(done.report).to.include({ read: 30, invalid: 2, failed: 0, synced: 28 });
      expect(done.report.failures.map((f) => f.reason)).to.satisfy((reasons: string[]) =>
        reasons.every((r, i) => r.startsWith(roster.failures[i]!.says)),
      );
      expect(JSON.parse(readFileSync(reportFile, 'utf8'))).to.deep.equal(done.report);
      expect(fx.emulator.members(group.id).map((m) => m.reference_id))
        .to.have.length(28)
        .and.not.include('EMP-0000004');
    });

    it('--dry-run validates and sends nothing, without an API key', async () => {
      const roster = csvRoster(
        50,
        'pln_any',
        new Map([
          [3, 'zipcode'],
          [9, 'columns'],
          [20, 'repeat'],
        ]),
      );
      const file = join(fx.dir, 'dry.csv');
      writeFileSync(file, roster.text);
      const before = fx.emulator.stats().requests;
      const run = await runCli(['sync', file, '--group', 'grp_whatever', '--dry-run', '--json'], {
        env: { VITABLE_CONNECT_BASE_URL: fx.emulator.url },
      });
      expect(run.status, run.stderr).to.equal(1);
      expect(fx.emulator.stats().requests).to.equal(before);
      const done = jsonLines(run.stdout).pop() as {
        report: {
          read: number;
          valid: number;
          invalid: number;
          failures: Array<{ index: number; reason: string }>;
        };
      };
      expect(done.report).to.include({ read: 50, valid: 47, invalid: 3 });
      expect(
        done.report.failures.map((f) => [
          f.index,
          f.reason.slice(0, roster.failures.find((x) => x.index === f.index)!.says.length),
        ]),
      ).to.deep.equal(roster.failures.map((f) => [f.index, f.says]));
    });

    it('exits 2 naming the path and reason for an unreadable file, and the columns for a bad header', async () => {
      const group = await fx.newGroup();
      const missing = join(fx.dir, 'no-such-roster.csv');
      const badHeader = join(fx.dir, 'bad-header.csv');
      writeFileSync(badHeader, `${CSV_HEADER.replace('plan_id', 'plan')}\n`);
      const posts = fx.requests('POST /v1/groups/:id/members/sync');
      const [a, b] = await Promise.all([
        runCli(['sync', missing, '--group', group.id], { env: fx.env }),
        runCli(['sync', badHeader, '--group', group.id], { env: fx.env }),
      ]);
      expect(a.status).to.equal(2);
      expect(a.stderr).to.contain(
        `cannot read roster file '${missing}': no such file or directory (ENOENT)`,
      );
      expect(b.status).to.equal(2);
      expect(b.stderr)
        .to.contain('unknown column "plan"')
        .and.contain('missing required column(s): plan_id');
      expect(fx.requests('POST /v1/groups/:id/members/sync')).to.equal(posts);
    });

    it('exits 1 before reading when the group does not exist, with the status and request id', async () => {
      const file = join(fx.dir, 'any.csv');
      writeFileSync(file, csvRoster(3, fx.emulator.planIds[0]!, new Map()).text);
      const run = await runCli(['sync', file, '--group', 'grp_nope'], { env: fx.env });
      expect(run.status).to.equal(1);
      expect(run.stderr)
        .to.contain('answered 404')
        .and.match(/request id: req_\w+/);
    });
  });
});
