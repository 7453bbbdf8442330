// docs/quick-start.md: create a group, list groups, sync a small roster.
import assert from 'node:assert/strict';
import { filter, firstValueFrom, lastValueFrom, map } from 'rxjs';
import { createClient, syncRoster } from '../../lib';
import { runIfMain, type ExampleEnv } from './example-env';

export const main = async ({ baseURL, apiKey, log }: ExampleEnv): Promise<void> => {
  // 1. a client (apiKey defaults to env VITABLE_CONNECT_API_KEY)
  const client = createClient({ apiKey, baseURL });

  // 2. every endpoint is a cold Observable: nothing is sent until subscription
  const group = await firstValueFrom(
    client.groups.create({ name: 'Tier 1', external_reference_id: 'quick_start_seg_1' }),
  );
  log(`created ${group.id} (${group.name})`);

  const page = await firstValueFrom(client.groups.list({ limit: 10 }));
  log(
    `page ${page.pagination.page} of ${page.pagination.total_pages}: ${page.data.length} group(s)`,
  );
  assert.ok(page.pagination.total >= 1 && page.data.length >= 1);

  // 3. a roster: any array, iterable, async iterable (a file stream) or Observable
  const roster = [
    {
      reference_id: 'EMP-001',
      first_name: 'Jane',
      last_name: 'Doe',
      date_of_birth: '1990-05-15',
      phone: '(415) 555-0100',
      plan_id: 'pln_demo_basic',
      address: {
        address_line_1: '123 Main St',
        city: 'San Francisco',
        state: 'CA',
        zipcode: '94102',
      },
    },
    {
      reference_id: 'EMP-002',
      first_name: 'John',
      last_name: 'Roe',
      date_of_birth: '1985-01-31',
      phone: '415.555.0101',
      plan_id: 'pln_demo_standard',
      email: 'john.roe@example.com',
      address: {
        address_line_1: '1 Market St',
        city: 'San Francisco',
        state: 'ca',
        zipcode: '94105',
      },
    },
    { reference_id: 'EMP-003', first_name: 'No', last_name: 'Phone' }, // invalid: reported, not sent
  ];

  const report = await lastValueFrom(
    syncRoster(client, group.id, roster, { poll: { initialDelayMs: 100 } }).pipe(
      filter((e) => e.type === 'done'),
      map((e) => e.report),
    ),
  );
  log(
    `read ${report.read}: synced ${report.synced}, invalid ${report.invalid}, failed ${report.failed}`,
  );
  for (const f of report.failures) log(`  ${f.reference_id ?? '?'} (${f.stage}): ${f.reason}`);

  assert.equal(report.synced, 2);
  assert.equal(report.invalid, 1);
  assert.equal(report.read, report.invalid + report.failed + report.synced);
};

runIfMain('quick-start', main);
