import { expect } from 'chai';
import nock from 'nock';
import { lastValueFrom } from 'rxjs';
import { ValidationError, type Issue } from '../../lib/errors';
import { API, KEY, collect, idle, member, recorder, testClient } from '../http/fixtures';

const submission = {
  request_id: 'grpmsr_1',
  group_id: 'grp_1',
  accepted_at: '2026-01-15T10:30:00Z',
};
const pending = { ...submission, completed_at: null, results: null };
const done = {
  ...submission,
  completed_at: '2026-01-15T10:30:42Z',
  results: {
    added_group_member_ids: ['grpmbr_1'],
    removed_group_member_ids: ['grpmbr_0'],
    failures: [{ reference_id: 'EMP-2', operation: 'add', reason: 'Invalid plan_id' }],
  },
};

const serve = (status: number, body: unknown) => {
  const { seen, record } = recorder();
  for (const method of ['GET', 'POST'])
    nock(API)
      .persist()
      .intercept(/^\/v1\//, method)
      .reply(function (path, reqBody) {
        record(this.req, path, reqBody);
        return [status, body];
      });
  return seen;
};

const issuesOf = (error: unknown): ReadonlyArray<Issue> => {
  expect(error).to.be.instanceOf(ValidationError);
  return (error as ValidationError).issues;
};

describe('client.members.sync', () => {
  describe('submit', () => {
    it('POSTs the normalised members with Content-Type and an Idempotency-Key, and emits the SyncSubmission of the 202', async () => {
      const seen = serve(202, { data: submission });
      const result = await lastValueFrom(
        testClient().members.sync.submit('grp_1', {
          members: [member(1), { ...member(2), nickname: 'JD' }],
        } as never),
      );
      expect(result).to.deep.equal(submission);
      expect(seen).to.have.length(1);
      expect(seen[0]).to.deep.include({ method: 'POST', path: '/v1/groups/grp_1/members/sync' });
      const h = seen[0]!.headers;
      expect(h['authorization']).to.equal(`Bearer ${KEY}`);
      expect(h['accept']).to.equal('application/json');
      expect(h['user-agent']).to.match(/^vitable-connect-rx\//);
      expect(h['content-type']).to.equal('application/json');
      expect(h['idempotency-key']).to.be.a('string').that.is.not.empty;
      const normalised = (n: number) => ({
        reference_id: `EMP-${n}`,
        first_name: 'Jane',
        last_name: 'Doe',
        date_of_birth: '1990-05-15',
        phone: '4155550100',
        plan_id: 'pln_abc123',
        email: 'jane.doe@acme.com',
        address: {
          address_line_1: '123 Main Street',
          city: 'San Francisco',
          state: 'CA',
          zipcode: '94102',
        },
      });
      expect(seen[0]!.body).to.deep.equal({ members: [normalised(1), normalised(2)] });
    });

    it('reads the body once, when called: every subscription sends the same members under the same key', async () => {
      const seen = serve(202, { data: submission });
      const first = member(1);
      const submit$ = testClient().members.sync.submit('grp_1', { members: [first] } as never);
      first.phone = '(212) 555-0199'; // the caller's object changes after the call
      await lastValueFrom(submit$);
      await lastValueFrom(submit$);
      expect(seen).to.have.length(2);
      expect(seen.map((r) => r.headers['idempotency-key'])).to.satisfy(([a, b]: string[]) => a === b);
      expect(seen.map((r) => (r.body as { members: { phone: string }[] }).members[0]!.phone)).to.deep.equal([
        '4155550100',
        '4155550100',
      ]);
    });

    it('checks the body when called, and errors every subscription with it, sending nothing', async () => {
      const seen = serve(202, { data: submission });
      const bad = { ...member(1), phone: 'none' };
      const submit$ = testClient().members.sync.submit('grp_1', { members: [bad] } as never);
      bad.phone = '4155550100'; // too late: the body was checked when submit was called
      expect(issuesOf(collect(submit$).error).map((i) => i.path)).to.deep.equal(['members[0].phone']);
      expect(issuesOf(collect(submit$).error).map((i) => i.path)).to.deep.equal(['members[0].phone']);
      await idle();
      expect(seen).to.have.length(0);
    });

    it('lists every issue of every member with its path, and sends nothing', async () => {
      const seen = serve(202, { data: submission });
      const members = [
        member(0),
        member(1),
        member(2),
        { ...member(3), phone: '555-0100' },
        {
          ...member(4),
          address: { ...(member(4)['address'] as object), state: 'XX' },
          first_name: ' ',
        },
      ];
      const r = collect(testClient().members.sync.submit('grp_1', { members } as never));
      expect(issuesOf(r.error)).to.deep.equal([
        { path: 'members[3].phone', message: 'must be a 10-digit US phone number' },
        { path: 'members[4].first_name', message: 'must not be empty' },
        { path: 'members[4].address.state', message: 'must be a US state or territory code' },
      ]);
      expect((r.error as Error).message).to.contain('members.sync.submit: members[3].phone');
      await idle();
      expect(seen).to.have.length(0);
    });

    it('rejects an empty members array, a missing one, a non-object body and a bad group id together', async () => {
      const seen = serve(202, { data: submission });
      const submit = testClient().members.sync.submit;
      expect(issuesOf(collect(submit('grp_1', { members: [] })).error)).to.deep.equal([
        { path: 'members', message: 'must contain at least one member' },
      ]);
      expect(
        issuesOf(collect(submit('grp_1', {} as never)).error).map((i) => i.path),
      ).to.deep.equal(['members']);
      expect(
        issuesOf(collect(submit('grp_1', { members: 'all' } as never)).error).map((i) => i.path),
      ).to.deep.equal(['members']);
      expect(
        issuesOf(collect(submit('grp_1', null as never)).error).map((i) => i.path),
      ).to.deep.equal(['body']);
      expect(
        issuesOf(collect(submit(undefined as never, undefined as never)).error).map((i) => i.path),
      ).to.deep.equal(['groupId', 'body']);
      expect(
        issuesOf(collect(submit('..', { members: [member(1)] } as never)).error).map((i) => i.path),
      ).to.deep.equal(['groupId']);
      await idle();
      expect(seen).to.have.length(0);
    });

    it('percent-encodes the group id', async () => {
      const seen = serve(202, { data: submission });
      await lastValueFrom(
        testClient().members.sync.submit('grp/../1', { members: [member(1)] } as never),
      );
      expect(seen[0]!.path).to.equal('/v1/groups/grp%2F..%2F1/members/sync');
    });
  });

  describe('retrieve', () => {
    it('GETs /v1/groups/{id}/members/sync/{request_id} and emits a pending SyncRequest', async () => {
      const seen = serve(200, { data: pending });
      const result = await lastValueFrom(testClient().members.sync.retrieve('grp_1', 'grpmsr_1'));
      expect(result).to.deep.equal(pending);
      expect(seen[0]).to.deep.include({
        method: 'GET',
        path: '/v1/groups/grp_1/members/sync/grpmsr_1',
      });
      expect(seen[0]!.headers['authorization']).to.equal(`Bearer ${KEY}`);
      expect(seen[0]!.headers).not.to.have.property('idempotency-key');
      expect(seen[0]!.headers).not.to.have.property('content-type');
    });

    it('emits a completed SyncRequest with its results', async () => {
      serve(200, { data: done });
      expect(
        await lastValueFrom(testClient().members.sync.retrieve('grp_1', 'grpmsr_1')),
      ).to.deep.equal(done);
    });

    it('errors with DecodeError naming the path of a wrong results shape', async () => {
      serve(200, {
        data: {
          ...done,
          results: {
            ...done.results,
            failures: [{ reference_id: 'x', operation: 'upsert', reason: 'r' }],
          },
        },
      });
      const r = collect(testClient().members.sync.retrieve('grp_1', 'grpmsr_1'));
      await r.done;
      expect(r.error).to.have.property('_tag', 'DecodeError');
      expect((r.error as Error).message).to.contain('data.results');
    });

    it('validates and encodes both path parameters', async () => {
      const seen = serve(200, { data: pending });
      const retrieve = testClient().members.sync.retrieve;
      expect(issuesOf(collect(retrieve('', 7 as never)).error).map((i) => i.path)).to.deep.equal([
        'groupId',
        'requestId',
      ]);
      await lastValueFrom(retrieve('grp 1', '../grpmsr_1'));
      expect(seen.map((s) => s.path)).to.deep.equal([
        '/v1/groups/grp%201/members/sync/..%2Fgrpmsr_1',
      ]);
    });
  });
});
