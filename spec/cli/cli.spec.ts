import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom } from 'rxjs';
import { createClient } from '../../lib/client';
import type { Group, SyncRequest } from '../../lib/codecs';
import { startEmulator, type Emulator } from '../../lib/emulator';
import type { SyncReport } from '../../lib/pipelines/sync-events';
import type { VitableConnect } from '../../lib/types';
import { buildCli, jsonLines, runCli, spawnCli } from './cli-harness';
import { CSV_HEADER, csvRoster, ndjsonRoster } from './roster-files';

// Every command of the `vitable-connect` executable, run as a child process
// against an emulator on a loopback port.
describe('vitable-connect (child process)', function () {
  this.timeout(30_000);

  let emulator: Emulator;
  let client: VitableConnect;
  let env: Record<string, string>;
  let dir: string;
  let counter = 0;

  const requests = (route: string, status?: string): number => {
    const byStatus = emulator.stats().byRoute[route] ?? {};
    return status === undefined
      ? Object.values(byStatus).reduce((a, b) => a + b, 0)
      : (byStatus[status] ?? 0);
  };
  const newGroup = (): Promise<Group> =>
    lastValueFrom(
      client.groups.create({ name: `Spec ${++counter}`, external_reference_id: `spec_${counter}` }),
    );

  before(async function () {
    this.timeout(60_000);
    [emulator] = await Promise.all([startEmulator({ processingDelayMs: 20 }), buildCli()]);
    client = createClient({ apiKey: emulator.apiKey, baseURL: emulator.url });
    env = { VITABLE_CONNECT_BASE_URL: emulator.url, VITABLE_CONNECT_API_KEY: emulator.apiKey };
    dir = mkdtempSync(join(tmpdir(), 'vc-cli-spec-'));
  });
  after(async () => {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('usage and configuration', () => {
    it('exits 2 naming --api-key and VITABLE_CONNECT_API_KEY when no key is given, sending nothing', async () => {
      const before = emulator.stats().requests;
      const run = await runCli(['groups', 'list'], {
        env: { VITABLE_CONNECT_BASE_URL: emulator.url },
      });
      expect(run.status).to.equal(2);
      expect(run.stderr)
        .to.contain('missing API key')
        .and.contain('--api-key')
        .and.contain('VITABLE_CONNECT_API_KEY');
      expect(emulator.stats().requests).to.equal(before);
    });

    it('exits 2 for an unknown command, a missing required option and an out-of-range number', async () => {
      const [unknown, noGroup, badLimit] = await Promise.all([
        runCli(['frobnicate'], { env }),
        runCli(['sync', 'roster.csv'], { env }),
        runCli(['groups', 'list', '--limit', '0'], { env }),
      ]);
      expect(unknown.status).to.equal(2);
      expect(unknown.stderr).to.contain("unknown command 'frobnicate'");
      expect(noGroup.status).to.equal(2);
      expect(noGroup.stderr).to.contain("required option '--group <id>' not specified");
      expect(badLimit.status).to.equal(2);
      expect(badLimit.stderr).to.contain('expected an integer from 1 to 100, got "0"');
    });

    it('exits 2 with the status, server message and request id when the server rejects the key', async () => {
      const run = await runCli(['--api-key', 'vc_wrong_key', 'groups', 'list'], { env });
      expect(run.status).to.equal(2);
      expect(run.stderr)
        .to.match(/answered 401 \(AuthenticationError\)/)
        .and.match(/request id: req_\w+/);
      expect(run.stderr).to.contain('message:');
      expect(run.stderr).not.to.contain('vc_wrong_key');
    });

    it('lets --base-url beat VITABLE_CONNECT_BASE_URL', async () => {
      const run = await runCli(['--base-url', emulator.url, 'groups', 'list', '--json'], {
        env: { ...env, VITABLE_CONNECT_BASE_URL: 'http://127.0.0.1:9' },
      });
      expect(run.status, run.stderr).to.equal(0);
      expect(JSON.parse(run.stdout)).to.have.property('pagination');
    });
  });

  describe('groups', () => {
    it('create prints the new group and the server stored it', async () => {
      const posts = requests('POST /v1/groups', '201');
      const run = await runCli(
        ['groups', 'create', '--name', 'Tier 1', '--external-reference-id', 'seg_001', '--json'],
        { env },
      );
      expect(run.status, run.stderr).to.equal(0);
      const group = JSON.parse(run.stdout) as Group;
      expect(group).to.include({
        name: 'Tier 1',
        external_reference_id: 'seg_001',
        organization_id: emulator.organizationId,
      });
      expect(requests('POST /v1/groups', '201')).to.equal(posts + 1);
      expect(await lastValueFrom(client.groups.retrieve(group.id))).to.deep.equal(group);
    });

    it('get prints one group as a table, and exits 1 with status, message and request id when it is missing', async () => {
      const group = await newGroup();
      const [found, missing] = await Promise.all([
        runCli(['groups', 'get', group.id], { env }),
        runCli(['groups', 'get', 'grp_doesnotexist'], { env }),
      ]);
      expect(found.status, found.stderr).to.equal(0);
      expect(found.stdout)
        .to.match(new RegExp(`^id\\s+${group.id}$`, 'm'))
        .and.match(new RegExp(`^name\\s+${group.name}$`, 'm'));
      expect(missing.status).to.equal(1);
      expect(missing.stderr)
        .to.contain('answered 404 (NotFoundError) to GET /v1/groups/grp_doesnotexist')
        .and.match(/message:\s+\S+/)
        .and.match(/request id: req_\w+/);
    });

    it('update changes only the fields given, and refuses to run with none (exit 2)', async () => {
      const group = await newGroup();
      const run = await runCli(['groups', 'update', group.id, '--name', 'Renamed', '--json'], {
        env,
      });
      expect(run.status, run.stderr).to.equal(0);
      expect(JSON.parse(run.stdout)).to.include({
        id: group.id,
        name: 'Renamed',
        external_reference_id: group.external_reference_id,
      });
      expect(await lastValueFrom(client.groups.retrieve(group.id))).to.include({ name: 'Renamed' });
      const nothing = await runCli(['groups', 'update', group.id], { env });
      expect(nothing.status).to.equal(2);
      expect(nothing.stderr).to.contain('nothing to update');
    });

    it('list prints one page, and --all streams every group page after page', async () => {
      for (let i = 0; i < 3; i++) await newGroup();
      const everyGroup = (await lastValueFrom(client.groups.list({ limit: 100 }))).data;
      const pagesBefore = requests('GET /v1/groups', '200');
      const [page2, all, table] = await Promise.all([
        runCli(['groups', 'list', '--page', '2', '--limit', '2', '--json'], { env }),
        runCli(['groups', 'list', '--all', '--limit', '2', '--json'], { env }),
        runCli(['groups', 'list', '--limit', '2'], { env }),
      ]);
      expect(page2.status, page2.stderr).to.equal(0);
      const page = JSON.parse(page2.stdout) as { data: Group[]; pagination: { page: number } };
      expect(page.pagination.page).to.equal(2);
      expect(page.data.map((g) => g.id)).to.deep.equal(everyGroup.slice(2, 4).map((g) => g.id));
      expect(all.status, all.stderr).to.equal(0);
      expect(jsonLines(all.stdout).map((g) => g['id'])).to.deep.equal(everyGroup.map((g) => g.id));
      const pagesForAll = Math.ceil(everyGroup.length / 2);
      expect(requests('GET /v1/groups', '200') - pagesBefore).to.equal(1 + pagesForAll + 1);
      expect(table.stdout)
        .to.match(/^ID\s+NAME\s+EXTERNAL_REFERENCE_ID\s+CREATED_AT$/m)
        .and.match(/page 1 of \d+/);
    });
  });

  describe('sync', () => {
    it('syncs a clean CSV file, exits 0 and writes a report that accounts for every row', async () => {
      const group = await newGroup();
      const roster = csvRoster(
        1200,
        emulator.planIds[0]!,
        new Map([
          [5, 'multiline'],
          [700, 'blank-before'],
        ]),
      );
      const file = join(dir, 'clean.csv');
      const reportFile = join(dir, 'clean-report.json');
      writeFileSync(file, roster.text);
      const run = await runCli(
        ['sync', file, '--group', group.id, '--poll-interval', '10', '--report', reportFile],
        { env },
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
      expect(emulator.members(group.id)).to.have.length(1200);
      expect(emulator.members(group.id)[5]).to.deep.include({
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
      const group = await newGroup();
      const roster = ndjsonRoster(30, emulator.planIds[0]!, new Set([4, 17]));
      const reportFile = join(dir, 'stdin-report.json');
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
          env,
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
      expect(emulator.members(group.id).map((m) => m.reference_id))
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
      const file = join(dir, 'dry.csv');
      writeFileSync(file, roster.text);
      const before = emulator.stats().requests;
      const run = await runCli(['sync', file, '--group', 'grp_whatever', '--dry-run', '--json'], {
        env: { VITABLE_CONNECT_BASE_URL: emulator.url },
      });
      expect(run.status, run.stderr).to.equal(1);
      expect(emulator.stats().requests).to.equal(before);
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
      const group = await newGroup();
      const missing = join(dir, 'no-such-roster.csv');
      const badHeader = join(dir, 'bad-header.csv');
      writeFileSync(badHeader, `${CSV_HEADER.replace('plan_id', 'plan')}\n`);
      const posts = requests('POST /v1/groups/:id/members/sync');
      const [a, b] = await Promise.all([
        runCli(['sync', missing, '--group', group.id], { env }),
        runCli(['sync', badHeader, '--group', group.id], { env }),
      ]);
      expect(a.status).to.equal(2);
      expect(a.stderr).to.contain(
        `cannot read roster file '${missing}': no such file or directory (ENOENT)`,
      );
      expect(b.status).to.equal(2);
      expect(b.stderr)
        .to.contain('unknown column "plan"')
        .and.contain('missing required column(s): plan_id');
      expect(requests('POST /v1/groups/:id/members/sync')).to.equal(posts);
    });

    it('exits 1 before reading when the group does not exist, with the status and request id', async () => {
      const file = join(dir, 'any.csv');
      writeFileSync(file, csvRoster(3, emulator.planIds[0]!, new Map()).text);
      const run = await runCli(['sync', file, '--group', 'grp_nope'], { env });
      expect(run.status).to.equal(1);
      expect(run.stderr)
        .to.contain('answered 404')
        .and.match(/request id: req_\w+/);
    });
  });

  describe('sync-status', () => {
    it('shows a completed request with its failures (exit 1), and --wait polls a processing one to the end', async () => {
      // long enough that the first child, started on a loaded machine, still sees it processing
      const slow = await startEmulator({ processingDelayMs: 4000 });
      try {
        const slowClient = createClient({ apiKey: slow.apiKey, baseURL: slow.url });
        const group = await lastValueFrom(
          slowClient.groups.create({ name: 'S', external_reference_id: 's' }),
        );
        const members = JSON.parse(
          `[${ndjsonRoster(3, slow.planIds[0]!, new Set()).text.trim().split('\n').join(',')}]`,
        ) as Parameters<typeof slowClient.members.sync.submit>[1]['members'];
        const bad = { ...members[2]!, plan_id: 'pln_unknown_here' };
        const submission = await lastValueFrom(
          slowClient.members.sync.submit(group.id, { members: [members[0]!, members[1]!, bad] }),
        );
        const slowEnv = {
          VITABLE_CONNECT_BASE_URL: slow.url,
          VITABLE_CONNECT_API_KEY: slow.apiKey,
        };
        const [now, waited] = await Promise.all([
          runCli(['sync-status', group.id, submission.request_id, '--json'], { env: slowEnv }),
          runCli(
            ['sync-status', group.id, submission.request_id, '--wait', '--poll-interval', '100'],
            { env: slowEnv },
          ),
        ]);
        expect(now.status, now.stderr).to.equal(0);
        expect(JSON.parse(now.stdout) as SyncRequest).to.include({
          completed_at: null,
          results: null,
        });
        expect(waited.status, waited.stderr).to.equal(1);
        expect(waited.stderr).to.contain(
          `waiting for sync request ${submission.request_id} of group ${group.id} to complete`,
        );
        expect(waited.stdout).not.to.contain('waiting');
        expect(now.stderr).not.to.contain('waiting');
        expect(waited.stdout)
          .to.match(/^status\s+completed at /m)
          .and.match(/^added\s+2$/m)
          .and.match(/^failures\s+1$/m)
          .and.contain('Invalid plan_id');
        expect(
          slow.stats().byRoute['GET /v1/groups/:id/members/sync/:request_id']?.['200'],
        ).to.be.at.least(3);
      } finally {
        await slow.stop();
      }
    });
  });

  describe('emulator', () => {
    it('serves the API on the port it prints until SIGTERM, then exits 0', async () => {
      const child = await spawnCli(['emulator', '--port', '0', '--processing-delay-ms', '5']);
      try {
        let out = '';
        const url = await new Promise<string>((resolve, reject) => {
          child.stdout!.setEncoding('utf8').on('data', (s: string) => {
            out += s;
            const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
            if (m) resolve(m[1]!);
          });
          child.on('exit', (code) =>
            reject(new Error(`emulator exited early with ${code}: ${out}`)),
          );
        });
        const key = /API key:\s+(\S+)/.exec(out)![1]!;
        const external = createClient({ apiKey: key, baseURL: url });
        const group = await lastValueFrom(
          external.groups.create({ name: 'E', external_reference_id: 'e' }),
        );
        expect(await lastValueFrom(external.groups.retrieve(group.id))).to.deep.equal(group);
        const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
        child.kill('SIGTERM');
        expect(await exited).to.equal(0);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    });
  });

  describe('demo', () => {
    it('starts its own emulator, syncs 10,000 generated members without key or network, prints the report and exits 0', async () => {
      const run = await runCli(['demo'], { env: {} });
      expect(run.status, run.stderr).to.equal(0);
      expect(run.stdout)
        .to.match(/Emulator running at http:\/\/127\.0\.0\.1:\d+/)
        .and.match(/^\s+read\s+10,000$/m)
        .and.match(/^\s+synced\s+9,994$/m)
        .and.match(/^\s+invalid\s+5$/m)
        .and.contain('Invalid plan_id')
        .and.contain('Demo check: OK');
    });

    it('--json ends with a passing demo-check after the done event', async () => {
      const run = await runCli(['demo', '--members', '300', '--json'], { env: {} });
      expect(run.status, run.stderr).to.equal(0);
      const events = jsonLines(run.stdout);
      const [done, check] = events.slice(-2) as [
        { type: string; report: SyncReport },
        Record<string, unknown>,
      ];
      expect(done.type).to.equal('done');
      expect(done.report).to.include({ read: 300, invalid: 5, failed: 1, synced: 294 });
      expect(check).to.deep.equal({ type: 'demo-check', ok: true, problems: [] });
    });
  });
});
