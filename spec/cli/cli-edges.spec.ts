import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { lastValueFrom } from 'rxjs';
import { createClient } from '../../lib/client';
import { startEmulator, type Emulator } from '../../lib/emulator';
import type { SyncReport } from '../../lib/pipelines/sync-events';
import { useCliEmulator } from './cli-emulator';
import { cliPath, jsonLines, runCli, spawnCli } from './cli-harness';
import { CSV_HEADER, csvRoster } from './roster-files';

const SHOW_CURSOR = '\u001b[?25h';
const HIDE_CURSOR = '\u001b[?25l';

/** Resolves with the exit status of a child process, once its output is all read. */
const exitOf = (child: ReturnType<typeof spawn>): Promise<number | null> =>
  new Promise((resolve) => child.on('close', (code) => resolve(code)));

// The command line's answers to hostile or unlucky use (issue 13's command
// line section, issue 11's interruption), each run as a child process against
// an emulator on a loopback port.
describe('vitable-connect sync: refusals, streams, encodings and interruption (child process)', function () {
  this.timeout(30_000);

  const fx = useCliEmulator('edges', 'Edge');
  const posts = (): number => fx.requests('POST /v1/groups/:id/members/sync');

  describe('output files that are the roster', () => {
    it('refuses --report naming the roster, by the same path, another spelling, a symlink or a hard link: exit 2, nothing sent, the roster untouched', async () => {
      const group = await fx.newGroup();
      const sub = join(fx.dir, 'same-file');
      mkdirSync(sub);
      const roster = join(sub, 'r.csv');
      const text = csvRoster(20, fx.emulator.planIds[0]!, new Map()).text;
      writeFileSync(roster, text);
      symlinkSync(roster, join(sub, 'link.csv'));
      linkSync(roster, join(sub, 'hard.csv'));
      const before = posts();
      const attempts: Array<{ readonly args: string[]; readonly cwd: string }> = [
        { args: ['r.csv', '--report', 'r.csv'], cwd: sub },
        { args: ['r.csv', '--report', `../same-file/./r.csv`], cwd: sub },
        { args: [roster, '--report', join(sub, 'link.csv')], cwd: fx.dir },
        { args: [join(sub, 'link.csv'), '--report', roster], cwd: fx.dir },
        { args: ['r.csv', '--report', 'hard.csv'], cwd: sub },
        { args: ['r.csv', '--report', 'r.csv', '--dry-run'], cwd: sub },
      ];
      const runs = await Promise.all(
        attempts.map(({ args, cwd }) =>
          runCli(['sync', args[0]!, '--group', group.id, ...args.slice(1)], { env: fx.env, cwd }),
        ),
      );
      for (const [i, run] of runs.entries()) {
        expect(run.status, `attempt ${i}: ${run.stderr}`).to.equal(2);
        expect(run.stderr).to.match(/^error: --report '.*' is the roster file '.*' itself/);
        expect(run.stdout).to.equal('');
      }
      expect(readFileSync(roster, 'utf8')).to.equal(text);
      expect(readdirSync(sub).sort()).to.deep.equal(['hard.csv', 'link.csv', 'r.csv']);
      expect(posts()).to.equal(before);
      expect(fx.emulator.members(group.id)).to.have.length(0);
    });
  });

  describe('usage errors print the usage error only', () => {
    it('a CSV header with an unknown or a missing column: exit 2, no "Sync report", no --report file, nothing sent', async () => {
      const group = await fx.newGroup();
      const unknown = join(fx.dir, 'unknown-column.csv');
      const missing = join(fx.dir, 'missing-column.csv');
      const empty = join(fx.dir, 'empty.csv');
      writeFileSync(unknown, `${CSV_HEADER},shoe_size\nEMP-1\n`);
      writeFileSync(missing, `${CSV_HEADER.replace('plan_id,', '')}\n`);
      writeFileSync(empty, '');
      const before = posts();
      const runs = await Promise.all(
        [unknown, missing, empty].map((file, i) =>
          runCli(
            ['sync', file, '--group', group.id, '--report', join(fx.dir, `header-${i}.json`)],
            {
              env: fx.env,
            },
          ),
        ),
      );
      expect(runs[0]!.stderr).to.contain('unknown column "shoe_size"');
      expect(runs[1]!.stderr).to.contain('missing required column(s): plan_id');
      expect(runs[2]!.stderr).to.contain('the file is empty');
      for (const [i, run] of runs.entries()) {
        expect(run.status, run.stderr).to.equal(2);
        expect(run.stdout).to.equal('');
        expect(run.stderr.trim().split('\n')).to.have.length(1);
        expect(run.stderr)
          .to.match(/^error: /)
          .and.not.contain('Sync report');
        expect(existsSync(join(fx.dir, `header-${i}.json`))).to.equal(false);
      }
      expect(readdirSync(fx.dir).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
      expect(posts()).to.equal(before);
    });

    it('--group "" is an error naming the flag, exit 2, and nothing is asked of the server', async () => {
      const file = join(fx.dir, 'any.csv');
      writeFileSync(file, csvRoster(3, fx.emulator.planIds[0]!, new Map()).text);
      const before = fx.emulator.stats().requests;
      const [sync, dry] = await Promise.all([
        runCli(['sync', file, '--group', ''], { env: fx.env }),
        runCli(['sync', file, '--group', '  ', '--dry-run'], { env: fx.env }),
      ]);
      for (const run of [sync, dry]) {
        expect(run.status, run.stderr).to.equal(2);
        expect(run.stderr).to.contain('--group must not be empty').and.not.contain('groupId');
        expect(run.stdout).to.equal('');
      }
      expect(fx.emulator.stats().requests).to.equal(before);
    });
  });

  describe('rows that are not UTF-8', () => {
    it('a CSV row and an NDJSON line with Latin-1 bytes are invalid with their line, never synced with U+FFFD', async () => {
      const [csvGroup, ndjsonGroup] = await Promise.all([fx.newGroup(), fx.newGroup()]);
      const rows = csvRoster(4, fx.emulator.planIds[0]!, new Map()).text.trimEnd().split('\n');
      const latin1 = Buffer.from(rows[2]!.replace('Jane', 'Ren\u00e9e'), 'latin1'); // line 3
      const csv = join(fx.dir, 'latin1.csv');
      writeFileSync(
        csv,
        Buffer.concat([
          Buffer.from(`${rows.slice(0, 2).join('\n')}\n`),
          latin1,
          Buffer.from(`\n${rows.slice(3).join('\n')}\n`),
        ]),
      );
      const member = (i: number, name: string): string =>
        JSON.stringify({
          reference_id: `NDJ-${i}`,
          first_name: name,
          last_name: 'Doe',
          date_of_birth: '1990-05-15',
          phone: '4155550100',
          plan_id: fx.emulator.planIds[0]!,
          address: { address_line_1: '1 Main St', city: 'Austin', state: 'TX', zipcode: '78701' },
        });
      const ndjson = join(fx.dir, 'latin1.ndjson');
      writeFileSync(
        ndjson,
        Buffer.concat([
          Buffer.from(`${member(1, 'Jane')}\n`),
          Buffer.from(`${member(2, 'Ren\u00e9e')}\n`, 'latin1'), // line 2
          Buffer.from(`${member(3, 'Zo\u00eb')}\n`), // real UTF-8
        ]),
      );
      const [a, b] = await Promise.all([
        runCli(['sync', csv, '--group', csvGroup.id, '--poll-interval', '10', '--json'], {
          env: fx.env,
        }),
        runCli(['sync', ndjson, '--group', ndjsonGroup.id, '--poll-interval', '10', '--json'], {
          env: fx.env,
        }),
      ]);
      for (const [run, line] of [
        [a, 3],
        [b, 2],
      ] as const) {
        expect(run.status, run.stderr).to.equal(1);
        const done = jsonLines(run.stdout).pop() as { report: SyncReport };
        expect(done.report).to.include({ invalid: 1, failed: 0 });
        expect(done.report.failures).to.have.length(1);
        expect(done.report.failures[0]!.reason).to.match(
          new RegExp(`^line ${line}: not valid UTF-8`),
        );
        expect(JSON.stringify(done.report)).not.to.contain('\ufffd');
      }
      expect(fx.emulator.members(csvGroup.id)).to.have.length(3);
      expect(fx.emulator.members(ndjsonGroup.id).map((m) => m.first_name)).to.deep.equal([
        'Jane',
        'Zo\u00eb',
      ]);
      for (const g of [csvGroup, ndjsonGroup])
        expect(JSON.stringify(fx.emulator.members(g.id))).not.to.contain('\ufffd');
    });
  });

  describe('output streams', () => {
    it('off a terminal, standard output carries the summary only and the per-batch lines go to standard error', async () => {
      const group = await fx.newGroup();
      const file = join(fx.dir, 'streams.csv');
      writeFileSync(file, csvRoster(30, fx.emulator.planIds[0]!, new Map()).text);
      const run = await runCli(
        ['sync', file, '--group', group.id, '--batch-size', '10', '--poll-interval', '10'],
        { env: fx.env },
      );
      expect(run.status, run.stderr).to.equal(0);
      expect(run.stderr.match(/^batch grpmsr_\w+: 10 synced \| read/gm)).to.have.length(3);
      expect(run.stdout).to.match(/^Sync report for group grp_\w+\n/);
      expect(run.stdout).not.to.contain('batch ');
    });

    it('a closed pipe (sync --json | head -1) ends the command quietly: exit 130, no stack trace, the work stopped', async () => {
      const slow = await startEmulator({ processingDelayMs: 200 });
      try {
        const slowClient = createClient({ apiKey: slow.apiKey, baseURL: slow.url });
        const group = await lastValueFrom(
          slowClient.groups.create({ name: 'P', external_reference_id: 'p' }),
        );
        const file = join(fx.dir, 'pipe.csv');
        writeFileSync(file, csvRoster(2000, slow.planIds[0]!, new Map()).text);
        const child = await spawnCli(
          [
            'sync',
            file,
            '--group',
            group.id,
            '--json',
            '--batch-size',
            '50',
            '--poll-interval',
            '20',
          ],
          { env: { VITABLE_CONNECT_BASE_URL: slow.url, VITABLE_CONNECT_API_KEY: slow.apiKey } },
        );
        const closed = exitOf(child);
        let stderr = '';
        child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
        const first = await new Promise<string>((resolve) => {
          let out = '';
          child.stdout!.setEncoding('utf8').on('data', (s: string) => {
            out += s;
            if (out.includes('\n')) {
              child.stdout!.destroy(); // what `head -1` does after its line
              resolve(out.slice(0, out.indexOf('\n')));
            }
          });
        });
        const status = await closed;
        expect(JSON.parse(first)).to.have.property('type');
        expect(status, stderr).to.equal(130);
        expect(stderr).to.contain('standard output was closed');
        expect(stderr).not.to.match(/EPIPE|Unhandled|\n\s+at /);
        // stopped: far fewer batches than the roster's 40
        expect(slow.stats().byRoute['POST /v1/groups/:id/members/sync']?.['202'] ?? 0).to.be.below(
          40,
        );
      } finally {
        await slow.stop();
      }
    });
  });

  describe('Ctrl-C and SIGTERM during sync', () => {
    let slow: Emulator;
    let slowEnv: Record<string, string>;

    before(async () => {
      slow = await startEmulator({ processingDelayMs: 300 });
      slowEnv = { VITABLE_CONNECT_BASE_URL: slow.url, VITABLE_CONNECT_API_KEY: slow.apiKey };
    });
    after(() => slow.stop());

    for (const signal of ['SIGINT', 'SIGTERM'] as const)
      it(`${signal}: stops, writes the partial report with "interrupted": true and the accepted request ids, says how to run it again, exits 130; the same command then finishes`, async () => {
        const slowClient = createClient({ apiKey: slow.apiKey, baseURL: slow.url });
        const group = await lastValueFrom(
          slowClient.groups.create({ name: signal, external_reference_id: signal }),
        );
        const file = join(fx.dir, `${signal}.csv`);
        const reportFile = join(fx.dir, `${signal}-report.json`);
        writeFileSync(file, csvRoster(1000, slow.planIds[0]!, new Map()).text);
        const args = [
          'sync',
          file,
          '--group',
          group.id,
          '--batch-size',
          '100',
          '--concurrency',
          '2',
          '--poll-interval',
          '50',
          '--report',
          reportFile,
          '--json',
        ];
        const child = await spawnCli(args, { env: slowEnv });
        const closed = exitOf(child);
        let stdout = '';
        let stderr = '';
        child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
        await new Promise<void>((resolve) => {
          child.stdout!.setEncoding('utf8').on('data', (s: string) => {
            stdout += s;
            if (/"type":"completed"/.test(stdout)) resolve();
          });
        });
        child.kill(signal);
        const status = await closed;
        expect(status, stderr).to.equal(130);

        const report = JSON.parse(readFileSync(reportFile, 'utf8')) as SyncReport & {
          interrupted: boolean;
          unfinished: number;
        };
        const events = jsonLines(stdout);
        const submitted = events
          .filter((e) => e['type'] === 'submitted')
          .map((e) => e['requestId']);
        const completed = events.filter((e) => e['type'] === 'completed');
        expect(report.interrupted).to.equal(true);
        expect(report.requestIds).to.deep.equal(submitted).and.have.length.at.least(1);
        expect(report.synced).to.equal(completed.reduce((n, e) => n + (e['synced'] as number), 0));
        expect(report.synced).to.be.above(0).and.below(1000);
        expect(report.read).to.equal(
          report.invalid + report.failed + report.synced + report.unfinished,
        );
        expect(events[events.length - 1]).to.deep.equal({ type: 'interrupted', report });
        for (const id of report.requestIds)
          expect(
            (await lastValueFrom(slowClient.members.sync.retrieve(group.id, id))).request_id,
          ).to.equal(id);
        expect(stderr)
          .to.contain(`interrupted (${signal})`)
          .and.contain(`partial report written to ${reportFile}`)
          .and.contain(`to sync again, run: vitable-connect ${args.join(' ')}`)
          .and.contain('without --journal this starts over and sends every member again');

        const again = await runCli(args, { env: slowEnv });
        expect(again.status, again.stderr).to.equal(0);
        const final = JSON.parse(readFileSync(reportFile, 'utf8')) as SyncReport;
        expect(final).to.include({ read: 1000, synced: 1000, invalid: 0, failed: 0 });
        expect(final).not.to.have.property('interrupted');
        expect(slow.members(group.id)).to.have.length(1000);
      });

    it('on a terminal (a pseudo-terminal of 80 columns): Ctrl-C shows the cursor the bar hid, the bar fits, exit 130', async function () {
      if (spawnSync('script', ['--version']).status !== 0) this.skip(); // util-linux script makes the pty
      const slowClient = createClient({ apiKey: slow.apiKey, baseURL: slow.url });
      const group = await lastValueFrom(
        slowClient.groups.create({ name: 'tty', external_reference_id: 'tty' }),
      );
      const file = join(fx.dir, 'tty.csv');
      const reportFile = join(fx.dir, 'tty-report.json');
      writeFileSync(file, csvRoster(3000, slow.planIds[0]!, new Map()).text);
      const bin = await cliPath();
      const command = [
        'stty cols 80;',
        JSON.stringify(process.execPath),
        JSON.stringify(bin),
        'sync',
        JSON.stringify(file),
        '--group',
        group.id,
        '--batch-size',
        '100',
        '--concurrency',
        '2',
        '--poll-interval',
        '50',
        '--report',
        JSON.stringify(reportFile),
      ].join(' ');
      const child = spawn('script', ['-qfec', command, '/dev/null'], {
        env: {
          PATH: process.env['PATH'] ?? '',
          HOME: process.env['HOME'] ?? '',
          TERM: 'xterm',
          ...slowEnv,
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const closed = exitOf(child);
      let screen = '';
      await new Promise<void>((resolve) => {
        child.stdout.setEncoding('utf8').on('data', (s: string) => {
          screen += s;
          if (screen.includes(HIDE_CURSOR) && /read [1-9]/.test(screen)) resolve();
        });
      });
      child.stdin.write('\u0003'); // Ctrl-C, as typed: the terminal sends SIGINT
      const status = await closed;
      expect(status, screen).to.equal(130);
      expect(screen.lastIndexOf(SHOW_CURSOR)).to.be.above(screen.lastIndexOf(HIDE_CURSOR));
      const drawn = screen
        // eslint-disable-next-line no-control-regex
        .split(/\u001b\[[0-9;?]*[A-Za-z]|\u001b[78]|[\r\n]/)
        .filter((l) => l.includes('ETA'));
      expect(drawn).to.not.be.empty;
      // the terminal echoes the typed Ctrl-C as "^C" after the bar: that is not the program's output
      for (const line of drawn) expect(line.replace('^C', '').length, line).to.be.below(80);
      expect(JSON.parse(readFileSync(reportFile, 'utf8'))).to.include({ interrupted: true });
    });
  });

  describe('the API key in the --report file', () => {
    it('never appears, even when the server echoes it in a failure reason', async () => {
      const key = 'vc_live_echoed_secret_4242';
      const group = {
        id: 'grp_stub',
        organization_id: 'org_stub',
        name: 'Stub',
        external_reference_id: 'stub',
        created_at: '2026-01-15T10:30:00Z',
        updated_at: '2026-01-15T10:30:00Z',
      };
      const seen: string[] = [];
      const server = createServer((req: IncomingMessage, res: ServerResponse) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          seen.push(`${req.method} ${req.url}`);
          const send = (status: number, data: unknown): void => {
            res.writeHead(status, {
              'content-type': 'application/json',
              'x-request-id': `req_${key}`,
            });
            res.end(JSON.stringify({ data }));
          };
          if (req.method === 'GET' && req.url === '/v1/groups/grp_stub') return send(200, group);
          if (req.method === 'POST' && req.url === '/v1/groups/grp_stub/members/sync') {
            const members = (JSON.parse(body) as { members: Array<{ reference_id: string }> })
              .members;
            (server as unknown as { last: string[] }).last = members.map((m) => m.reference_id);
            return send(202, {
              request_id: 'grpmsr_stub',
              group_id: 'grp_stub',
              accepted_at: group.created_at,
            });
          }
          if (req.method === 'GET' && req.url === '/v1/groups/grp_stub/members/sync/grpmsr_stub') {
            const ids = (server as unknown as { last: string[] }).last;
            return send(200, {
              request_id: 'grpmsr_stub',
              group_id: 'grp_stub',
              accepted_at: group.created_at,
              completed_at: group.updated_at,
              results: {
                added_group_member_ids: ids.slice(1).map((_, i) => `gm_${i}`),
                removed_group_member_ids: [],
                failures: [
                  {
                    reference_id: ids[0],
                    operation: 'add',
                    reason: `key ${key} is not allowed here`,
                  },
                ],
              },
            });
          }
          send(404, { error: { message: `no route for key ${key}` } });
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const file = join(fx.dir, 'echo.csv');
        const reportFile = join(fx.dir, 'echo-report');
        writeFileSync(file, csvRoster(3, 'pln_stub', new Map()).text);
        // one run with --json events, one with the summary table
        const reportFiles = [`${reportFile}.json-mode`, `${reportFile}.table-mode`];
        const runs = await Promise.all(
          reportFiles.map((path, i) =>
            runCli(
              [
                'sync',
                file,
                '--group',
                'grp_stub',
                '--poll-interval',
                '10',
                '--report',
                path,
              ].concat(i === 0 ? ['--json'] : []),
              { env: { VITABLE_CONNECT_BASE_URL: url, VITABLE_CONNECT_API_KEY: key } },
            ),
          ),
        );
        for (const [i, run] of runs.entries()) {
          expect(run.status, run.stderr).to.equal(1);
          const written = readFileSync(reportFiles[i]!, 'utf8');
          const report = JSON.parse(written) as SyncReport;
          expect(report).to.include({ read: 3, synced: 2, failed: 1 });
          expect(report.failures[0]!.reason)
            .to.contain('is not allowed here')
            .and.contain('[REDACTED]');
          expect(written).not.to.contain(key);
          expect(run.stdout).not.to.contain(key);
          expect(run.stderr).not.to.contain(key);
        }
        expect(seen).to.include('POST /v1/groups/grp_stub/members/sync');
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });

  describe('names and wording', () => {
    it('demo takes --processing-delay-ms like emulator does, still accepts the old --processing-delay, and lists only the new name', async () => {
      const [help, now, old] = await Promise.all([
        runCli(['demo', '--help'], { env: {} }),
        runCli(['demo', '--members', '300', '--processing-delay-ms', '5', '--json'], { env: {} }),
        runCli(['demo', '--members', '300', '--processing-delay', '5', '--json'], { env: {} }),
      ]);
      expect(help.stdout)
        .to.contain('--processing-delay-ms <ms>')
        .and.not.match(/--processing-delay </);
      for (const run of [now, old]) {
        expect(run.status, run.stderr).to.equal(0);
        expect(jsonLines(run.stdout).pop()).to.deep.equal({
          type: 'demo-check',
          ok: true,
          problems: [],
        });
      }
    });

    it('groups list on an organization without groups says "no groups", not "page 1 of 0"', async () => {
      const empty = await startEmulator();
      try {
        const emptyEnv = {
          VITABLE_CONNECT_BASE_URL: empty.url,
          VITABLE_CONNECT_API_KEY: empty.apiKey,
        };
        const [page, all] = await Promise.all([
          runCli(['groups', 'list'], { env: emptyEnv }),
          runCli(['groups', 'list', '--all'], { env: emptyEnv }),
        ]);
        for (const run of [page, all]) {
          expect(run.status, run.stderr).to.equal(0);
          expect(run.stdout).to.equal('no groups\n');
        }
      } finally {
        await empty.stop();
      }
    });
  });
});
