// docs/roster-sync.md: stream a CSV file through syncRoster and read the report.
import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { filter, firstValueFrom, lastValueFrom, map } from 'rxjs';
import { createClient, syncRoster } from '../../lib';
import { runIfMain, type ExampleEnv } from './example-env';

export const main = async ({ baseURL, apiKey, log }: ExampleEnv): Promise<void> => {
  const client = createClient({ apiKey, baseURL });
  const group = await firstValueFrom(
    client.groups.create({ name: 'Roster', external_reference_id: 'roster_1' }),
  );

  const dir = mkdtempSync(join(tmpdir(), 'vc-roster-example-'));
  try {
    const lines = [
      'reference_id,first_name,last_name,date_of_birth,phone,plan_id,line1,city,state,zipcode',
    ];
    for (let i = 0; i < 1200; i++)
      lines.push(
        `EMP-${i},Jane,Doe ${i},1990-05-15,415555${String(i).padStart(4, '0')},pln_demo_basic,${i} Main St,Austin,TX,78701`,
      );
    lines.push(
      'EMP-7,Again,Repeated,1990-05-15,4155550007,pln_demo_basic,7 Main St,Austin,TX,78701',
    ); // repeat
    writeFileSync(join(dir, 'roster.csv'), `${lines.join('\n')}\n`);

    // a Node object stream is an AsyncIterable: syncRoster pulls rows only as batches free up
    const rows = createReadStream(join(dir, 'roster.csv')).pipe(
      parse({
        columns: true,
        on_record: (r: Record<string, string>) => ({
          reference_id: r['reference_id'],
          first_name: r['first_name'],
          last_name: r['last_name'],
          date_of_birth: r['date_of_birth'],
          phone: r['phone'],
          plan_id: r['plan_id'],
          address: {
            address_line_1: r['line1'],
            city: r['city'],
            state: r['state'],
            zipcode: r['zipcode'],
          },
        }),
      }),
    );

    const report = await lastValueFrom(
      syncRoster(client, group.id, rows, {
        maxMembers: 500,
        concurrency: 2,
        poll: { initialDelayMs: 100 },
      }).pipe(
        filter((e) => e.type === 'done'),
        map((e) => e.report),
      ),
    );
    log(
      `read ${report.read}, synced ${report.synced}, invalid ${report.invalid}, batches ${report.requestIds.length}`,
    );
    assert.deepEqual(
      [report.read, report.synced, report.invalid, report.failed],
      [1201, 1200, 1, 0],
    );
    assert.equal(report.requestIds.length, 3);
    assert.match(report.failures[0]!.reason, /repeats "EMP-7"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

runIfMain('roster-sync', main);
