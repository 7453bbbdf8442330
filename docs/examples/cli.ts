// docs/cli.md: the `vitable-connect` commands, run in-process here so the
// example can check what they print. From a shell they are:
//
//   vitable-connect groups create --name "Tier 1" --external-reference-id seg_1 --json
//   vitable-connect sync roster.csv --group grp_… --report report.json
//   vitable-connect sync-status grp_… grpmsr_… --wait
//   vitable-connect sync roster.csv --group grp_… --report roster.csv   (refused, exit 2)
//   Ctrl-C during a sync: partial report with "interrupted": true, exit 130
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { main as cli } from '../../lib/cli/main';
import type { SyncReport } from '../../lib';
import { runIfMain, type ExampleEnv } from './example-env';

/** Runs one command line; resolves with its exit status and what it printed. */
const run = async (args: string[], env: Record<string, string>) => {
  let stdout = '';
  let stderr = '';
  const out = new PassThrough().on('data', (c: Buffer) => (stdout += c.toString()));
  const err = new PassThrough().on('data', (c: Buffer) => (stderr += c.toString()));
  const status = await cli(args, { stdout: out, stderr: err, stdin: Readable.from([]), env });
  return { status, stdout, stderr };
};

export const main = async ({ baseURL, apiKey, log }: ExampleEnv): Promise<void> => {
  const env = { VITABLE_CONNECT_BASE_URL: baseURL, VITABLE_CONNECT_API_KEY: apiKey };
  const dir = mkdtempSync(join(tmpdir(), 'vc-cli-example-'));
  try {
    const created = await run(
      ['groups', 'create', '--name', 'CLI', '--external-reference-id', 'cli_1', '--json'],
      env,
    );
    assert.equal(created.status, 0);
    const group = JSON.parse(created.stdout) as { id: string };
    log(`groups create → ${group.id}`);

    // a CSV roster: header of MemberInput fields, the address flattened; empty cell = absent
    const csv = [
      'reference_id,first_name,last_name,date_of_birth,phone,plan_id,address_line_1,address_line_2,city,state,zipcode,email',
      'EMP-1,Jane,Doe,1990-05-15,4155550100,pln_demo_basic,1 Main St,,Austin,TX,78701,jane@example.com',
      'EMP-2,John,Roe,1985-01-31,4155550101,pln_demo_basic,2 Main St,Apt 4,Austin,TX,78701,',
      'EMP-3,Bad,Zip,1985-01-31,4155550102,pln_demo_basic,3 Main St,,Austin,TX,787,',
      'EMP-4,Too,Few',
    ].join('\n');
    writeFileSync(join(dir, 'roster.csv'), `${csv}\n`);
    const reportPath = join(dir, 'report.json');
    const synced = await run(
      [
        'sync',
        join(dir, 'roster.csv'),
        '--group',
        group.id,
        '--poll-interval',
        '50',
        '--report',
        reportPath,
      ],
      env,
    );
    log(synced.stdout.trimEnd());
    // exit status 1: some members did not sync; the report says which and why
    assert.equal(synced.status, 1);
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as SyncReport;
    assert.deepEqual([report.read, report.synced, report.invalid], [4, 2, 2]);
    assert.deepEqual(
      report.failures.map((f) => f.reason.split(':')[0]),
      ['line 4', 'line 5'],
    );

    const status = await run(
      ['sync-status', group.id, report.requestIds[0]!, '--wait', '--poll-interval', '50'],
      env,
    );
    assert.equal(status.status, 0);
    log(status.stdout.trimEnd());

    // usage errors exit 2, and say what to do
    const noKey = await run(['groups', 'list'], { VITABLE_CONNECT_BASE_URL: baseURL });
    assert.equal(noKey.status, 2);
    assert.match(noKey.stderr, /--api-key.*VITABLE_CONNECT_API_KEY/);
    log(noKey.stderr.trimEnd());

    // nothing given is overwritten: a --report naming the roster (however spelled) is refused
    const roster = join(dir, 'roster.csv');
    const before = readFileSync(roster, 'utf8');
    const same = await run(
      ['sync', roster, '--group', group.id, '--report', join(dir, '.', 'roster.csv')],
      env,
    );
    assert.equal(same.status, 2);
    assert.match(same.stderr, /--report .* is the roster file .* itself/);
    assert.equal(readFileSync(roster, 'utf8'), before);
    log(same.stderr.trimEnd());

    // Ctrl-C: here a signal source of our own, raised at the first finished batch
    const slowRoster = Array.from(
      { length: 40 },
      (_, i) =>
        `EMP-${100 + i},Jane,Doe,1990-05-15,4155550100,pln_demo_basic,1 Main St,,Austin,TX,78701,`,
    );
    writeFileSync(join(dir, 'big.csv'), `${csv.split('\n')[0]}\n${slowRoster.join('\n')}\n`);
    const listeners = new Set<() => void>();
    let stdout = '';
    const out = new PassThrough().on('data', (c: Buffer) => {
      stdout += c.toString();
      if (stdout.includes('"type":"completed"')) for (const l of [...listeners]) l();
    });
    const partialPath = join(dir, 'partial.json');
    const stopped = await cli(
      [
        'sync',
        join(dir, 'big.csv'),
        '--group',
        group.id,
        '--batch-size',
        '5',
        '--concurrency',
        '1',
      ].concat(['--poll-interval', '20', '--report', partialPath, '--json']),
      {
        stdout: out,
        stderr: new PassThrough().resume(),
        stdin: Readable.from([]),
        env,
        signals: {
          on: (_signal, listener) => void listeners.add(listener),
          off: (_signal, listener) => void listeners.delete(listener),
          exit: () => undefined,
        },
      },
    );
    // exit status 130, and a partial report that says so, with the batches accepted so far
    assert.equal(stopped, 130);
    const partial = JSON.parse(readFileSync(partialPath, 'utf8')) as SyncReport & {
      interrupted: boolean;
      unfinished: number;
    };
    assert.equal(partial.interrupted, true);
    assert.ok(partial.synced >= 5 && partial.synced < 40);
    assert.equal(
      partial.read,
      partial.invalid + partial.failed + partial.synced + partial.unfinished,
    );
    log(`interrupted: ${partial.synced} synced, ${partial.requestIds.length} batches accepted`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

runIfMain(module, main);
