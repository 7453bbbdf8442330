import { expect } from 'chai';
import { EmulatorState } from '../../lib/emulator/state';
import { member } from './http';

const setup = (processingDelayMs = 100) => {
  let now = Date.parse('2026-01-15T10:30:00Z');
  let n = 0;
  const state = new EmulatorState({
    organizations: [
      { apiKey: 'key-a', id: 'org_a', planIds: ['pln_a', 'pln_b'] },
      { apiKey: 'key-b', id: 'org_b', planIds: ['pln_x'] },
    ],
    now: () => now,
    ids: (prefix) => `${prefix}_${++n}`,
    processingDelayMs,
  });
  return { state, tick: (ms: number) => (now += ms) };
};

describe('EmulatorState', () => {
  it('creates groups with injected ids and clock, and lists them page by page in creation order', () => {
    const { state, tick } = setup();
    expect(state.listGroups('org_a', 1, 20).pagination).to.deep.equal({ page: 1, limit: 20, total: 0, total_pages: 0 });
    const ids = [1, 2, 3, 4, 5].map((i) => {
      tick(1000);
      return state.createGroup('org_a', { name: `G${i}`, external_reference_id: `r${i}` }).id;
    });
    expect(ids).to.deep.equal(['grp_1', 'grp_2', 'grp_3', 'grp_4', 'grp_5']);
    expect(state.getGroup('org_a', 'grp_1')).to.include({ created_at: '2026-01-15T10:30:01.000Z', organization_id: 'org_a' });
    const page2 = state.listGroups('org_a', 2, 2);
    expect(page2.data.map((g) => g.id)).to.deep.equal(['grp_3', 'grp_4']);
    expect(page2.pagination).to.deep.equal({ page: 2, limit: 2, total: 5, total_pages: 3 });
    expect(state.listGroups('org_a', 3, 2).data.map((g) => g.id)).to.deep.equal(['grp_5']);
    expect(state.listGroups('org_a', 9, 2)).to.deep.equal({ data: [], pagination: { page: 9, limit: 2, total: 5, total_pages: 3 } });
    expect(state.listGroups('org_b', 1, 20).pagination.total).to.equal(0);
    expect(state.getGroup('org_b', 'grp_1')).to.equal(undefined);
  });

  it('moves updated_at forward on every update, even within the same millisecond, and ignores null fields', () => {
    const { state, tick } = setup();
    const g = state.createGroup('org_a', { name: 'A', external_reference_id: 'a' });
    const u1 = state.updateGroup('org_a', g.id, { name: 'B', external_reference_id: null })!;
    expect(u1).to.include({ name: 'B', external_reference_id: 'a', created_at: g.created_at });
    expect(Date.parse(u1.updated_at!)).to.equal(Date.parse(g.updated_at!) + 1);
    tick(5000);
    const u2 = state.updateGroup('org_a', g.id, {})!;
    expect(Date.parse(u2.updated_at!)).to.equal(Date.parse(g.created_at!) + 5000);
    expect(state.updateGroup('org_b', g.id, { name: 'X' })).to.equal(undefined);
  });

  it('keeps a batch in flight until its delay has passed, then processes it', () => {
    const { state, tick } = setup(100);
    const g = state.createGroup('org_a', { name: 'A', external_reference_id: 'a' });
    const sub = state.acceptSync('org_a', g.id, [member('E1', 'pln_a')])!;
    expect(sub).to.deep.equal({ request_id: 'grpmsr_2', group_id: g.id, accepted_at: '2026-01-15T10:30:00.000Z' });
    tick(99);
    state.processDue();
    expect(state.getSync('org_a', g.id, sub.request_id)).to.include({ completed_at: null, results: null });
    expect(state.pendingCount()).to.equal(1);
    tick(1);
    state.processDue();
    const done = state.getSync('org_a', g.id, sub.request_id)!;
    expect(done.completed_at).to.equal('2026-01-15T10:30:00.100Z');
    expect(done.results).to.deep.equal({ added_group_member_ids: ['grpmbr_3'], removed_group_member_ids: [], failures: [] });
    expect(state.pendingCount()).to.equal(0);
    expect(state.getSync('org_b', g.id, sub.request_id)).to.equal(undefined);
    expect(state.acceptSync('org_b', g.id, [])).to.equal(undefined);
  });

  it('processes batches in acceptance order when a later timer fires first', () => {
    const { state } = setup(0);
    const g = state.createGroup('org_a', { name: 'A', external_reference_id: 'a' });
    const first = state.acceptSync('org_a', g.id, [member('E1', 'pln_a')])!;
    const second = state.acceptSync('org_a', g.id, [member('E1', 'pln_b')])!;
    state.processThrough(second.request_id);
    expect(state.getSync('org_a', g.id, first.request_id)!.results!.added_group_member_ids).to.deep.equal(['grpmbr_4']);
    expect(state.getSync('org_a', g.id, second.request_id)!.results).to.deep.equal({
      added_group_member_ids: ['grpmbr_5'],
      removed_group_member_ids: ['grpmbr_4'],
      failures: [],
    });
    expect(state.members(g.id).map((m) => [m.id, m.plan_id])).to.deep.equal([['grpmbr_5', 'pln_b']]);
  });

  it('upserts by reference_id and treats normalised-equal members as unchanged', () => {
    const { state } = setup(0);
    const g = state.createGroup('org_a', { name: 'A', external_reference_id: 'a' });
    const run = (members: unknown[]) => {
      const sub = state.acceptSync('org_a', g.id, members)!;
      state.processThrough(sub.request_id);
      return state.getSync('org_a', g.id, sub.request_id)!.results!;
    };
    run([member('A', 'pln_a'), member('B', 'pln_a')]);
    const [a, b] = state.members(g.id);
    // same data written differently: formatted phone, lower-case state, keys in another order, email null vs absent
    const sameA = member('A', 'pln_a', { phone: '+1 (415) 555-0100' });
    (sameA['address'] as Record<string, unknown>)['state'] = 'ca';
    const r = run([sameA, member('B', 'pln_a', { email: null })]);
    expect(r.added_group_member_ids).to.have.length(1);
    expect(r.removed_group_member_ids).to.deep.equal([b!.id]);
    expect(state.members(g.id).find((m) => m.reference_id === 'A')!.id).to.equal(a!.id);
    expect(state.members(g.id).find((m) => m.reference_id === 'B')!.email).to.equal(null);
    const again = run([member('B', 'pln_a', { email: null })]);
    expect(again).to.deep.equal({ added_group_member_ids: [], removed_group_member_ids: [], failures: [] });
    expect(state.stats()).to.deep.equal({ batchesAccepted: 3, batchesProcessed: 3, duplicateBatches: 0 });
    run([member('B', 'pln_a', { email: null })]);
    expect(state.stats().duplicateBatches).to.equal(1);
  });

  it('fails members with a missing reference_id, unknown plans (also other organizations\' plans) and repeats', () => {
    const { state } = setup(0);
    const g = state.createGroup('org_a', { name: 'A', external_reference_id: 'a' });
    const sub = state.acceptSync('org_a', g.id, [
      member('A', 'pln_x'),
      member('', 'pln_a'),
      member('B', 'pln_a'),
      member('B', 'pln_a'),
      member('B', 'pln_b'),
    ])!;
    state.processDue();
    expect(state.getSync('org_a', g.id, sub.request_id)!.results!.failures).to.deep.equal([
      { reference_id: 'A', operation: 'add', reason: 'Invalid plan_id' },
      { reference_id: '', operation: 'add', reason: 'Invalid member: reference_id must not be empty' },
      { reference_id: 'B', operation: 'add', reason: 'Duplicate reference_id in payload' },
      { reference_id: 'B', operation: 'add', reason: 'Duplicate reference_id in payload' },
    ]);
    expect(state.members(g.id).map((m) => m.reference_id)).to.deep.equal(['B']);
  });
});
