/**
 * Retained memory of syncRoster, apart from GC dynamics: a 1,000,000-member
 * roster through `syncRoster` against an in-process fake API that accepts and
 * completes every batch at once, with a forced GC at member 100,000 and at the
 * last member; prints the live heap and the off-heap (external) memory there.
 *
 *   node --expose-gc -r ts-node/register/transpile-only bench/retained-heap.ts
 *
 * Not part of `npm run bench` (it needs --expose-gc); its figures are quoted in
 * bench/notes.md.
 */
import { filter, lastValueFrom, of } from 'rxjs';
import { syncRoster } from '../lib';
import type { SyncRequest, SyncSubmission, VitableConnect } from '../lib';

const TOTAL = Number(process.env.MEMBERS ?? 1_000_000);
const MB = 1e6;
let batches = 0;

const instantApi = {
  members: {
    sync: {
      submit: (groupId: string) =>
        of<SyncSubmission>({ request_id: `grpmsr_${batches++}`, group_id: groupId, accepted_at: '2026-01-01T00:00:00Z' }),
      retrieve: (groupId: string, requestId: string) =>
        of<SyncRequest>({
          request_id: requestId,
          group_id: groupId,
          accepted_at: '2026-01-01T00:00:00Z',
          completed_at: '2026-01-01T00:00:00Z',
          results: { added_group_member_ids: [], removed_group_member_ids: [], failures: [] },
        }),
    },
  },
} as unknown as VitableConnect; // only members.sync is used by syncRoster

const snapshot = (at: number): void => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  const { heapUsed, external } = process.memoryUsage();
  console.log(`after ${at.toLocaleString('en-US')} members: live heap ${(heapUsed / MB).toFixed(1)} MB, external ${(external / MB).toFixed(1)} MB`);
};

function* roster(): Generator<unknown> {
  for (let i = 0; i < TOTAL; i++) {
    if (i === 100_000 || i === TOTAL - 1) snapshot(i);
    yield {
      reference_id: `EMP-${String(i).padStart(7, '0')}`,
      first_name: 'Jane',
      last_name: 'Doe',
      date_of_birth: '1990-05-15',
      phone: '4155550100',
      plan_id: 'pln_a',
      address: { address_line_1: '1 Main St', city: 'Springfield', state: 'IL', zipcode: '62701' },
    };
  }
}

void lastValueFrom(
  syncRoster(instantApi, 'grp_bench', roster(), { maxMembers: 1000, concurrency: 8, poll: { initialDelayMs: 0 } }).pipe(
    filter((e) => e.type === 'done'),
  ),
).then((done) => console.log(done.type === 'done' ? `synced ${done.report.synced.toLocaleString('en-US')}` : ''));
