import { expect } from 'chai';
import { connect } from 'node:net';
import { firstValueFrom } from 'rxjs';
import { createClient } from '../../lib';
import { EmulatorServer, type EmulatorServerOptions } from '../../lib/emulator/server';
import { call, j, member, outcome, type Call, type Reply } from './http';
import { manualTimers } from './manual-timers';

const ORG = { apiKey: 'k', id: 'org_1', planIds: ['pln_1'] };

interface Running {
  readonly server: EmulatorServer;
  readonly url: string;
  readonly send: (c: Call) => Promise<Reply>;
}

const started: EmulatorServer[] = [];

const start = async (options: Partial<EmulatorServerOptions> = {}): Promise<Running> => {
  const server = new EmulatorServer({ organizations: [ORG], processingDelayMs: 0, maxMembersPerSync: 10, ...options });
  started.push(server);
  const url = await server.listen(0, '127.0.0.1');
  return { server, url, send: (c) => call(url, ORG.apiKey, c) };
};

const expectError = (reply: Reply, status: number, type: string): void => {
  expect(reply.status, reply.text).to.equal(status);
  expect(reply.headers['content-type']).to.match(/^application\/json/);
  expect(j(reply.json).error.type, reply.text).to.equal(type);
  expect(j(reply.json).error.message).to.be.a('string').and.not.equal('');
};

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

describe('EmulatorServer', () => {
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.stop()));
  });

  describe('parsing each request once', () => {
    it('parses every request of a full conformance run exactly once, whatever its answer', async () => {
      const parses = new Map<string, number>();
      const onParse = (requestId: string): void => void parses.set(requestId, (parses.get(requestId) ?? 0) + 1);
      const { server, url, send } = await start({ onParse, maxBodyBytes: 64 * 1024 });
      const limited = await start({ onParse, rateLimit: { requestsPerSecond: 0.001, burst: 1 } });
      const seen: Array<{ reply: Reply; expected: number }> = [];
      const expectStatus = async (c: Call, expected: number, via = send): Promise<Reply> => {
        const reply = await via(c);
        expect(reply.status, `${c.method ?? 'GET'} ${c.path}: ${reply.text}`).to.equal(expected);
        seen.push({ reply, expected });
        return reply;
      };

      // every route, answered
      await expectStatus({ path: '/v1/groups' }, 200);
      const created = await expectStatus({ method: 'POST', path: '/v1/groups', body: { name: 'G', external_reference_id: 'g' } }, 201);
      const gid = String(j(created.json).data.id);
      await expectStatus({ path: `/v1/groups/${gid}` }, 200);
      await expectStatus({ method: 'PATCH', path: `/v1/groups/${gid}`, body: { name: 'G2' } }, 200);
      await expectStatus({ path: '/v1/groups?page=1&limit=100' }, 200);
      const sync = `/v1/groups/${gid}/members/sync`;
      const submitted = await expectStatus({ method: 'POST', path: sync, body: { members: [member('E1', 'pln_1')] } }, 202);
      await expectStatus({ path: `${sync}/${String(j(submitted.json).data.request_id)}` }, 200);
      // idempotency: first use, replay, conflict
      const keyed = { method: 'POST', path: '/v1/groups', headers: { 'idempotency-key': 'conf-1' } };
      await expectStatus({ ...keyed, body: { name: 'K', external_reference_id: 'k' } }, 201);
      const replayed = await expectStatus({ ...keyed, body: { external_reference_id: 'k', name: 'K' } }, 201);
      expect(replayed.headers['idempotent-replayed']).to.equal('true');
      await expectStatus({ ...keyed, body: { name: 'other', external_reference_id: 'k' } }, 422);
      await expectStatus({ method: 'POST', path: sync, body: { members: [member('E2', 'pln_1')] }, headers: { 'idempotency-key': 's-1' } }, 202);
      await expectStatus({ method: 'POST', path: sync, body: { members: [member('E2', 'pln_1')] }, headers: { 'idempotency-key': 's-1' } }, 202);
      // every refusal
      for (const path of ['/', '//v1/groups', '/v1/groups/', '/v1/./groups', '/v1/groups/%zz', `${sync}/x/y`])
        await expectStatus({ path }, 404);
      await expectStatus({ path: '/v1/groups/grp_nope' }, 404);
      await expectStatus({ path: `${sync}/grpmsr_nope` }, 404);
      await expectStatus({ method: 'DELETE', path: '/v1/groups' }, 405);
      await expectStatus({ path: '/v1/groups', apiKey: null }, 401);
      await expectStatus({ path: '/v1/groups', apiKey: 'wrong' }, 401);
      await expectStatus({ path: '/v1/groups?limit=0' }, 400);
      for (const body of ['{', '', '[1]', nested(40)]) await expectStatus({ method: 'POST', path: '/v1/groups', body }, 400);
      await expectStatus({ method: 'POST', path: '/v1/groups', body: 'name=G', headers: { 'content-type': 'text/plain' } }, 415);
      await expectStatus({ method: 'POST', path: '/v1/groups', body: { name: '' } }, 422);
      await expectStatus({ method: 'POST', path: sync, body: { members: [{ first_name: 'no reference' }] } }, 422);
      await expectStatus({ method: 'POST', path: sync, body: { members: ['x'] } }, 422);
      await expectStatus({ method: 'POST', path: '/v1/groups', body: { name: 'G', external_reference_id: 'g' }, headers: { 'idempotency-key': 'x'.repeat(256) } }, 400);
      await expectStatus({ method: 'POST', path: '/v1/groups', body: { name: 'x'.repeat(70_000), external_reference_id: 'g' } }, 413);
      // the rate limit and every injected fault
      await expectStatus({ path: '/v1/groups' }, 200, limited.send);
      await expectStatus({ path: '/v1/groups' }, 429, limited.send);
      server.setFaults({ errorRate: 1 });
      expect([500, 503]).to.include((await send({ path: '/v1/groups' })).status);
      server.setFaults({ rateLimitRate: 1 });
      await expectStatus({ path: '/v1/groups' }, 429);
      server.setFaults({ dropRate: 1 });
      expect(await outcome(send({ path: '/v1/groups' }))).to.equal('dropped');
      server.setFaults(undefined);
      // and the library's own client over every endpoint
      const client = createClient({ baseURL: url, apiKey: ORG.apiKey, maxRetries: 0 });
      const group = await firstValueFrom(client.groups.create({ name: 'C', external_reference_id: 'c' }));
      await firstValueFrom(client.groups.list({ limit: 5 }));
      await firstValueFrom(client.groups.retrieve(group.id));
      await firstValueFrom(client.groups.update(group.id, { name: 'C2' }));
      const sub = await firstValueFrom(client.members.sync.submit(group.id, { members: [member('E9', 'pln_1') as never] }));
      await firstValueFrom(client.members.sync.retrieve(group.id, sub.request_id));

      const requests = server.stats().requests + limited.server.stats().requests;
      expect(requests).to.be.at.least(45);
      expect(parses.size, 'every request parsed').to.equal(requests);
      expect([...parses.values()].filter((n) => n !== 1), 'parsed more than once').to.deep.equal([]);
      for (const { reply } of seen) expect(parses.get(String(reply.headers['x-request-id']))).to.equal(1);
    });
  });

  describe('requests that are not HTTP', () => {
    it('answers a request Node cannot parse with a 400 and the JSON error body, then closes the connection', async () => {
      const { url } = await start();
      const { port } = new URL(url);
      const raw = await new Promise<string>((resolve, reject) => {
        let text = '';
        const socket = connect(Number(port), '127.0.0.1', () => socket.write('GET /v1/groups HTTP/1.1\r\nHost x\r\n\r\n'));
        socket.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve(text)).on('error', reject);
      });
      const [head, body] = raw.split('\r\n\r\n') as [string, string];
      expect(head).to.match(/^HTTP\/1\.1 400 Bad Request\r\n/).and.match(/\r\ncontent-type: application\/json\r\n/);
      expect(head).to.contain(`content-length: ${Buffer.byteLength(body)}`);
      expect(JSON.parse(body)).to.deep.equal({ error: { type: 'invalid_request_error', message: 'Malformed HTTP request' } });
    });
  });

  describe('refusals at submit (a payload refused whole creates nothing)', () => {
    it('answers 422 for a sync member without a non-empty string reference_id, naming each', async () => {
      const { server, send } = await start();
      const gid = String(j((await send({ method: 'POST', path: '/v1/groups', body: { name: 'G', external_reference_id: 'g' } })).json).data.id);
      const { reference_id: _dropped, ...noRef } = member('E1', 'pln_1');
      const reply = await send({
        method: 'POST',
        path: `/v1/groups/${gid}/members/sync`,
        body: { members: [member('OK', 'pln_1'), noRef, member('', 'pln_1'), member('  ', 'pln_1'), member(7 as never, 'pln_1'), null] },
      });
      expectError(reply, 422, 'validation_error');
      expect(j(reply.json).error.details).to.deep.equal([
        { path: 'members[1].reference_id', message: 'members[1].reference_id is required' },
        { path: 'members[2].reference_id', message: 'members[2].reference_id must not be empty' },
        { path: 'members[3].reference_id', message: 'members[3].reference_id must not be empty' },
        { path: 'members[4].reference_id', message: 'members[4].reference_id must be a string, got number' },
        { path: 'members[5]', message: 'members[5] must be an object, got null' },
      ]);
      expect(server.stats().batchesAccepted).to.equal(0);
    });

    it('answers 400 for a body nested deeper than 32 levels (5,000 arrays in a member field), and keeps serving', async () => {
      const { server, send } = await start();
      const gid = String(j((await send({ method: 'POST', path: '/v1/groups', body: { name: 'G', external_reference_id: 'g' } })).json).data.id);
      const deep = JSON.stringify({ members: [member('E1', 'pln_1')] }).replace('"Jane"', nested(5000));
      const reply = await send({ method: 'POST', path: `/v1/groups/${gid}/members/sync`, body: deep });
      expectError(reply, 400, 'invalid_request_error');
      expect(j(reply.json).error.message).to.equal('Request body is nested deeper than 32 levels');
      // 32 levels is still a body: { members: [ { first_name: [ …29 arrays… ] } ] }
      const deepest = JSON.stringify({ members: [member('E1', 'pln_1')] }).replace('"Jane"', nested(29));
      expect((await send({ method: 'POST', path: `/v1/groups/${gid}/members/sync`, body: deepest })).status).to.equal(202);
      expect(server.stats().batchesAccepted).to.equal(1);
    });

    it('answers 415 for a Content-Type other than JSON and accepts JSON media types with parameters', async () => {
      const { server, send } = await start();
      const body = JSON.stringify({ name: 'G', external_reference_id: 'g' });
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonp', 'multipart/form-data; boundary=x']) {
        const reply = await send({ method: 'POST', path: '/v1/groups', body, headers: { 'content-type': type } });
        expectError(reply, 415, 'unsupported_media_type');
      }
      for (const type of ['application/json', 'Application/JSON; charset=utf-8', 'application/merge-patch+json'])
        expect((await send({ method: 'POST', path: '/v1/groups', body, headers: { 'content-type': type } })).status).to.equal(201);
      expect(server.state.listGroups('org_1', 1, 100).pagination.total).to.equal(3);
    });

    it('routes the path as sent: //v1/groups, dot segments and empty segments are 404', async () => {
      const { send } = await start();
      for (const path of ['//v1/groups', '/v1//groups', '/v1/groups/../groups', '/./v1/groups', '/v1/groups//members/sync'])
        expectError(await send({ path }), 404, 'not_found_error');
      expect((await send({ path: '/v1/groups' })).status).to.equal(200);
    });
  });

  describe('dates of birth', () => {
    it('accepts 1900-01-01 up to today on its own clock and fails earlier or later dates', async () => {
      const now = Date.parse('2030-06-15T23:59:59Z');
      const { server, send } = await start({ now: () => now });
      const gid = String(j((await send({ method: 'POST', path: '/v1/groups', body: { name: 'G', external_reference_id: 'g' } })).json).data.id);
      const dates = { A: '1900-01-01', B: '2030-06-15', C: '1899-12-31', D: '2030-06-16', E: '0099-01-01' };
      const members = Object.entries(dates).map(([ref, date_of_birth]) => member(ref, 'pln_1', { date_of_birth }));
      const sub = await send({ method: 'POST', path: `/v1/groups/${gid}/members/sync`, body: { members } });
      expect(sub.status).to.equal(202);
      server.state.processDue();
      expect(server.state.members(gid).map((m) => m.reference_id)).to.deep.equal(['A', 'B']);
      const done = server.state.getSync('org_1', gid, String(j(sub.json).data.request_id));
      expect(done?.results?.failures.map((f) => [f.reference_id, f.reason])).to.deep.equal([
        ['C', 'Invalid member: date_of_birth must not be before 1900-01-01'],
        ['D', 'Invalid member: date_of_birth must not be in the future'],
        ['E', 'Invalid member: date_of_birth must not be before 1900-01-01'],
      ]);
    });
  });

  describe('time (injected timers, no real waiting)', () => {
    it('holds an answer for the injected latency plus jitter, then answers', async () => {
      const timers = manualTimers();
      const { server, send } = await start({ timers, faults: { seed: 5, latencyMs: 30, latencyJitterMs: 10 } });
      let answered = false;
      const reply = send({ path: '/v1/groups' }).then((r) => ((answered = true), r));
      await timers.whenPending(1);
      expect(timers.requested[0]).to.be.within(30, 40);
      await new Promise((r) => setImmediate(r));
      expect(answered, 'answered before its latency elapsed').to.equal(false);
      timers.fireAll();
      expect((await reply).status).to.equal(200);
      expect(server.stats().byRoute['GET /v1/groups']).to.deep.equal({ '200': 1 });
    });

    it('creates once when the same key arrives again while the first request is still being handled', async () => {
      const timers = manualTimers();
      const { server, send } = await start({ timers, faults: { seed: 3, latencyMs: 40 } });
      const c = { method: 'POST', path: '/v1/groups', body: { name: 'A', external_reference_id: 'a' }, headers: { 'idempotency-key': 'race' } };
      const replies = [send(c), send(c), send(c)];
      await timers.whenPending(1); // the first holds the key during its latency; the others wait for it
      await new Promise((r) => setImmediate(r));
      expect(timers.pending()).to.equal(1);
      timers.fireAll();
      await timers.whenPending(2); // the two others, replayed, with their own latency
      timers.fireAll();
      const all = await Promise.all(replies);
      expect(all.map((r) => r.status)).to.deep.equal([201, 201, 201]);
      expect(new Set(all.map((r) => r.text)).size).to.equal(1);
      expect(all.filter((r) => r.headers['idempotent-replayed'] === 'true')).to.have.length(2);
      expect(server.state.listGroups('org_1', 1, 10).pagination.total).to.equal(1);
    });

    it('processes an accepted batch when its processing timer fires, and drops pending timers on stop', async () => {
      const timers = manualTimers();
      const { server, send } = await start({ timers, processingDelayMs: 250 });
      const gid = String(j((await send({ method: 'POST', path: '/v1/groups', body: { name: 'G', external_reference_id: 'g' } })).json).data.id);
      await send({ method: 'POST', path: `/v1/groups/${gid}/members/sync`, body: { members: [member('E1', 'pln_1')] } });
      expect(timers.requested).to.deep.equal([250]);
      expect(server.state.pendingCount()).to.equal(1);
      timers.fireAll();
      expect(server.state.pendingCount()).to.equal(0);
      await send({ method: 'POST', path: `/v1/groups/${gid}/members/sync`, body: { members: [member('E2', 'pln_1')] } });
      await server.stop();
      expect(timers.pending()).to.equal(0);
      expect(server.state.pendingCount()).to.equal(1);
    });
  });
});
