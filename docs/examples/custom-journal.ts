// docs/resuming.md: a custom journal store (a "database table"), a sync that dies part-way,
// and the same call again, which resumes it and sends nothing twice.
import assert from 'node:assert/strict';
import { firstValueFrom, lastValueFrom, tap } from 'rxjs';
import { createClient, syncRoster, type SyncEvent, type SyncJournal, type SyncReport } from '../../lib';
import { runIfMain, type ExampleEnv } from './example-env';

/**
 * A table of journal rows, as a SQL table `sync_journal(job_id, seq, record jsonb)` would keep
 * them: `append` inserts one row (durable when the insert commits), `load` selects the job's
 * rows in order. Here it lives in memory; the shape is what matters.
 */
class JournalTable {
  private readonly rows: { readonly jobId: string; readonly seq: number; readonly record: string }[] = [];

  /** The journal of one job: what `syncRoster({ journal })` takes. */
  journal(jobId: string): SyncJournal {
    return {
      load: async () => this.rows.filter((r) => r.jobId === jobId).map((r) => JSON.parse(r.record) as unknown),
      append: async (record) => {
        // INSERT INTO sync_journal VALUES ($1, nextval(...), $2): records are JSON-safe
        this.rows.push({ jobId, seq: this.rows.length, record: JSON.stringify(record) });
      },
    };
  }

  size(jobId: string): number {
    return this.rows.filter((r) => r.jobId === jobId).length;
  }
}

const members = (count: number, planId: string): unknown[] =>
  Array.from({ length: count }, (_, i) => ({
    reference_id: `EMP-${i}`,
    first_name: 'Jane',
    last_name: `Doe ${i}`,
    date_of_birth: '1990-05-15',
    phone: `415555${String(i).padStart(4, '0')}`,
    plan_id: planId,
    address: { address_line_1: `${i} Main St`, city: 'Austin', state: 'TX', zipcode: '78701' },
  }));

export const main = async ({ baseURL, apiKey, log }: ExampleEnv): Promise<void> => {
  const client = createClient({ apiKey, baseURL });
  const group = await firstValueFrom(client.groups.create({ name: 'Resumable', external_reference_id: 'resume_1' }));
  const roster = members(500, 'pln_demo_basic');
  const table = new JournalTable();
  const options = { maxMembers: 50, journal: table.journal(`sync-${group.id}`), poll: { initialDelayMs: 20 } };

  // 1. the first run "dies" after its third completed batch (here: we unsubscribe)
  let completed = 0;
  await new Promise<void>((resolve) => {
    const run = syncRoster(client, group.id, roster, options).subscribe((e) => {
      if (e.type === 'completed' && ++completed === 3) {
        run.unsubscribe();
        resolve();
      }
    });
  });
  log(`first run stopped after ${completed} batches; the journal holds ${table.size(`sync-${group.id}`)} records`);

  // 2. the same call with the same journal resumes: the first event says what it found
  const events: SyncEvent[] = [];
  await lastValueFrom(syncRoster(client, group.id, roster, options).pipe(tap((e) => events.push(e))));
  const resumed = events[0];
  assert.equal(resumed?.type, 'resumed');
  if (resumed?.type === 'resumed') {
    log(`resumed: ${resumed.completed} completed, ${resumed.inFlight} in flight, ${resumed.unsent} unsent`);
    assert.ok(resumed.completed >= 3);
  }
  const done = events[events.length - 1];
  assert.equal(done?.type, 'done');
  const report: SyncReport = done!.type === 'done' ? done.report : (undefined as never);
  log(`report: read ${report.read}, synced ${report.synced}, ${report.requestIds.length} request ids`);
  assert.equal(report.read, 500);
  assert.equal(report.synced, 500);
  assert.equal(new Set(report.requestIds).size, 10); // every batch once, the resumed ones included

  // 3. once more, after the sync finished: nothing is sent, the report is the same
  const again = await lastValueFrom(syncRoster(client, group.id, roster, options));
  assert.equal(again.type, 'done');
  if (again.type === 'done') {
    assert.deepEqual([...again.report.requestIds].sort(), [...report.requestIds].sort());
    assert.equal(again.report.synced, report.synced);
    log(`run again: synced ${again.report.synced}, nothing sent`);
  }
};

runIfMain(module, main);
