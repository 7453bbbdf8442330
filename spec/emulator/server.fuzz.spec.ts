import { expect } from 'chai';
import fc from 'fast-check';
import { EmulatorServer } from '../../lib/emulator/server';
import { call, j, member, raw, type RawCall, type Reply } from './http';

// Hostile requests over real HTTP, written byte for byte: whatever the body,
// headers and path, the emulator never answers 5xx (no fault is injected here),
// never drops a connection, and keeps serving.

const ORG = { apiKey: 'k', id: 'org_1', planIds: ['pln_1'] };

const nested = (depth: number, inner = '1'): string => '['.repeat(depth) + inner + ']'.repeat(depth);

/** Printable ASCII without space (what a request line or header value can carry). */
const visible = (maxLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });

/** A JSON value of any kind, including huge numbers, lone surrogates and `__proto__` keys. */
const hostileJson: fc.Arbitrary<string> = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.constantFrom(
    '1e400',
    '-1e400',
    '123456789012345678901234567890',
    '"\\ud800"',
    '"\\udfff\\ud800"',
    '{"__proto__":{"name":"x"}}',
    '{"constructor":{"prototype":{}}}',
    'null',
    'true',
    '[]',
    '{}',
  ),
  fc.integer({ min: 1, max: 6000 }).map((d) => nested(d)),
  fc.string({ unit: 'binary', maxLength: 20 }).map((s) => JSON.stringify(s)),
);

/** A member whose fields are replaced by hostile values, or dropped. */
const hostileMember: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 6 }).map((ref) => JSON.stringify(member(`E${ref}`, 'pln_1'))) },
  { weight: 3, arbitrary: fc
  .record({
    field: fc.constantFrom('reference_id', 'first_name', 'date_of_birth', 'phone', 'plan_id', 'email', 'address', '__proto__'),
    value: fc.option(hostileJson, { nil: undefined }),
  })
  .map(({ field, value }) => {
    const base = JSON.stringify(member('E1', 'pln_1'));
    const without = base.replace(new RegExp(`"${field}":("[^"]*"|\\{[^}]*\\}),?`), '');
    return value === undefined ? without : `{"${field}":${value},${without.slice(1)}`;
  }) },
);

/** A body that is well formed for the route, with one field made hostile now and then. */
const routeBody = (target: string): fc.Arbitrary<string> =>
  target.endsWith('/members/sync')
    ? fc.array(hostileMember, { minLength: 1, maxLength: 5 }).map((ms) => `{"members":[${ms.join(',')}]}`)
    : fc
        .record({
          name: fc.oneof({ weight: 3, arbitrary: fc.string({ minLength: 1 }).map((t) => JSON.stringify(`n${t}`)) }, hostileJson),
          ref: fc.oneof({ weight: 3, arbitrary: fc.constant('"r"') }, hostileJson),
          proto: fc.boolean(),
        })
        .map(({ name, ref, proto }) => `{"name":${name},"external_reference_id":${ref}${proto ? ',"__proto__":{"name":"proto"}' : ''}}`);

/** Any body at all. */
const hostileBody: fc.Arbitrary<string | Buffer | undefined> = fc.oneof(
  fc.constant(undefined),
  hostileJson,
  fc.array(fc.oneof(hostileMember, hostileJson), { maxLength: 5 }).map((ms) => `{"members":[${ms.join(',')}]}`),
  fc.integer({ min: 30, max: 6000 }).map((d) => `{"members":[{"reference_id":"E1","first_name":${nested(d)}}]}`),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
  fc.constantFrom<string | Buffer>(
    Buffer.from([0xff, 0xfe, 0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]), // not UTF-8
    '{"name": "\ud800", "external_reference_id": "\udc00"}', // lone surrogates, sent as UTF-8 replacement bytes
    '{"members":[{}]}',
    '{"members":[{"reference_id":"  "}]}',
    '{"members":[]}',
    '{"members":"all"}',
    '{"name":""}',
  ),
);

const path = (gid: string): fc.Arbitrary<string> => {
  const segment = fc.oneof(
    fc.constantFrom('v1', 'groups', gid, 'members', 'sync', 'grpmsr_x', '', '.', '..', '%2e', '%2E%2E', '%2F', '%00', '%zz', '%ff', '%', '%E2%82%AC', '__proto__', 'constructor'),
    visible(12).filter((s) => !s.includes('?') && !s.includes('#')),
  );
  return fc.oneof(
    fc.constantFrom('/v1/groups', `/v1/groups/${gid}`, `/v1/groups/${gid}/members/sync`, `/v1/groups/${gid}/members/sync`, `/v1/groups/${gid}/members/sync/grpmsr_x`, '//v1/groups', '/v1//groups', '*'),
    fc.array(segment, { maxLength: 7 }).map((s) => `/${s.join('/')}`),
    fc.tuple(fc.constantFrom('/v1/groups', '//v1/groups'), visible(30)).map(([p, q]) => `${p}?${q}`),
    fc.constantFrom('page', 'limit').chain((name) => visible(25).map((v) => `/v1/groups?${name}=${v}&${name}=1`)),
    fc.integer({ min: 100, max: 20_000 }).map((n) => `/v1/groups/${'x'.repeat(n)}`),
    fc.constantFrom('http://127.0.0.1/v1/groups', 'http://[::1/v1/groups', 'ftp://x/v1/groups'),
  );
};

type Line = readonly [method: string, target: string];
type Hostile = 'nothing' | 'path' | 'authorization' | 'content-type' | 'idempotency-key' | 'body' | 'everything';

/** `hostile` when this dimension is the hostile one, else `usual`. */
const pick = <A>(dimension: Hostile, which: Hostile, usual: fc.Arbitrary<A>, hostile: fc.Arbitrary<A>): fc.Arbitrary<A> =>
  which === dimension || which === 'everything' ? hostile : usual;

/** An absent header, one of `values`, or random text. */
const anyHeader = (values: ReadonlyArray<string>, random: number): fc.Arbitrary<string | undefined> =>
  fc.oneof(fc.constant(undefined), fc.constantFrom(...values), visible(random));

/** A valid member, or one with one field made hostile. */
const validBody = (target: string): string =>
  target.endsWith('/members/sync')
    ? JSON.stringify({ members: [member('E1', 'pln_1'), member('E2', 'pln_1')] })
    : JSON.stringify({ name: 'G', external_reference_id: 'g' });

/**
 * A request well formed in every way but one (or in none, or in every way):
 * so that the runs reach every route's handler, not only the first refusals.
 */
const request = (gid: string): fc.Arbitrary<RawCall> => {
  const routes: fc.Arbitrary<Line> = fc.constantFrom<Line>(
    ['GET', '/v1/groups'],
    ['POST', '/v1/groups'],
    ['GET', `/v1/groups/${gid}`],
    ['PATCH', `/v1/groups/${gid}`],
    ['POST', `/v1/groups/${gid}/members/sync`],
    ['GET', `/v1/groups/${gid}/members/sync/grpmsr_x`],
  );
  const anywhere: fc.Arbitrary<Line> = fc.tuple(fc.constantFrom('GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'HEAD', 'OPTIONS'), path(gid));
  const which = fc.constantFrom<Hostile>('nothing', 'nothing', 'nothing', 'path', 'authorization', 'content-type', 'idempotency-key', 'body', 'body', 'everything');
  return which
    .chain((h) => fc.tuple(fc.constant(h), pick('path', h, routes, anywhere)))
    .chain(([h, [method, target]]) =>
      fc.record({
        method: fc.constant(method),
        target: fc.constant(target),
        authorization: pick('authorization', h, fc.constantFrom(`Bearer ${ORG.apiKey}`, `bearer  ${ORG.apiKey}  `), anyHeader(['Bearer wrong', `Basic ${ORG.apiKey}`, 'Bearer', 'Bearer k k'], 30)),
        contentType: pick('content-type', h, fc.constantFrom<string | undefined>('application/json', 'application/json; charset=utf-8', undefined), anyHeader(['text/plain', 'application/x-www-form-urlencoded', 'application/merge-patch+json', ';', 'application/', 'application/jsonx'], 30)),
        idempotencyKey: pick('idempotency-key', h, fc.constant(undefined), anyHeader(['same-key', 'same-key', ' ', 'x'.repeat(255), 'x'.repeat(256)], 40)),
        body: pick('body', h, fc.constant<string | Buffer | undefined>(validBody(target)), fc.oneof(routeBody(target), hostileBody)),
      }),
    )
    .map(({ method, target, authorization, contentType, idempotencyKey, body }) => {
      const headers: Array<[string, string]> = [];
      if (authorization !== undefined) headers.push(['authorization', authorization]);
      if (contentType !== undefined) headers.push(['content-type', contentType]);
      if (idempotencyKey !== undefined) headers.push(['idempotency-key', idempotencyKey]);
      return { method, target, headers, body };
    });
};

describe('EmulatorServer (fuzz over real HTTP)', () => {
  let server: EmulatorServer;
  let url: string;
  let gid: string;
  const parses = new Map<string, number>();

  before(async () => {
    server = new EmulatorServer({
      organizations: [ORG],
      processingDelayMs: 0,
      maxMembersPerSync: 50,
      maxBodyBytes: 256 * 1024,
      onParse: (id) => void parses.set(id, (parses.get(id) ?? 0) + 1),
    });
    url = await server.listen(0, '127.0.0.1');
    const created = await call(url, ORG.apiKey, { method: 'POST', path: '/v1/groups', body: { name: 'G', external_reference_id: 'g' } });
    gid = String(j(created.json).data.id);
  });
  after(() => server.stop());

  it('never answers 5xx nor drops a connection for generated bodies, headers and paths, and keeps serving', async function () {
    this.timeout(30_000);
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request(gid), async (r) => {
        const reply: Reply = await raw(url, r);
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        expect(reply.status, `${r.method} ${r.target.slice(0, 100)}: ${reply.text.slice(0, 200)}`).to.be.within(200, 499);
        const after = await call(url, ORG.apiKey, { path: `/v1/groups/${gid}` });
        expect(after.status, 'a normal request right after').to.equal(200);
      }),
      { numRuns: 250 },
    );
    // the runs reached far into the emulator, not only its first refusals
    const seen = JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)));
    for (const status of [200, 201, 202, 400, 401, 404, 405]) expect(statuses.get(status) ?? 0, `${status} in ${seen}`).to.be.above(0);
    expect((statuses.get(415) ?? 0) + (statuses.get(422) ?? 0), `415 or 422 in ${seen}`).to.be.above(0);
    const stats = server.stats();
    expect(stats.faults).to.deep.equal({ errors: 0, drops: 0, rateLimited: 0 });
    expect(Object.values(stats.byRoute).some((byStatus) => Object.keys(byStatus).some((s) => s.startsWith('5')))).to.equal(false);
    expect([...parses.values()].every((n) => n === 1)).to.equal(true);
  });
});
