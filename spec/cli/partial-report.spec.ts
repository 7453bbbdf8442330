import { expect } from 'chai';
import { interrupted, reportTracker } from '../../lib/cli/partial-report';
import { ConnectionError } from '../../lib/errors';
import type { SyncEvent } from '../../lib/pipelines/sync-events';

const STARTED = '2026-01-01T00:00:00.000Z';

/** A progress event while 4 members are submitted and in flight, `read` read so far. */
const progress = (read: number): SyncEvent => ({
  type: 'progress',
  read,
  invalid: 0,
  submitted: 4,
  synced: 0,
  failed: 0,
  inFlight: 4,
  membersPerSecond: 0,
});

const completed = (
  requestId: string,
  size: number,
  failures: Array<{ reference_id: string; operation: 'add' | 'remove' }>,
): SyncEvent => ({
  type: 'completed',
  request: {
    request_id: requestId,
    group_id: 'grp_1',
    accepted_at: 'a',
    completed_at: 'b',
    results: {
      added_group_member_ids: Array.from({ length: size - failures.length }, (_, i) => `gm_${i}`),
      removed_group_member_ids: [],
      failures: failures.map((f) => ({ ...f, reason: 'Invalid plan_id' })),
    },
  },
  synced: size - new Set(failures.map((f) => f.reference_id)).size,
  failures: failures.map((f) => ({ ...f, reason: 'Invalid plan_id' })),
  size,
});

describe('reportTracker', () => {
  it('starts empty: nothing read, nothing counted, the group and start time given', () => {
    expect(reportTracker('grp_1', STARTED).report(0)).to.deep.equal({
      groupId: 'grp_1',
      read: 0,
      invalid: 0,
      failed: 0,
      synced: 0,
      added: 0,
      removed: 0,
      requestIds: [],
      failures: [],
      startedAt: STARTED,
      durationMs: 0,
    });
  });

  it('adds up invalid members, submitted and completed batches, and request failures as the final report would', () => {
    const tracker = reportTracker('grp_1', STARTED);
    const events: SyncEvent[] = [
      {
        type: 'invalid',
        index: 0,
        reference_id: 'EMP-0',
        issues: [{ path: 'plan_id', message: 'is missing' }],
      },
      { type: 'submitted', requestId: 'grpmsr_1', size: 3 },
      completed('grpmsr_1', 3, [{ reference_id: 'EMP-2', operation: 'add' }]),
      { type: 'submitted', requestId: 'grpmsr_2', size: 2 },
      {
        type: 'failed',
        referenceIds: ['EMP-4', 'EMP-5'],
        error: new ConnectionError({ method: 'GET', path: '/v1/x' }, 'ECONNRESET'),
        requestId: 'grpmsr_2',
        mayHaveApplied: true,
      },
    ];
    for (const e of events) tracker.event(e);
    const r = tracker.report(1500);
    expect(r).to.deep.include({
      read: 6,
      invalid: 1,
      failed: 3,
      synced: 2,
      added: 2,
      removed: 0,
      durationMs: 1500,
    });
    expect(r.requestIds).to.deep.equal(['grpmsr_1', 'grpmsr_2']);
    expect(r.failures.map((f) => [f.reference_id, f.stage, f.index ?? '-'])).to.deep.equal([
      ['EMP-0', 'validation', 0],
      ['EMP-2', 'server', '-'],
      ['EMP-4', 'request', '-'],
      ['EMP-5', 'request', '-'],
    ]);
    expect(r.failures[0]!.reason).to.contain('plan_id');
    expect(r.failures[2]!.reason).to.contain('ECONNRESET');
  });

  it('counts a member the server failed twice in one batch once', () => {
    const tracker = reportTracker('grp_1', STARTED);
    tracker.event({ type: 'submitted', requestId: 'grpmsr_1', size: 2 });
    tracker.event(
      completed('grpmsr_1', 2, [
        { reference_id: 'EMP-1', operation: 'add' },
        { reference_id: 'EMP-1', operation: 'remove' },
      ]),
    );
    const r = tracker.report(0);
    expect(r.failures).to.have.length(1);
    expect([r.failed, r.synced]).to.deep.equal([1, 1]);
  });

  it('reads at least what progress said was read, and counts submitted members not yet finished as read', () => {
    const tracker = reportTracker('grp_1', STARTED);
    tracker.event({ type: 'submitted', requestId: 'grpmsr_1', size: 4 });
    expect(tracker.report(0).read).to.equal(4);
    tracker.event(progress(10));
    tracker.event(progress(7));
    expect(tracker.report(0).read).to.equal(10);
  });

  it('returns copies: a report taken earlier does not change with later events', () => {
    const tracker = reportTracker('grp_1', STARTED);
    const before = tracker.report(0);
    tracker.event({ type: 'submitted', requestId: 'grpmsr_1', size: 1 });
    expect(before.requestIds).to.deep.equal([]);
  });
});

describe('interrupted', () => {
  it('marks the report interrupted and counts as unfinished what was read but neither invalid, failed nor synced', () => {
    const tracker = reportTracker('grp_1', STARTED);
    tracker.event({ type: 'submitted', requestId: 'grpmsr_1', size: 4 });
    tracker.event(progress(10));
    const partial = interrupted(tracker.report(100));
    expect(partial).to.deep.include({
      interrupted: true,
      unfinished: 10,
      read: 10,
      durationMs: 100,
    });
  });
});
