import { expect } from 'chai';
import * as net from 'node:net';
import { isRight } from 'fp-ts/Either';
import { Group, GroupPage, SyncRequest, SyncSubmission } from '../../lib/codecs';
import { DEMO_API_KEY, startEmulator, type Emulator } from '../../lib/emulator';
import { EmulatorServer } from '../../lib/emulator/server';
import { call, j, member, outcome, waitForSync, type Call, type Reply } from './http';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

const expectError = (reply: Reply, status: number, type?: string): void => {
  expect(reply.status, reply.text).to.equal(status);
  expect(reply.headers['content-type']).to.match(/^application\/json/);
  const error = j(reply.json).error;
  expect(error, reply.text).to.be.an('object');
  expect(error.type).to.be.a('string');
  expect(error.message).to.be.a('string').and.not.equal('');
  if (type !== undefined) expect(error.type).to.equal(type);
};

describe('startEmulator', () => {
  let emu: Emulator;
  const send = (c: Call): Promise<Reply> => call(emu.url, emu.apiKey, c);
  const createGroup = async (name = 'Tier 1', ref = 'seg_1'): Promise<string> => {
    const reply = await send({ method: 'POST', path: '/v1/groups', body: { name, external_reference_id: ref } });
    expect(reply.status, reply.text).to.equal(201);
    return String(j(reply.json).data.id);
  };
  const submit = (groupId: string, members: unknown, headers?: Record<string, string>): Promise<Reply> =>
    send({ method: 'POST', path: `/v1/groups/${groupId}/members/sync`, body: { members }, headers });

  beforeEach(async () => {
    emu = await startEmulator({ processingDelayMs: 5 });
  });
  afterEach(() => emu.stop());

  describe('options and lifecycle', () => {
    it('listens on a free loopback port with the fixed demo organization by default', () => {
      expect(emu.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(emu.apiKey).to.equal(DEMO_API_KEY).and.equal('vc_test_emulator_demo_key');
      expect(emu.organizationId).to.match(/^org_/);
      expect(emu.planIds.length).to.be.at.least(2);
      for (const plan of emu.planIds) expect(plan).to.match(/^pln_/);
    });

    it('replaces the demo organization with the given ones and scopes groups to each', async () => {
      const custom = await startEmulator({
        organizations: [
          { apiKey: 'key-a', id: 'org_a', planIds: ['pln_a1'] },
          { apiKey: 'key-b' },
        ],
        processingDelayMs: 0,
      });
      try {
        expect(custom).to.include({ apiKey: 'key-a', organizationId: 'org_a' });
        expect(custom.planIds).to.deep.equal(['pln_a1']);
        expect((await call(custom.url, DEMO_API_KEY, { path: '/v1/groups' })).status).to.equal(401);
        const created = await call(custom.url, 'key-a', {
          method: 'POST',
          path: '/v1/groups',
          body: { name: 'A', external_reference_id: 'a' },
        });
        const id = String(j(created.json).data.id);
        expect(j(created.json).data.organization_id).to.equal('org_a');
        const asB = await call(custom.url, 'key-b', { path: `/v1/groups/${id}` });
        expectError(asB, 404, 'not_found_error');
        const listB = await call(custom.url, 'key-b', { path: '/v1/groups' });
        expect(j(listB.json).pagination.total).to.equal(0);
        // org b's own plans were generated and a's plan is not valid for b
        const groupB = await call(custom.url, 'key-b', { method: 'POST', path: '/v1/groups', body: { name: 'B', external_reference_id: 'b' } });
        const gid = String(j(groupB.json).data.id);
        const sub = await call(custom.url, 'key-b', { method: 'POST', path: `/v1/groups/${gid}/members/sync`, body: { members: [member('E1', 'pln_a1')] } });
        const done = await waitForSync(custom.url, 'key-b', gid, String(j(sub.json).data.request_id));
        expect(j(done.json).data.results.failures).to.deep.equal([{ reference_id: 'E1', operation: 'add', reason: 'Invalid plan_id' }]);
      } finally {
        await custom.stop();
      }
    });

    it('rejects bad options with a clear error', async () => {
      const attempts: Array<[Parameters<typeof startEmulator>[0], RegExp]> = [
        [{ organizations: [] }, /at least one organization/],
        [{ organizations: [{ apiKey: 'k' }, { apiKey: 'k' }] }, /used by another organization/],
        [{ organizations: [{ apiKey: 'k', planIds: ['plan_1'] }] }, /pln_/],
        [{ maxMembersPerSync: 0 }, /maxMembersPerSync/],
        [{ processingDelayMs: -1 }, /processingDelayMs/],
        [{ faults: { errorRate: 2 } }, /errorRate/],
        [{ rateLimit: { requestsPerSecond: 0, burst: 1 } }, /requestsPerSecond/],
      ];
      for (const [options, message] of attempts) {
        let error: unknown;
        try {
          const started = await startEmulator(options);
          await started.stop();
        } catch (e) {
          error = e;
        }
        expect(error, JSON.stringify(options)).to.be.instanceOf(Error);
        expect((error as Error).message).to.match(message);
      }
    });

    it('stop() closes idle keep-alive connections, is safe twice, and refuses new connections', async () => {
      const other = await startEmulator();
      const port = Number(new URL(other.url).port);
      const socket = net.connect(port, '127.0.0.1');
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      const answered = new Promise<string>((resolve) => socket.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1'))));
      socket.write(`GET /v1/groups HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${other.apiKey}\r\n\r\n`);
      expect(await answered).to.match(/^HTTP\/1\.1 200 /);
      expect(socket.destroyed, 'kept alive after its answer').to.equal(false);
      await other.stop();
      await other.stop();
      await closed; // the server closed the idle connection (mocha's timeout catches a hang)
      expect(await outcome(call(other.url, other.apiKey, { path: '/v1/groups' }))).to.equal('dropped');
    });

    it('drops batches still in flight when stopped', async () => {
      const slow = await startEmulator({ processingDelayMs: 60_000 });
      const created = await call(slow.url, slow.apiKey, { method: 'POST', path: '/v1/groups', body: { name: 'G', external_reference_id: 'g' } });
      const gid = String(j(created.json).data.id);
      const sub = await call(slow.url, slow.apiKey, { method: 'POST', path: `/v1/groups/${gid}/members/sync`, body: { members: [member('E1', slow.planIds[0]!)] } });
      expect(sub.status).to.equal(202);
      await slow.stop(); // would hang mocha for 60 s if the timer survived
      expect(slow.stats().batchesProcessed).to.equal(0);
    });
  });

  describe('groups', () => {
    it('creates a group: 201 with the Group envelope field by field', async () => {
      const reply = await send({ method: 'POST', path: '/v1/groups', body: { name: 'Tier 1', external_reference_id: 'mol_seg_001' } });
      expect(reply.status).to.equal(201);
      expect(reply.headers['content-type']).to.match(/^application\/json/);
      expect(reply.headers['x-request-id']).to.match(/^req_\w+$/);
      const data = j(reply.json).data;
      expect(Object.keys(j(reply.json))).to.deep.equal(['data']);
      expect(Object.keys(data).sort()).to.deep.equal(
        ['created_at', 'external_reference_id', 'id', 'name', 'organization_id', 'updated_at'],
      );
      expect(data.id).to.match(/^grp_[a-z0-9]+$/);
      expect(data.organization_id).to.equal(emu.organizationId);
      expect(data).to.include({ name: 'Tier 1', external_reference_id: 'mol_seg_001' });
      expect(data.created_at).to.match(ISO_UTC);
      expect(data.updated_at).to.equal(data.created_at);
      expect(isRight(Group.decode(data))).to.equal(true);
    });

    it('retrieves a group and moves updated_at (only) on PATCH', async () => {
      const id = await createGroup('Tier 1', 'mol_seg_001');
      const before = j((await send({ path: `/v1/groups/${id}` })).json).data;
      const patched = await send({ method: 'PATCH', path: `/v1/groups/${id}`, body: { name: 'Tier 1 (renamed)' } });
      expect(patched.status).to.equal(200);
      const after = j(patched.json).data;
      expect(after).to.include({ id, name: 'Tier 1 (renamed)', external_reference_id: 'mol_seg_001', created_at: before.created_at });
      expect(after.updated_at).to.match(ISO_UTC);
      expect(Date.parse(String(after.updated_at))).to.be.above(Date.parse(String(before.updated_at)));
      const again = await send({ method: 'PATCH', path: `/v1/groups/${id}`, body: { external_reference_id: 'mol_seg_001_v2' } });
      expect(j(again.json).data).to.include({ name: 'Tier 1 (renamed)', external_reference_id: 'mol_seg_001_v2' });
      expect(j((await send({ path: `/v1/groups/${id}` })).json).data).to.deep.equal(j(again.json).data);
    });

    it('lists in creation order with correct pagination arithmetic, a last partial page and a page past the end', async () => {
      const empty = await send({ path: '/v1/groups' });
      expect(j(empty.json)).to.deep.equal({ data: [], pagination: { page: 1, limit: 20, total: 0, total_pages: 0 } });
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) ids.push(await createGroup(`G${i}`, `ref_${i}`));
      const pages: string[] = [];
      for (let page = 1; page <= 3; page++) {
        const reply = await send({ path: `/v1/groups?limit=3&page=${page}` });
        expect(reply.status).to.equal(200);
        expect(isRight(GroupPage.decode(reply.json))).to.equal(true);
        expect(j(reply.json).pagination).to.deep.equal({ page, limit: 3, total: 7, total_pages: 3 });
        for (const g of (reply.json as { data: Array<{ id: string }> }).data) pages.push(g.id);
      }
      expect(pages).to.deep.equal(ids);
      const last = await send({ path: '/v1/groups?limit=3&page=3' });
      expect(j(last.json).data).to.have.length(1);
      const past = await send({ path: '/v1/groups?limit=3&page=4' });
      expect(j(past.json)).to.deep.equal({ data: [], pagination: { page: 4, limit: 3, total: 7, total_pages: 3 } });
      const defaults = await send({ path: '/v1/groups' });
      expect(j(defaults.json).pagination).to.deep.equal({ page: 1, limit: 20, total: 7, total_pages: 1 });
      const hundred = await send({ path: '/v1/groups?limit=100' });
      expect(j(hundred.json).pagination.limit).to.equal(100);
    });

    it('answers 400 for limit 0 or 101, page 0, non-numeric or repeated values', async () => {
      for (const query of ['limit=0', 'limit=101', 'page=0', 'limit=abc', 'page=1.5', 'page=-1', 'limit=', 'limit=5&limit=6']) {
        const reply = await send({ path: `/v1/groups?${query}` });
        expectError(reply, 400, 'invalid_request_error');
        expect(j(reply.json).error.details, query).to.be.an('array').with.length.above(0);
      }
    });

    it('answers 404 for an unknown group, on GET and PATCH', async () => {
      expectError(await send({ path: '/v1/groups/grp_doesnotexist' }), 404, 'not_found_error');
      expectError(
        await send({ method: 'PATCH', path: '/v1/groups/grp_doesnotexist', body: { name: 'x' } }),
        404,
        'not_found_error',
      );
    });

    it('answers 422 with the error body for bad create and update bodies', async () => {
      const bad: Array<[unknown, string]> = [
        [{ external_reference_id: 'r' }, 'name'],
        [{ name: 'n' }, 'external_reference_id'],
        [{ name: 42, external_reference_id: 'r' }, 'name'],
        [{ name: '   ', external_reference_id: 'r' }, 'name'],
        [{ name: 'n', external_reference_id: ['r'] }, 'external_reference_id'],
      ];
      for (const [body, path] of bad) {
        const reply = await send({ method: 'POST', path: '/v1/groups', body });
        expectError(reply, 422, 'validation_error');
        expect(j(reply.json).error.details[0]!.path, JSON.stringify(body)).to.equal(path);
      }
      const id = await createGroup();
      const patch = await send({ method: 'PATCH', path: `/v1/groups/${id}`, body: { name: '' } });
      expectError(patch, 422, 'validation_error');
      expect(j(patch.json).error.message).to.match(/name must not be empty/);
      expect(j((await send({ path: '/v1/groups' })).json).pagination.total).to.equal(1);
    });

    it('answers 400 for malformed JSON, an empty body or a non-object body, and keeps serving', async () => {
      for (const body of ['{"name": "x",', 'not json', '', '[1,2]', 'null', '"text"']) {
        const reply = await send({ method: 'POST', path: '/v1/groups', body });
        expectError(reply, 400, 'invalid_request_error');
      }
      expect((await send({ path: '/v1/groups' })).status).to.equal(200);
    });
  });

  describe('authentication and routing', () => {
    it('answers 401 without a key, with a wrong key, or with another scheme, and never echoes the key', async () => {
      for (const c of [
        { path: '/v1/groups', apiKey: null },
        { path: '/v1/groups', apiKey: 'vc_wrong_key_123' },
        { path: '/v1/groups', apiKey: null, headers: { authorization: `Basic ${DEMO_API_KEY}` } },
        { method: 'POST', path: '/v1/groups', apiKey: null, body: { name: 'n', external_reference_id: 'r' } },
      ]) {
        const reply = await send(c);
        expectError(reply, 401, 'authentication_error');
        expect(reply.text).not.to.include('vc_wrong_key_123');
        expect(reply.headers['x-request-id']).to.match(/^req_/);
      }
      expect(j((await send({ path: '/v1/groups' })).json).pagination.total).to.equal(0);
    });

    it('answers 404 with the error body for unknown routes and 405 for a wrong method', async () => {
      for (const path of ['/', '/v2/groups', '/v1/groups/', '/v1/groups/grp_1/members', '/v1/groups/grp_1/x/sync', '/v1/groups//members/sync'])
        expectError(await send({ path }), 404, 'not_found_error');
      const wrong = await send({ method: 'DELETE', path: '/v1/groups' });
      expectError(wrong, 405);
      expect(wrong.headers['allow']).to.equal('GET, POST');
      const stats = emu.stats();
      expect(stats.byRoute['GET (unknown)']).to.deep.equal({ '404': 6 });
      expect(stats.byRoute['DELETE /v1/groups']).to.deep.equal({ '405': 1 });
    });

    it('answers 413 with the error body for a body over the size limit, without crashing', async () => {
      const server = new EmulatorServer({
        organizations: [{ apiKey: 'k', id: 'org_1', planIds: ['pln_1'] }],
        processingDelayMs: 0,
        maxMembersPerSync: 10,
        maxBodyBytes: 1024,
      });
      const url = await server.listen(0, '127.0.0.1');
      try {
        const reply = await call(url, 'k', { method: 'POST', path: '/v1/groups', body: { name: 'x'.repeat(5000), external_reference_id: 'r' } });
        expectError(reply, 413, 'payload_too_large');
        expect((await call(url, 'k', { path: '/v1/groups' })).status).to.equal(200);
      } finally {
        await server.stop();
      }
    });
  });

  describe('member sync', () => {
    it('accepts a batch with 202 and the submission envelope, then completes it with results', async () => {
      const gid = await createGroup();
      const reply = await submit(gid, [member('EMP-001', emu.planIds[0]!), member('EMP-002', emu.planIds[1]!)]);
      expect(reply.status).to.equal(202);
      expect(Object.keys(j(reply.json).data).sort()).to.deep.equal(['accepted_at', 'group_id', 'request_id']);
      const data = j(reply.json).data;
      expect(data.request_id).to.match(/^grpmsr_[a-z0-9]+$/);
      expect(data.group_id).to.equal(gid);
      expect(data.accepted_at).to.match(ISO_UTC);
      expect(isRight(SyncSubmission.decode(data))).to.equal(true);

      const done = j((await waitForSync(emu.url, emu.apiKey, gid, String(data.request_id))).json).data;
      expect(isRight(SyncRequest.decode(done))).to.equal(true);
      expect(done.completed_at).to.match(ISO_UTC);
      expect(Date.parse(String(done.completed_at))).to.be.at.least(Date.parse(String(data.accepted_at)));
      expect(done.results.removed_group_member_ids).to.deep.equal([]);
      expect(done.results.failures).to.deep.equal([]);
      const stored = emu.members(gid);
      expect(done.results.added_group_member_ids).to.deep.equal(stored.map((m) => m.id));
      expect(stored.map((m) => m.reference_id)).to.deep.equal(['EMP-001', 'EMP-002']);
      for (const m of stored) expect(m.id).to.match(/^grpmbr_[a-z0-9]+$/);
      expect(stored[0]).to.include({ first_name: 'Jane', phone: '4155550100', plan_id: emu.planIds[0] });
    });

    it('keeps completed_at and results null until processingDelayMs has passed on its clock', async () => {
      let now = Date.parse('2026-01-15T10:30:00Z');
      const server = new EmulatorServer({
        organizations: [{ apiKey: 'k', id: 'org_1', planIds: ['pln_1'] }],
        processingDelayMs: 60_000,
        maxMembersPerSync: 10,
        now: () => now,
      });
      const url = await server.listen(0, '127.0.0.1');
      try {
        const created = await call(url, 'k', { method: 'POST', path: '/v1/groups', body: { name: 'G', external_reference_id: 'g' } });
        const gid = String(j(created.json).data.id);
        const sub = j((await call(url, 'k', { method: 'POST', path: `/v1/groups/${gid}/members/sync`, body: { members: [member('E1', 'pln_1')] } })).json).data;
        expect(sub.accepted_at).to.equal('2026-01-15T10:30:00.000Z');
        const path = `/v1/groups/${gid}/members/sync/${sub.request_id}`;
        now += 59_999;
        expect(j((await call(url, 'k', { path })).json)).to.deep.equal({ data: { ...sub, completed_at: null, results: null } });
        now += 1;
        const done = j((await call(url, 'k', { path })).json).data;
        expect(done.completed_at).to.equal('2026-01-15T10:31:00.000Z');
        expect(done.results.added_group_member_ids).to.deep.equal(server.state.members(gid).map((m) => m.id));
      } finally {
        await server.stop();
      }
    });

    it('upserts by reference_id: new added, unchanged nothing, changed old removed and new added', async () => {
      const gid = await createGroup();
      const plan = emu.planIds[0]!;
      const first = await submit(gid, [member('A', plan), member('B', plan), member('C', plan)]);
      const r1 = j((await waitForSync(emu.url, emu.apiKey, gid, String(j(first.json).data.request_id))).json).data.results;
      expect(r1.added_group_member_ids).to.have.length(3);
      const [idA, idB] = emu.members(gid).map((m) => m.id);

      const second = await submit(gid, [
        member('A', plan),
        member('B', plan, { last_name: 'Smith' }),
        member('D', plan),
      ]);
      const r2 = j((await waitForSync(emu.url, emu.apiKey, gid, String(j(second.json).data.request_id))).json).data.results;
      expect(r2.removed_group_member_ids).to.deep.equal([idB]);
      expect(r2.added_group_member_ids).to.have.length(2);
      expect(r2.failures).to.deep.equal([]);
      const now = emu.members(gid);
      expect(now.map((m) => m.reference_id).sort()).to.deep.equal(['A', 'B', 'C', 'D']);
      expect(now.find((m) => m.reference_id === 'A')!.id).to.equal(idA);
      const newB = now.find((m) => m.reference_id === 'B')!;
      expect(newB.last_name).to.equal('Smith');
      expect(newB.id).not.to.equal(idB);
      expect(r2.added_group_member_ids).to.include(newB.id);
      expect(emu.stats()).to.include({ batchesAccepted: 2, batchesProcessed: 2, duplicateBatches: 0 });
    });

    it('fails an unknown plan_id, a repeated reference_id and invalid members, and adds the rest', async () => {
      const gid = await createGroup();
      const plan = emu.planIds[0]!;
      const reply = await submit(gid, [
        member('EMP-001', plan),
        member('EMP-002', 'pln_unknown'),
        member('EMP-001', plan, { first_name: 'Other' }),
        member('EMP-003', plan, { date_of_birth: '1990-02-30', address: { city: 'X', state: 'ZZ', zipcode: '1' } }),
        member('EMP-004', plan, { phone: '(415) 555-0100' }),
      ]);
      const results = j((await waitForSync(emu.url, emu.apiKey, gid, String(j(reply.json).data.request_id))).json).data.results;
      const failures = results.failures as unknown as Array<{ reference_id: string; operation: string; reason: string }>;
      expect(failures.slice(0, 2)).to.deep.equal([
        { reference_id: 'EMP-002', operation: 'add', reason: 'Invalid plan_id' },
        { reference_id: 'EMP-001', operation: 'add', reason: 'Duplicate reference_id in payload' },
      ]);
      expect(failures[2]).to.include({ reference_id: 'EMP-003', operation: 'add' });
      expect(failures[2]!.reason).to.match(/date_of_birth is not a real calendar date/);
      expect(failures[2]!.reason).to.match(/address\.address_line_1 is required/);
      expect(failures[2]!.reason).to.match(/address\.state must be a US state/);
      expect(failures[2]!.reason).to.match(/address\.zipcode must be/);
      expect(failures).to.have.length(3);
      expect(results.added_group_member_ids).to.have.length(2);
      const stored = emu.members(gid);
      expect(stored.map((m) => m.reference_id)).to.deep.equal(['EMP-001', 'EMP-004']);
      expect(stored[0]!.first_name).to.equal('Jane');
      expect(stored[1]!.phone).to.equal('4155550100');
    });

    it('answers 422 for bad sync bodies and creates nothing', async () => {
      const small = await startEmulator({ maxMembersPerSync: 3, processingDelayMs: 0 });
      try {
        const created = await call(small.url, small.apiKey, { method: 'POST', path: '/v1/groups', body: { name: 'G', external_reference_id: 'g' } });
        const gid = String(j(created.json).data.id);
        const plan = small.planIds[0]!;
        const bodies: Array<[unknown, RegExp]> = [
          [{}, /members is required/],
          [{ members: 'everyone' }, /members must be an array, got string/],
          [{ members: {} }, /members must be an array, got object/],
          [{ members: [] }, /at least one member/],
          [{ members: [member('A', plan), 7, null] }, /members\[1\] must be an object, got number; members\[2\] must be an object, got null/],
          [{ members: [1, 2, 3, 4].map((i) => member(`E${i}`, plan)) }, /members has 4 entries; at most 3/],
        ];
        for (const [body, message] of bodies) {
          const reply = await call(small.url, small.apiKey, { method: 'POST', path: `/v1/groups/${gid}/members/sync`, body });
          expectError(reply, 422, 'validation_error');
          expect(j(reply.json).error.message, JSON.stringify(body)).to.match(message);
          expect(j(reply.json).error.details).to.be.an('array');
        }
        expect(small.stats().batchesAccepted).to.equal(0);
      } finally {
        await small.stop();
      }
    });

    it('accepts 1000 members by default and refuses 1001', async () => {
      const gid = await createGroup();
      const plan = emu.planIds[0]!;
      const many = (n: number): unknown[] => Array.from({ length: n }, (_, i) => member(`E${i}`, plan));
      expect((await submit(gid, many(1000))).status).to.equal(202);
      expectError(await submit(gid, many(1001)), 422, 'validation_error');
    });

    it('answers 404 for a sync on an unknown group, another organization\'s group, or an unknown request', async () => {
      const two = await startEmulator({ organizations: [{ apiKey: 'key-a' }, { apiKey: 'key-b' }], processingDelayMs: 0 });
      try {
        const created = await call(two.url, 'key-a', { method: 'POST', path: '/v1/groups', body: { name: 'A', external_reference_id: 'a' } });
        const gid = String(j(created.json).data.id);
        const body = { members: [member('E1', two.planIds[0]!)] };
        expectError(await call(two.url, 'key-b', { method: 'POST', path: `/v1/groups/${gid}/members/sync`, body }), 404, 'not_found_error');
        expectError(await call(two.url, 'key-a', { method: 'POST', path: '/v1/groups/grp_nope/members/sync', body }), 404);
        const sub = await call(two.url, 'key-a', { method: 'POST', path: `/v1/groups/${gid}/members/sync`, body });
        const rid = String(j(sub.json).data.request_id);
        expectError(await call(two.url, 'key-b', { path: `/v1/groups/${gid}/members/sync/${rid}` }), 404);
        expectError(await call(two.url, 'key-a', { path: `/v1/groups/${gid}/members/sync/grpmsr_nope` }), 404);
        const other = await call(two.url, 'key-a', { method: 'POST', path: '/v1/groups', body: { name: 'A2', external_reference_id: 'a2' } });
        expectError(await call(two.url, 'key-a', { path: `/v1/groups/${String(j(other.json).data.id)}/members/sync/${rid}` }), 404);
      } finally {
        await two.stop();
      }
    });

    it('counts a processed batch whose payload equals an earlier one for the group as a duplicate', async () => {
      const gid = await createGroup();
      const batch = [member('A', emu.planIds[0]!)];
      for (let i = 0; i < 2; i++) {
        const reply = await submit(gid, batch);
        await waitForSync(emu.url, emu.apiKey, gid, String(j(reply.json).data.request_id));
      }
      expect(emu.stats()).to.include({ batchesAccepted: 2, batchesProcessed: 2, duplicateBatches: 1 });
      expect(emu.members(gid)).to.have.length(1);
    });
  });

  describe('idempotency keys', () => {
    it('replays the identical status and body with Idempotent-Replayed and creates nothing', async () => {
      const headers = { 'idempotency-key': 'create-1' };
      const body = { name: 'Tier 1', external_reference_id: 'seg' };
      const first = await send({ method: 'POST', path: '/v1/groups', body, headers });
      const second = await send({ method: 'POST', path: '/v1/groups', body: { external_reference_id: 'seg', name: 'Tier 1' }, headers });
      expect(first.headers['idempotent-replayed']).to.equal(undefined);
      expect(second.status).to.equal(first.status);
      expect(second.text).to.equal(first.text);
      expect(second.headers['idempotent-replayed']).to.equal('true');
      expect(second.headers['x-request-id']).not.to.equal(first.headers['x-request-id']);
      expect(j((await send({ path: '/v1/groups' })).json).pagination.total).to.equal(1);

      const gid = String(j(first.json).data.id);
      const members = [member('A', emu.planIds[0]!)];
      const s1 = await submit(gid, members, { 'idempotency-key': 'sync-1' });
      const s2 = await submit(gid, members, { 'idempotency-key': 'sync-1' });
      expect([s1.status, s2.status]).to.deep.equal([202, 202]);
      expect(s2.text).to.equal(s1.text);
      await waitForSync(emu.url, emu.apiKey, gid, String(j(s1.json).data.request_id));
      const stats = emu.stats();
      expect(stats).to.include({ idempotentReplays: 2, batchesAccepted: 1, batchesProcessed: 1, duplicateBatches: 0 });
      expect(emu.members(gid)).to.have.length(1);
    });

    it('answers 422 with a clear message when a key is reused with a different body or path', async () => {
      const headers = { 'idempotency-key': 'k-1' };
      await send({ method: 'POST', path: '/v1/groups', body: { name: 'A', external_reference_id: 'a' }, headers });
      const other = await send({ method: 'POST', path: '/v1/groups', body: { name: 'B', external_reference_id: 'b' }, headers });
      expectError(other, 422, 'idempotency_error');
      expect(j(other.json).error.message).to.match(/Idempotency-Key was already used with a different request/);
      const gid = String(j((await send({ path: '/v1/groups' })).json).data[0]!.id);
      expectError(await submit(gid, [member('A', emu.planIds[0]!)], headers), 422, 'idempotency_error');
      expect(j((await send({ path: '/v1/groups' })).json).pagination.total).to.equal(1);
    });

    it('replays a sync sent again with its members written in another key order, and refuses changed members', async () => {
      const gid = await createGroup();
      const members = [member('A', emu.planIds[0]!), member('B', emu.planIds[0]!)];
      const reordered = members.map((m) => Object.fromEntries(Object.entries(m).reverse()));
      const headers = { 'idempotency-key': 'sync-order' };
      const first = await submit(gid, members, headers);
      const again = await submit(gid, reordered, headers);
      expect(again.status).to.equal(202);
      expect(again.text).to.equal(first.text);
      expect(again.headers['idempotent-replayed']).to.equal('true');
      expectError(await submit(gid, [members[0], member('B', emu.planIds[1]!)], headers), 422, 'idempotency_error');
      await waitForSync(emu.url, emu.apiKey, gid, String(j(first.json).data.request_id));

      // the same payload in another key order, without a key: a second batch, counted as a duplicate
      const other = await submit(gid, reordered);
      const done = await waitForSync(emu.url, emu.apiKey, gid, String(j(other.json).data.request_id));
      expect(j(done.json).data.results).to.deep.equal({ added_group_member_ids: [], removed_group_member_ids: [], failures: [] });
      expect(emu.stats()).to.include({ idempotentReplays: 1, batchesAccepted: 2, batchesProcessed: 2, duplicateBatches: 1 });
      expect(emu.members(gid).map((m) => m.reference_id)).to.deep.equal(['A', 'B']);
    });

    it('scopes keys to the organization', async () => {
      const two = await startEmulator({ organizations: [{ apiKey: 'key-a' }, { apiKey: 'key-b' }] });
      try {
        const c = { method: 'POST', path: '/v1/groups', body: { name: 'A', external_reference_id: 'a' }, headers: { 'idempotency-key': 'same' } };
        const a = await call(two.url, 'key-a', c);
        const b = await call(two.url, 'key-b', c);
        expect([a.status, b.status]).to.deep.equal([201, 201]);
        expect(j(b.json).data.id).not.to.equal(j(a.json).data.id);
        expect(b.headers['idempotent-replayed']).to.equal(undefined);
      } finally {
        await two.stop();
      }
    });

    it('does not store failed answers: a key whose first use got 404 or 422 can be used again', async () => {
      const headers = { 'idempotency-key': 'k-404' };
      expect((await send({ method: 'POST', path: '/v1/groups/grp_nope/members/sync', body: { members: [member('A', 'pln_x')] }, headers })).status).to.equal(404);
      const bad = await send({ method: 'POST', path: '/v1/groups', body: { name: '' }, headers: { 'idempotency-key': 'k-422' } });
      expect(bad.status).to.equal(422);
      const ok = await send({ method: 'POST', path: '/v1/groups', body: { name: 'n', external_reference_id: 'r' }, headers: { 'idempotency-key': 'k-422' } });
      expect(ok.status).to.equal(201);
      expect(emu.stats().idempotentReplays).to.equal(0);
    });

    // a key arriving again while the first request is held: spec/emulator/server.spec.ts (injected timers)

    it('keeps the idempotency table within its bound however many keyed requests it serves', async () => {
      const server = new EmulatorServer({
        organizations: [{ apiKey: 'k', id: 'org_1', planIds: ['pln_1'] }],
        processingDelayMs: 0,
        maxMembersPerSync: 10,
        idempotency: { maxEntries: 25 },
      });
      const url = await server.listen(0, '127.0.0.1');
      try {
        for (let i = 0; i < 120; i++) {
          const reply = await call(url, 'k', { method: 'PATCH', path: '/v1/groups/grp_x', body: { name: `n${i}` }, headers: { 'idempotency-key': `p-${i}` } });
          expect(reply.status).to.equal(404);
        }
        const created = await call(url, 'k', { method: 'POST', path: '/v1/groups', body: { name: 'g', external_reference_id: 'g' } });
        const gid = String(j(created.json).data.id);
        for (let i = 0; i < 120; i++)
          await call(url, 'k', { method: 'PATCH', path: `/v1/groups/${gid}`, body: { name: `n${i}` }, headers: { 'idempotency-key': `k-${i}` } });
        expect(server.idempotency.size('org_1')).to.equal(25);
        // the newest keys are still replayed, the oldest were evicted
        const newest = await call(url, 'k', { method: 'PATCH', path: `/v1/groups/${gid}`, body: { name: 'n119' }, headers: { 'idempotency-key': 'k-119' } });
        expect(newest.headers['idempotent-replayed']).to.equal('true');
        const oldest = await call(url, 'k', { method: 'PATCH', path: `/v1/groups/${gid}`, body: { name: 'n0' }, headers: { 'idempotency-key': 'k-0' } });
        expect(oldest.headers['idempotent-replayed']).to.equal(undefined);
        expect(server.idempotency.size()).to.equal(25);
      } finally {
        await server.stop();
      }
    });
  });

  describe('rate limit', () => {
    it('answers 429 with Retry-After and the error body once a key has used its burst, per key', async () => {
      const limited = await startEmulator({
        organizations: [{ apiKey: 'key-a' }, { apiKey: 'key-b' }],
        rateLimit: { requestsPerSecond: 0.2, burst: 3 },
      });
      try {
        const statuses: number[] = [];
        let last: Reply | undefined;
        for (let i = 0; i < 5; i++) {
          last = await call(limited.url, 'key-a', { path: '/v1/groups' });
          statuses.push(last.status);
        }
        expect(statuses).to.deep.equal([200, 200, 200, 429, 429]);
        expectError(last!, 429, 'rate_limit_error');
        expect(last!.headers['retry-after']).to.match(/^[45]$/);
        expect(last!.headers['retry-after-ms']).to.equal(undefined);
        expect((await call(limited.url, 'key-b', { path: '/v1/groups' })).status).to.equal(200);
        expect(limited.stats().faults.rateLimited).to.equal(2);
        expect(limited.stats().byRoute['GET /v1/groups']).to.deep.equal({ '200': 4, '429': 2 });
      } finally {
        await limited.stop();
      }
    });

    it('sends the exact wait as retry-after-ms beside the whole-second Retry-After when rateLimit.retryAfterMs is set', async () => {
      const limited = await startEmulator({ rateLimit: { requestsPerSecond: 0.4, burst: 1, retryAfterMs: true } });
      try {
        expect((await call(limited.url, limited.apiKey, { path: '/v1/groups' })).status).to.equal(200);
        const reply = await call(limited.url, limited.apiKey, { path: '/v1/groups' });
        expectError(reply, 429, 'rate_limit_error');
        const ms = Number(reply.headers['retry-after-ms']);
        expect(ms).to.be.within(2000, 2500);
        expect(reply.headers['retry-after']).to.equal(String(Math.ceil(ms / 1000)));
      } finally {
        await limited.stop();
      }
    });
  });

  describe('fault injection', () => {
    const sequence = async (target: Emulator, n: number): Promise<Array<number | 'dropped'>> => {
      const out: Array<number | 'dropped'> = [];
      for (let i = 0; i < n; i++) out.push(await outcome(call(target.url, target.apiKey, { path: '/v1/groups' })));
      return out;
    };

    it('is seeded: the same seed gives the same sequence of outcomes, another seed another one', async () => {
      const faults = { seed: 42, errorRate: 0.3, dropRate: 0.2, rateLimitRate: 0.1, retryAfterMs: 1500 };
      const a = await startEmulator({ faults });
      const b = await startEmulator({ faults });
      const c = await startEmulator({ faults: { ...faults, seed: 7 } });
      try {
        const [sa, sb, sc] = [await sequence(a, 40), await sequence(b, 40), await sequence(c, 40)];
        expect(sa).to.deep.equal(sb);
        expect(sa).not.to.deep.equal(sc);
        expect(sa).to.include.members([200, 'dropped', 429]);
        expect(sa.some((s) => s === 500 || s === 503)).to.equal(true);
        const stats = a.stats();
        expect(stats.faults.drops).to.equal(sa.filter((s) => s === 'dropped').length);
        expect(stats.faults.errors).to.equal(sa.filter((s) => s === 500 || s === 503).length);
        expect(stats.faults.rateLimited).to.equal(sa.filter((s) => s === 429).length);
        expect(stats.requests).to.equal(40);
        expect(stats.byRoute['GET /v1/groups']!['dropped']).to.equal(stats.faults.drops);
      } finally {
        await Promise.all([a.stop(), b.stop(), c.stop()]);
      }
    });

    it('answers injected errors and 429s with the JSON error body and retry headers', async () => {
      const faulty = await startEmulator({ faults: { seed: 1, errorRate: 1 } });
      try {
        const reply = await call(faulty.url, faulty.apiKey, { path: '/v1/groups' });
        expect([500, 503]).to.include(reply.status);
        expectError(reply, reply.status);
        faulty.setFaults({ rateLimitRate: 1, retryAfterMs: 2500 });
        const limited = await call(faulty.url, faulty.apiKey, { path: '/v1/groups' });
        expectError(limited, 429, 'rate_limit_error');
        expect(limited.headers['retry-after-ms']).to.equal('2500');
        expect(limited.headers['retry-after']).to.equal('3');
      } finally {
        await faulty.stop();
      }
    });

    it('setFaults changes faults on a running emulator and restarts the seeded sequence', async () => {
      expect(await sequence(emu, 5)).to.deep.equal([200, 200, 200, 200, 200]);
      emu.setFaults({ seed: 9, errorRate: 0.5 });
      const first = await sequence(emu, 12);
      emu.setFaults({ seed: 9, errorRate: 0.5 });
      expect(await sequence(emu, 12)).to.deep.equal(first);
      expect(first.some((s) => s !== 200)).to.equal(true);
      emu.setFaults({ dropRate: 1 });
      expect(await sequence(emu, 2)).to.deep.equal(['dropped', 'dropped']);
      emu.setFaults(undefined);
      expect(await sequence(emu, 3)).to.deep.equal([200, 200, 200]);
      expect(() => emu.setFaults({ dropRate: -0.1 })).to.throw(RangeError, /dropRate/);
    });

    it('drops a keyed sync before or after it takes effect, and a retry with the key never creates twice', async () => {
      const gid = await createGroup();
      const plan = emu.planIds[0]!;
      emu.setFaults({ seed: 13, dropRate: 0.5 });
      const phases = new Set<string>();
      for (let batch = 0; batch < 12; batch++) {
        const members = [member(`E${batch}`, plan)];
        const headers = { 'idempotency-key': `batch-${batch}` };
        const acceptedBefore = emu.stats().batchesAccepted;
        let reply: Reply | undefined;
        for (let attempt = 0; attempt < 20 && reply === undefined; attempt++) {
          const acceptedBeforeAttempt = emu.stats().batchesAccepted;
          try {
            reply = await submit(gid, members, headers);
          } catch {
            // a drop of a first submission: did the batch take effect before the connection died?
            if (acceptedBeforeAttempt === acceptedBefore)
              phases.add(emu.stats().batchesAccepted > acceptedBefore ? 'after' : 'before');
          }
        }
        expect(reply?.status).to.equal(202);
        expect(emu.stats().batchesAccepted).to.equal(acceptedBefore + 1);
      }
      expect([...phases].sort()).to.deep.equal(['after', 'before']);
      emu.setFaults(undefined);
      const stats = emu.stats();
      expect(stats.batchesAccepted).to.equal(12);
      expect(stats.idempotentReplays).to.be.above(0);
      expect(stats.faults.drops).to.be.above(0);
    });
  });

  describe('stats', () => {
    it('counts requests by route and status', async () => {
      const gid = await createGroup();
      await send({ path: `/v1/groups/${gid}` });
      await send({ path: '/v1/groups/grp_nope' });
      await send({ method: 'PATCH', path: `/v1/groups/${gid}`, body: { name: 'x' } });
      await send({ path: '/v1/groups', apiKey: null });
      const sub = await submit(gid, [member('A', emu.planIds[0]!)]);
      await waitForSync(emu.url, emu.apiKey, gid, String(j(sub.json).data.request_id));
      const stats = emu.stats();
      expect(stats.byRoute['POST /v1/groups']).to.deep.equal({ '201': 1 });
      expect(stats.byRoute['GET /v1/groups/:id']).to.deep.equal({ '200': 1, '404': 1 });
      expect(stats.byRoute['PATCH /v1/groups/:id']).to.deep.equal({ '200': 1 });
      expect(stats.byRoute['GET /v1/groups']).to.deep.equal({ '401': 1 });
      expect(stats.byRoute['POST /v1/groups/:id/members/sync']).to.deep.equal({ '202': 1 });
      const polls = stats.byRoute['GET /v1/groups/:id/members/sync/:request_id']!['200']!;
      expect(stats.requests).to.equal(6 + polls);
      expect(stats).to.include({ idempotentReplays: 0, batchesAccepted: 1, batchesProcessed: 1, duplicateBatches: 0 });
      expect(stats.faults).to.deep.equal({ errors: 0, drops: 0, rateLimited: 0 });
    });
  });
});
