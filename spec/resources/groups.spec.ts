import { expect } from 'chai';
import nock from 'nock';
import { lastValueFrom, take, toArray } from 'rxjs';
import { ValidationError, type Issue } from '../../lib/errors';
import {
  API,
  KEY,
  collect,
  group,
  groupPage,
  idle,
  manualAxios,
  recorder,
  testClient,
  type HeldRequest,
  waitFor,
} from '../http/fixtures';

/** Answers any request under /v1 with `answer`, recording it. */
const serve = (answer: (path: string, body: unknown) => [number, unknown]) => {
  const { seen, record } = recorder();
  for (const method of ['GET', 'POST', 'PATCH'])
    nock(API)
      .persist()
      .intercept(/^\/v1\//, method)
      .reply(function (path, body) {
        record(this.req, path, body);
        return answer(path, body);
      });
  return seen;
};

const expectCommonHeaders = (headers: Record<string, string>): void => {
  expect(headers['authorization']).to.equal(`Bearer ${KEY}`);
  expect(headers['accept']).to.equal('application/json');
  expect(headers['user-agent']).to.match(/^vitable-connect-rx\/\d+\.\d+\.\d+/);
};

const issuesOf = (error: unknown): ReadonlyArray<Issue> => {
  expect(error).to.be.instanceOf(ValidationError);
  return (error as ValidationError).issues;
};

describe('client.groups', () => {
  describe('list', () => {
    it('GETs /v1/groups with page and limit and emits the decoded page', async () => {
      const seen = serve(() => [200, groupPage(2, 10, 25)]);
      const page = await lastValueFrom(testClient().groups.list({ page: 2, limit: 10 }));
      expect(seen).to.have.length(1);
      expect(seen[0]).to.deep.include({ method: 'GET', path: '/v1/groups?page=2&limit=10' });
      expectCommonHeaders(seen[0]!.headers);
      expect(seen[0]!.headers).not.to.have.property('content-type');
      expect(seen[0]!.headers).not.to.have.property('idempotency-key');
      expect(page).to.deep.equal(groupPage(2, 10, 25));
    });

    it('sends no query when called without params', async () => {
      const seen = serve(() => [200, groupPage(1, 20, 3)]);
      await lastValueFrom(testClient().groups.list());
      expect(seen[0]!.path).to.equal('/v1/groups');
    });

    it('checks page >= 1 and 1 <= limit <= 100 (integers) on subscription, sending nothing', async () => {
      const seen = serve(() => [200, groupPage(1, 20, 3)]);
      const groups = testClient().groups;
      const cases: Array<[unknown, string[]]> = [
        [{ page: 0 }, ['page']],
        [{ page: 1.5 }, ['page']],
        [{ page: '2' }, ['page']],
        [{ limit: 0 }, ['limit']],
        [{ limit: 101 }, ['limit']],
        [{ limit: NaN }, ['limit']],
        [{ page: -1, limit: 1000 }, ['page', 'limit']],
        ['page 2', ['params']],
        [null, ['params']],
        [[1], ['params']],
      ];
      for (const [params, paths] of cases) {
        const call$ = groups.list(params as never);
        const r = collect(call$);
        expect(
          issuesOf(r.error).map((i) => i.path),
          JSON.stringify(params),
        ).to.deep.equal(paths);
      }
      await lastValueFrom(groups.list({ page: 1, limit: 100 }));
      await lastValueFrom(groups.list({ page: 1, limit: 1 }));
      await idle();
      expect(seen).to.have.length(2);
    });
  });

  describe('listAll', () => {
    it('emits all 250 groups in order with 3 requests of limit 100', async () => {
      const seen = serve((path) => {
        const page = Number(new URL(path, API).searchParams.get('page'));
        return [200, groupPage(page, 100, 250)];
      });
      const all = await lastValueFrom(testClient().groups.listAll().pipe(toArray()));
      expect(all.map((g) => g.id)).to.deep.equal(
        Array.from({ length: 250 }, (_, i) => `grp_${i + 1}`),
      );
      expect(seen.map((s) => s.path)).to.deep.equal([
        '/v1/groups?page=1&limit=100',
        '/v1/groups?page=2&limit=100',
        '/v1/groups?page=3&limit=100',
      ]);
    });

    it('reads its params once, when called: a second subscription walks with the same limit', async () => {
      const seen = serve((path) => {
        const url = new URL(path, API);
        return [200, groupPage(Number(url.searchParams.get('page')), Number(url.searchParams.get('limit')), 4)];
      });
      const params = { limit: 2 };
      const all$ = testClient().groups.listAll(params);
      params.limit = 4; // the caller's object changes after the call
      await lastValueFrom(all$.pipe(toArray()));
      await lastValueFrom(all$.pipe(toArray()));
      expect(seen.map((s) => new URL(s.path, API).searchParams.get('limit'))).to.deep.equal(['2', '2', '2', '2']);
    });

    it('makes at most 2 requests for take(5) over 3 pages of 100 (here: 1)', async () => {
      const seen = serve((path) => [
        200,
        groupPage(Number(new URL(path, API).searchParams.get('page')), 100, 300),
      ]);
      const five = await lastValueFrom(testClient().groups.listAll().pipe(take(5), toArray()));
      expect(five.map((g) => g.id)).to.deep.equal(['grp_1', 'grp_2', 'grp_3', 'grp_4', 'grp_5']);
      await idle();
      expect(seen.length).to.be.at.most(2);
      expect(seen.length).to.equal(1);
    });

    it('stops on an empty page even when total_pages says there are more', async () => {
      const seen = serve((path) => {
        const page = Number(new URL(path, API).searchParams.get('page'));
        return [
          200,
          page === 1
            ? groupPage(1, 2, 6)
            : { data: [], pagination: { page, limit: 2, total: 6, total_pages: 3 } },
        ];
      });
      const all = await lastValueFrom(
        testClient().groups.listAll({ limit: 2, prefetch: 0 }).pipe(toArray()),
      );
      expect(all.map((g) => g.id)).to.deep.equal(['grp_1', 'grp_2']);
      expect(seen).to.have.length(2);
    });

    it('completes after one request for an empty list', async () => {
      const seen = serve(() => [
        200,
        { data: [], pagination: { page: 1, limit: 100, total: 0, total_pages: 0 } },
      ]);
      const all = await lastValueFrom(testClient().groups.listAll().pipe(toArray()));
      expect(all).to.deep.equal([]);
      expect(seen).to.have.length(1);
    });

    it('passes an error of a page on, after the items before it', async () => {
      serve((path) => {
        const page = Number(new URL(path, API).searchParams.get('page'));
        return page === 1 ? [200, groupPage(1, 2, 6)] : [404, { error: { message: 'gone' } }];
      });
      const r = collect(testClient().groups.listAll({ limit: 2 }));
      await r.done;
      expect(r.values.map((g) => g.id)).to.deep.equal(['grp_1', 'grp_2']);
      expect(r.error).to.have.property('_tag', 'NotFoundError');
    });

    it('validates limit and prefetch on subscription', () => {
      const groups = testClient().groups;
      expect(
        issuesOf(collect(groups.listAll({ limit: 0 })).error).map((i) => i.path),
      ).to.deep.equal(['limit']);
      expect(
        issuesOf(collect(groups.listAll({ prefetch: -1 })).error).map((i) => i.path),
      ).to.deep.equal(['prefetch']);
      expect(issuesOf(collect(groups.listAll(7 as never)).error).map((i) => i.path)).to.deep.equal([
        'params',
      ]);
      expect(
        issuesOf(collect(groups.listAll({}, { timeoutMs: 0 })).error).map((i) => i.path),
      ).to.deep.equal(['options.timeoutMs']);
    });

    describe('prefetch (replies answered by hand, in any order)', () => {
      const pageOf = (h: HeldRequest): number => Number(new URL(h.url).searchParams.get('page'));

      it('keeps at most prefetch pages in flight, and emits a page that arrives early only in its turn', async () => {
        const { instance, held } = manualAxios();
        const r = collect(
          testClient({ axios: instance }).groups.listAll({ limit: 2, prefetch: 3 }),
        );
        await waitFor(() => held.length === 1, 'page 1 requested');
        held[0]!.respond(200, groupPage(1, 2, 10)); // 5 pages
        await waitFor(() => held.length === 4, 'pages 2 to 4 requested');
        expect(r.values.map((g) => g.id)).to.deep.equal(['grp_1', 'grp_2']);
        expect(held.map(pageOf)).to.deep.equal([1, 2, 3, 4]);
        held[3]!.respond(200, groupPage(4, 2, 10));
        held[2]!.respond(200, groupPage(3, 2, 10));
        await idle();
        expect(r.values).to.have.length(2); // pages 3 and 4 wait for page 2
        expect(held).to.have.length(4); // and nothing more is requested
        held[1]!.respond(200, groupPage(2, 2, 10));
        await waitFor(() => r.values.length === 8, 'pages 2 to 4 emitted');
        await waitFor(() => held.length === 5, 'page 5 requested');
        expect(pageOf(held[4]!)).to.equal(5);
        held[4]!.respond(200, groupPage(5, 2, 10));
        await r.done;
        expect(r.values.map((g) => g.id)).to.deep.equal(
          Array.from({ length: 10 }, (_, i) => `grp_${i + 1}`),
        );
        expect(held).to.have.length(5);
      });

      it('with the default prefetch 1 (and with 0) requests one page at a time', async () => {
        const { instance, held } = manualAxios();
        const r = collect(testClient({ axios: instance }).groups.listAll({ limit: 2 }));
        for (let page = 1; page <= 3; page++) {
          await waitFor(() => held.length === page, `page ${page} requested`);
          await idle();
          expect(held).to.have.length(page);
          held[page - 1]!.respond(200, groupPage(page, 2, 6));
        }
        await r.done;
        expect(r.values).to.have.length(6);
      });

      it('aborts the pages in flight when the consumer unsubscribes', async () => {
        const { instance, held } = manualAxios();
        const r = collect(
          testClient({ axios: instance }).groups.listAll({ limit: 2, prefetch: 2 }),
        );
        await waitFor(() => held.length === 1, 'page 1 requested');
        held[0]!.respond(200, groupPage(1, 2, 6));
        await waitFor(() => held.length === 3, 'pages 2 and 3 requested');
        r.subscription.unsubscribe();
        expect(held.map((h) => h.signal?.aborted)).to.deep.equal([false, true, true]);
      });
    });
  });

  describe('create', () => {
    it('POSTs the decoded body as JSON with Content-Type and an Idempotency-Key, and emits the unwrapped Group', async () => {
      const seen = serve(() => [201, { data: group(7) }]);
      const g = await lastValueFrom(
        testClient().groups.create({
          name: 'Tier 1',
          external_reference_id: 'seg_1',
          extra: 'dropped',
        } as never),
      );
      expect(g).to.deep.equal(group(7));
      expect(seen).to.have.length(1);
      expect(seen[0]).to.deep.include({ method: 'POST', path: '/v1/groups' });
      expect(seen[0]!.body).to.deep.equal({ name: 'Tier 1', external_reference_id: 'seg_1' });
      expectCommonHeaders(seen[0]!.headers);
      expect(seen[0]!.headers['content-type']).to.equal('application/json');
      expect(seen[0]!.headers['idempotency-key']).to.be.a('string').and.have.length.above(8);
    });

    it('rejects a body failing GroupCreateParams with every issue, on subscription, sending nothing', async () => {
      const seen = serve(() => [201, { data: group(7) }]);
      const groups = testClient().groups;
      expect(
        issuesOf(collect(groups.create({ name: ' ', external_reference_id: '' })).error),
      ).to.deep.equal([
        { path: 'name', message: 'must not be empty' },
        { path: 'external_reference_id', message: 'must not be empty' },
      ]);
      expect(
        issuesOf(collect(groups.create({ name: 5 } as never)).error).map((i) => i.path),
      ).to.deep.equal(['name', 'external_reference_id']);
      for (const body of [undefined, null, 'x', 42, []])
        expect(
          issuesOf(collect(groups.create(body as never)).error).map((i) => i.path),
          String(body),
        ).to.deep.equal(['body']);
      await idle();
      expect(seen).to.have.length(0);
    });
  });

  describe('retrieve', () => {
    it('GETs /v1/groups/{id} and emits the unwrapped Group', async () => {
      const seen = serve(() => [200, { data: group(1) }]);
      const g = await lastValueFrom(testClient().groups.retrieve('grp_1'));
      expect(g).to.deep.equal(group(1));
      expect(seen[0]).to.deep.include({ method: 'GET', path: '/v1/groups/grp_1' });
      expectCommonHeaders(seen[0]!.headers);
    });

    it('percent-encodes the id so that ../x cannot reach another route', async () => {
      const seen = serve(() => [404, { error: { message: 'no' } }]);
      const groups = testClient().groups;
      for (const id of ['../x', 'a/b', 'a?b=1', 'a#b', 'é b', '%2e%2e'])
        await collect(groups.retrieve(id)).done;
      expect(seen.map((s) => s.path)).to.deep.equal([
        '/v1/groups/..%2Fx',
        '/v1/groups/a%2Fb',
        '/v1/groups/a%3Fb%3D1',
        '/v1/groups/a%23b',
        '/v1/groups/%C3%A9%20b',
        '/v1/groups/%252e%252e',
      ]);
    });

    it('rejects empty, blank, dot-segment, non-string and malformed ids with ValidationError, sending nothing', async () => {
      const seen = serve(() => [200, { data: group(1) }]);
      const groups = testClient().groups;
      for (const id of ['', '   ', '.', '..', undefined, null, 42, {}, '\uD800'] as unknown[]) {
        const call$ = groups.retrieve(id as never);
        const r = collect(call$);
        expect(
          issuesOf(r.error).map((i) => i.path),
          String(id),
        ).to.deep.equal(['groupId']);
      }
      await idle();
      expect(seen).to.have.length(0);
    });

    it('never throws synchronously from the method call', () => {
      const groups = testClient().groups;
      expect(() => groups.retrieve(Symbol('x') as never, 5 as never)).not.to.throw();
      expect(() => groups.update(undefined as never, undefined as never)).not.to.throw();
      expect(() => groups.list((() => 1) as never)).not.to.throw();
    });
  });

  describe('update', () => {
    it('PATCHes /v1/groups/{id} with the decoded body, without an Idempotency-Key, and emits the Group', async () => {
      const seen = serve(() => [200, { data: { ...group(1), name: 'Renamed' } }]);
      const g = await lastValueFrom(testClient().groups.update('grp_1', { name: 'Renamed' }));
      expect(g.name).to.equal('Renamed');
      expect(seen[0]).to.deep.include({
        method: 'PATCH',
        path: '/v1/groups/grp_1',
        body: { name: 'Renamed' },
      });
      expectCommonHeaders(seen[0]!.headers);
      expect(seen[0]!.headers['content-type']).to.equal('application/json');
      expect(seen[0]!.headers).not.to.have.property('idempotency-key');
    });

    it('lists path and body issues together', async () => {
      const seen = serve(() => [200, { data: group(1) }]);
      const r = collect(
        testClient().groups.update('', { name: '', external_reference_id: 3 } as never),
      );
      expect(issuesOf(r.error).map((i) => i.path)).to.deep.equal([
        'groupId',
        'name',
        'external_reference_id',
      ]);
      expect((r.error as Error).message).to.match(
        /^groups\.update: groupId: must not be empty; name: must not be empty/,
      );
      await idle();
      expect(seen).to.have.length(0);
    });
  });
});
