import { expect } from 'chai';
import fc from 'fast-check';
import type { SyncRequest } from '../../lib/codecs';
import { registerSecret, REDACTED, VitableError } from '../../lib/errors';
import type { SentBatch } from '../../lib/pipelines/roster-batcher';
import { SyncLedger } from '../../lib/pipelines/sync-ledger';

const idAt = (handle: number): string => `EMP-${handle}`;

/** A batch of members `from`..`from + size - 1` (handle = index = position). */
const batchOf = (seq: number, from: number, size: number): SentBatch => {
  const entries = new Float64Array(2 * size);
  for (let i = 0; i < size; i++) {
    entries[2 * i] = from + i;
    entries[2 * i + 1] = from + i;
  }
  return { seq, size, entries };
};

const completed = (batch: SentBatch, failedRefs: ReadonlyArray<string>, reason = 'Invalid plan_id'): SyncRequest => ({
  request_id: `grpmsr_${batch.seq}`,
  group_id: 'grp_1',
  accepted_at: '2026-01-15T10:30:00Z',
  completed_at: '2026-01-15T10:30:02Z',
  results: {
    added_group_member_ids: Array.from({ length: batch.size - failedRefs.length }, (_, i) => `grpmbr_${i}`),
    removed_group_member_ids: [],
    failures: failedRefs.map((reference_id) => ({ reference_id, operation: 'add' as const, reason })),
  },
});

describe('SyncLedger', () => {
  it('keeps read === invalid + failed + synced + pending at every step, and balances once every batch settles (property)', () => {
    // a roster: each member is invalid, or lands in a batch; each batch completes (with some server
    // failures, some naming a member twice or a stranger) or fails
    const op = fc.record({
      invalid: fc.boolean(),
      closeAfter: fc.boolean(),
      outcome: fc.constantFrom('complete', 'fail'),
      serverFailures: fc.array(fc.nat(20), { maxLength: 4 }),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const ledger = new SyncLedger('grp_1', 0, idAt);
        const open: number[] = [];
        const batches: Array<{ batch: SentBatch; how: (typeof ops)[number] }> = [];
        let seq = 0;
        const check = (): void => {
          const r = ledger.report(1);
          expect(r.read).to.equal(r.invalid + r.failed + r.synced + ledger.pending);
          expect(r.failures.length).to.equal(r.invalid + r.failed);
        };
        const close = (how: (typeof ops)[number]): void => {
          if (open.length === 0) return;
          batches.push({ batch: batchOf(seq++, open[0]!, open.length), how });
          open.length = 0;
        };
        for (const o of ops) {
          const index = ledger.read();
          if (o.invalid) ledger.reject(index, undefined, [{ path: 'first_name', message: 'is required' }]);
          else open.push(index);
          if (open.length > 0 && (o.closeAfter || open.length > 0 && open[0]! + open.length !== index + 1)) close(o);
          check();
          // settle some batches out of order
          if (batches.length > 2) {
            const { batch, how } = batches.splice(batches.length % 2, 1)[0]!;
            settle(ledger, batch, how);
            check();
          }
        }
        close(ops[0] ?? { invalid: false, closeAfter: true, outcome: 'complete', serverFailures: [] });
        for (const { batch, how } of batches) settle(ledger, batch, how);
        const r = ledger.report(2);
        expect(ledger.pending).to.equal(0);
        expect(r.read).to.equal(ops.length);
        expect(r.read).to.equal(r.invalid + r.failed + r.synced);
        expect(r.failures.length).to.equal(r.invalid + r.failed);
        const indexes = r.failures.map((f) => f.index);
        expect(new Set(indexes).size, 'each member in failures once').to.equal(indexes.length);
      }),
      { numRuns: 300 },
    );
  });

  const settle = (
    ledger: SyncLedger,
    batch: SentBatch,
    how: { outcome: string; serverFailures: ReadonlyArray<number> },
  ): void => {
    if (how.outcome === 'fail') {
      const error = new VitableError('boom');
      ledger.fail(batch, { error, reason: error.message, mayHaveApplied: false });
      return;
    }
    ledger.accepted(batch, `grpmsr_${batch.seq}`);
    const first = batch.entries[0]!;
    // failures may name a member twice, or one of another batch (first + n beyond size)
    const refs = how.serverFailures.map((n) => idAt(first + n));
    ledger.complete(batch, completed(batch, refs));
  };

  it('counts a member named in several server failures once, and ignores failures naming a stranger', () => {
    const ledger = new SyncLedger('grp_1', 0, idAt);
    for (let i = 0; i < 3; i++) ledger.read();
    const batch = batchOf(0, 0, 3);
    const event = ledger.complete(batch, completed(batch, ['EMP-1', 'EMP-1', 'EMP-99']));
    expect(event).to.include({ type: 'completed', synced: 2, size: 3 });
    expect(ledger.report(5)).to.include({ read: 3, synced: 2, failed: 1 });
  });

  it('reports a failed batch with every reference_id, its request id and mayHaveApplied', () => {
    const ledger = new SyncLedger('grp_1', 0, idAt);
    for (let i = 0; i < 2; i++) ledger.read();
    const error = new VitableError('lost');
    const event = ledger.fail(batchOf(0, 0, 2), { error, reason: 'lost; may have applied', requestId: 'grpmsr_9', mayHaveApplied: true });
    expect(event).to.deep.equal({ type: 'failed', referenceIds: ['EMP-0', 'EMP-1'], error, requestId: 'grpmsr_9', mayHaveApplied: true });
    expect(ledger.report(1).failures).to.deep.equal([
      { reference_id: 'EMP-0', index: 0, stage: 'request', reason: 'lost; may have applied' },
      { reference_id: 'EMP-1', index: 1, stage: 'request', reason: 'lost; may have applied' },
    ]);
  });

  it('redacts the API key from server failure reasons in the completed event and the report', () => {
    const key = 'vc_test_ledger_secret_key_123';
    registerSecret(key);
    const ledger = new SyncLedger('grp_1', 0, idAt);
    ledger.read();
    const batch = batchOf(0, 0, 1);
    const event = ledger.complete(batch, completed(batch, ['EMP-0'], `bad key ${key}`));
    const report = ledger.report(1);
    expect(JSON.stringify(event)).to.not.contain(key);
    expect(JSON.stringify(report)).to.not.contain(key);
    expect(event.failures[0]!.reason).to.equal(`bad key ${REDACTED}`);
    expect(report.failures[0]!.reason).to.equal(`bad key ${REDACTED}`);
  });

  it('redacts the API key wherever a server or a member echoes it: request ids, failed batches, invalid members', () => {
    const key = 'vc_test_ledger_echoed_key_456';
    registerSecret(key);
    // member 1's reference_id is the key itself; the server names it in a failure, and echoes the key in its request ids
    const ledger = new SyncLedger('grp_1', 0, (handle) => (handle === 1 ? key : idAt(handle)));
    for (let i = 0; i < 6; i++) ledger.read();
    const first = batchOf(0, 0, 2);
    const events = [
      ledger.accepted(first, `grpmsr_${key}`),
      ledger.complete(first, { ...completed(first, [key], `no ${key}`), request_id: `grpmsr_${key}` }),
      ledger.fail(batchOf(1, 2, 2), {
        error: new VitableError('lost'),
        reason: `lost with ${key}`,
        requestId: `grpmsr_2_${key}`,
        mayHaveApplied: true,
      }),
      ledger.reject(4, key, [{ path: 'reference_id', message: `repeats "${key}"` }]),
    ];
    ledger.replayed(batchOf(2, 5, 1), { requestId: `grpmsr_3_${key}`, added: 1, removed: 0, failures: [] });
    const report = ledger.report(1);
    expect(JSON.stringify(events)).to.not.contain(key);
    expect(JSON.stringify(report)).to.not.contain(key);
    expect(report.requestIds).to.deep.equal([`grpmsr_${REDACTED}`, `grpmsr_3_${REDACTED}`]);
    // the server's failure of the member whose id is the key still counts against that member
    expect(report).to.include({ read: 6, invalid: 1, failed: 3, synced: 2 });
    expect(report.failures.map((f) => [f.stage, f.reference_id])).to.deep.equal([
      ['server', REDACTED],
      ['request', 'EMP-2'],
      ['request', 'EMP-3'],
      ['validation', REDACTED],
    ]);
  });

  it('builds progress and the report from its counters and the clock it is given', () => {
    const ledger = new SyncLedger('grp_1', Date.UTC(2026, 0, 15), idAt);
    const index = ledger.read();
    ledger.reject(index, 'EMP-0', [{ path: 'phone', message: 'must be 10 digits' }]);
    expect(ledger.progress(Date.UTC(2026, 0, 15) + 500, 2)).to.deep.equal({
      type: 'progress',
      read: 1,
      invalid: 1,
      submitted: 0,
      synced: 0,
      failed: 0,
      inFlight: 2,
      membersPerSecond: 2,
    });
    expect(ledger.report(Date.UTC(2026, 0, 15) + 1000)).to.include({
      startedAt: '2026-01-15T00:00:00.000Z',
      durationMs: 1000,
    });
  });
});
