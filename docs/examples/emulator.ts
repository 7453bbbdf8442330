// docs/emulator.md: a local API for development and tests.
import assert from 'node:assert/strict';
import { firstValueFrom, lastValueFrom, filter, map } from 'rxjs';
import { createClient, syncRoster } from '../../lib';
import { startEmulator } from '../../lib/emulator';
import { runIfMain, type ExampleEnv } from './example-env';

export const main = async ({ log }: ExampleEnv): Promise<void> => {
  const emu = await startEmulator({ processingDelayMs: 20 }); // port 0: a free one on 127.0.0.1
  try {
    const client = createClient({ baseURL: emu.url, apiKey: emu.apiKey });
    const group = await firstValueFrom(
      client.groups.create({ name: 'Tier 1', external_reference_id: 'seg_1' }),
    );
    log(
      `${emu.url}: created ${group.id} for ${emu.organizationId}; plans ${emu.planIds.join(', ')}`,
    );

    const member = (plan_id: string) => ({
      reference_id: `EMP-${plan_id}`,
      first_name: 'Jane',
      last_name: 'Doe',
      date_of_birth: '1990-05-15',
      phone: '4155550100',
      plan_id,
      address: { address_line_1: '1 Main St', city: 'Austin', state: 'TX', zipcode: '78701' },
    });
    const report = await lastValueFrom(
      syncRoster(client, group.id, [member(emu.planIds[0]!), member('pln_unknown')], {
        poll: { initialDelayMs: 30 },
      }).pipe(
        filter((e) => e.type === 'done'),
        map((e) => e.report),
      ),
    );
    // the emulator processes asynchronously and refuses plans it does not know
    assert.equal(report.synced, 1);
    assert.equal(report.failures[0]!.reason, 'Invalid plan_id');
    assert.equal(emu.members(group.id).length, 1);
    assert.deepEqual(emu.stats().byRoute['POST /v1/groups'], { '201': 1 });
    log(`stats: ${emu.stats().requests} requests, ${emu.stats().batchesProcessed} batch processed`);
  } finally {
    await emu.stop();
  }
};

runIfMain('emulator', main);
