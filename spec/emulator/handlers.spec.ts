import { expect } from 'chai';
import { dispatch, makeHandlers } from '../../lib/emulator/handlers';
import type { ParsedRequest, Target } from '../../lib/emulator/parse-request';
import { EmulatorState } from '../../lib/emulator/state';
import { member } from './http';

const ORG = { apiKey: 'k', id: 'org_1', planIds: ['pln_1'] };
const OTHER = { apiKey: 'k2', id: 'org_2', planIds: ['pln_2'] };

const setup = () => {
  let n = 0;
  const state = new EmulatorState({ organizations: [ORG, OTHER], now: () => Date.parse('2026-01-15T10:30:00Z'), ids: (p) => `${p}_${++n}`, processingDelayMs: 250 });
  const scheduled: Array<{ fn: () => void; ms: number }> = [];
  const handlers = makeHandlers({ state, processingDelayMs: 250, schedule: (fn, ms) => void scheduled.push({ fn, ms }) });
  const request = (target: Target, org = ORG): ParsedRequest => ({
    requestId: 'req_1',
    routeKey: target.kind,
    method: 'GET',
    path: '/',
    org,
    idempotencyKey: undefined,
    body: {},
    target,
  });
  return { state, scheduled, run: (target: Target, org = ORG) => dispatch(handlers, request(target, org)) };
};

describe('makeHandlers / dispatch', () => {
  it('creates, retrieves, updates and lists groups of the organization', () => {
    const { run } = setup();
    const created = run({ kind: 'create', group: { name: 'G', external_reference_id: 'g' } });
    expect(created.status).to.equal(201);
    expect(created.body).to.deep.include({ data: { id: 'grp_1', organization_id: 'org_1', name: 'G', external_reference_id: 'g', created_at: '2026-01-15T10:30:00.000Z', updated_at: '2026-01-15T10:30:00.000Z' } });
    expect(run({ kind: 'retrieve', groupId: 'grp_1' })).to.deep.include({ status: 200 });
    const updated = run({ kind: 'update', groupId: 'grp_1', patch: { name: 'G2' } });
    expect((updated.body as { data: { name: string } }).data.name).to.equal('G2');
    expect(run({ kind: 'list', page: 1, limit: 20 }).body).to.deep.include({ pagination: { page: 1, limit: 20, total: 1, total_pages: 1 } });
  });

  it('answers 404 naming the group for an unknown group or another organization\'s', () => {
    const { run } = setup();
    run({ kind: 'create', group: { name: 'G', external_reference_id: 'g' } });
    for (const target of [
      { kind: 'retrieve', groupId: 'grp_1' },
      { kind: 'update', groupId: 'grp_1', patch: { name: 'x' } },
      { kind: 'sync-submit', groupId: 'grp_1', members: [member('E1', 'pln_2')], payloadPrint: () => 'p' },
      { kind: 'sync-retrieve', groupId: 'grp_1', requestId: 'grpmsr_1' },
    ] as const) {
      const answer = run(target, OTHER);
      expect(answer.status, target.kind).to.equal(404);
      expect(answer.body).to.deep.equal({ error: { type: 'not_found_error', message: 'Group grp_1 not found in organization org_2' } });
    }
  });

  it('accepts a sync with 202, schedules its processing after processingDelayMs, and shows it done once run', () => {
    const { run, scheduled, state } = setup();
    run({ kind: 'create', group: { name: 'G', external_reference_id: 'g' } });
    const accepted = run({ kind: 'sync-submit', groupId: 'grp_1', members: [member('E1', 'pln_1')], payloadPrint: () => 'print' });
    expect(accepted).to.deep.equal({ status: 202, body: { data: { request_id: 'grpmsr_2', group_id: 'grp_1', accepted_at: '2026-01-15T10:30:00.000Z' } } });
    expect(scheduled.map((s) => s.ms)).to.deep.equal([250]);
    expect((run({ kind: 'sync-retrieve', groupId: 'grp_1', requestId: 'grpmsr_2' }).body as { data: { results: unknown } }).data.results).to.equal(null);
    scheduled[0]!.fn();
    expect(state.members('grp_1').map((m) => m.reference_id)).to.deep.equal(['E1']);
    expect(run({ kind: 'sync-retrieve', groupId: 'grp_1', requestId: 'grpmsr_nope' })).to.deep.equal({
      status: 404,
      body: { error: { type: 'not_found_error', message: 'Sync request grpmsr_nope not found for group grp_1' } },
    });
  });
});
