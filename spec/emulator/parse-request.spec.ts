import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { parseRequest, type ParseContext, type ParsedRequest, type RawRequest, type Refusal } from '../../lib/emulator/parse-request';

const ORG = { apiKey: 'k', id: 'org_1', planIds: ['pln_1'] };
const ctx = (extra: Partial<ParseContext> = {}): ParseContext => ({
  maxBodyBytes: 1024,
  maxMembersPerSync: 3,
  organizationByKey: (key) => (key === ORG.apiKey ? ORG : undefined),
  ...extra,
});
const raw = (over: Partial<RawRequest> = {}): RawRequest => ({
  requestId: 'req_1',
  method: 'GET',
  target: '/v1/groups',
  headers: { authorization: 'Bearer k' },
  body: '',
  ...over,
});
const post = (target: string, body: unknown, headers: RawRequest['headers'] = {}): RawRequest =>
  raw({ method: 'POST', target, body: JSON.stringify(body), headers: { authorization: 'Bearer k', 'content-type': 'application/json', ...headers } });

const refused = (parsed: E.Either<Refusal, ParsedRequest>): { routeKey: string; status: number; type: unknown } => {
  if (E.isRight(parsed)) throw new Error(`parsed: ${JSON.stringify(parsed.right.target)}`);
  return { routeKey: parsed.left.routeKey, status: parsed.left.answer.status, type: (parsed.left.answer.body as { error: { type: unknown } }).error.type };
};
const parsed = (p: E.Either<Refusal, ParsedRequest>): ParsedRequest => {
  if (E.isLeft(p)) throw new Error(`refused: ${JSON.stringify(p.left.answer.body)}`);
  return p.right;
};

describe('parseRequest', () => {
  it('gives each route its typed target, with the organization, key and body', () => {
    expect(parsed(parseRequest(raw({ target: '/v1/groups?page=3&limit=7' }), ctx()))).to.deep.equal({
      requestId: 'req_1',
      routeKey: 'GET /v1/groups',
      method: 'GET',
      path: '/v1/groups',
      org: ORG,
      idempotencyKey: undefined,
      body: {},
      target: { kind: 'list', page: 3, limit: 7 },
    });
    const create = parsed(parseRequest(post('/v1/groups', { name: 'G', external_reference_id: 'g', extra: 1 }, { 'idempotency-key': 'key-1' }), ctx()));
    expect(create.target).to.deep.equal({ kind: 'create', group: { name: 'G', external_reference_id: 'g' } });
    expect(create.idempotencyKey).to.equal('key-1');
    expect(create.body).to.deep.equal({ name: 'G', external_reference_id: 'g', extra: 1 });
    expect(parsed(parseRequest(raw({ target: '/v1/groups/grp_1' }), ctx())).target).to.deep.equal({ kind: 'retrieve', groupId: 'grp_1' });
    const update = { ...post('/v1/groups/grp_1', { name: 'N', external_reference_id: null }), method: 'PATCH' };
    expect(parsed(parseRequest(update, ctx())).target).to.deep.equal({ kind: 'update', groupId: 'grp_1', patch: { name: 'N', external_reference_id: null } });
    const members = [{ reference_id: 'E1' }, { reference_id: 'E2', first_name: 3 }];
    const sync = parsed(parseRequest(post('/v1/groups/grp_1/members/sync', { members }), ctx())).target;
    expect(sync.kind === 'sync-submit' && sync.members).to.deep.equal(members);
    expect(parsed(parseRequest(raw({ target: '/v1/groups/grp_1/members/sync/grpmsr_1' }), ctx())).target).to.deep.equal({
      kind: 'sync-retrieve',
      groupId: 'grp_1',
      requestId: 'grpmsr_1',
    });
  });

  it('fingerprints a sync payload only when asked, and once', () => {
    const sync = parsed(parseRequest(post('/v1/groups/g/members/sync', { members: [{ reference_id: 'E1' }] }), ctx())).target;
    if (sync.kind !== 'sync-submit') throw new Error(sync.kind);
    const print = sync.payloadPrint();
    expect(print).to.be.a('string').with.length.above(20);
    expect(sync.payloadPrint()).to.equal(print);
  });

  it('refuses in order: size, route, credentials, content type, JSON, checks, Idempotency-Key', () => {
    const bad = { authorization: 'Bearer nope', 'content-type': 'text/plain', 'idempotency-key': '' };
    const everythingWrong = (target: string): RawRequest => ({ ...post(target, { name: '' }, bad), body: '{' });
    expect(refused(parseRequest({ ...everythingWrong('/v1/groups'), body: { oversizeBytes: 5000 } }, ctx()))).to.deep.equal({ routeKey: 'POST (unknown)', status: 413, type: 'payload_too_large' });
    expect(refused(parseRequest(everythingWrong('//v1/groups'), ctx()))).to.deep.equal({ routeKey: 'POST (unknown)', status: 404, type: 'not_found_error' });
    expect(refused(parseRequest({ ...everythingWrong('/v1/groups'), method: 'PUT' }, ctx()))).to.deep.equal({ routeKey: 'PUT /v1/groups', status: 405, type: 'method_not_allowed' });
    expect(refused(parseRequest(everythingWrong('/v1/groups'), ctx()))).to.deep.equal({ routeKey: 'POST /v1/groups', status: 401, type: 'authentication_error' });
    const authed = { ...everythingWrong('/v1/groups'), headers: { ...bad, authorization: 'Bearer k' } };
    expect(refused(parseRequest(authed, ctx()))).to.deep.include({ status: 415, type: 'unsupported_media_type' });
    const json = { ...authed, headers: { ...authed.headers, 'content-type': 'application/json' } };
    expect(refused(parseRequest(json, ctx()))).to.deep.include({ status: 400, type: 'invalid_request_error' });
    expect(refused(parseRequest({ ...json, body: '{"name":""}' }, ctx()))).to.deep.include({ status: 422, type: 'validation_error' });
    expect(refused(parseRequest({ ...json, body: '{"name":"n","external_reference_id":"r"}' }, ctx()))).to.deep.include({ status: 400, type: 'invalid_request_error' });
  });

  it('refuses a missing or unknown key with the WWW-Authenticate header, and bad queries with 400', () => {
    const missing = parseRequest(raw({ headers: {} }), ctx());
    expect(E.isLeft(missing) && missing.left.answer.headers).to.deep.equal({ 'www-authenticate': 'Bearer' });
    const unknown = parseRequest(raw({ headers: { authorization: 'Bearer other' } }), ctx());
    expect(E.isLeft(unknown) && unknown.left.answer.headers).to.deep.equal({ 'www-authenticate': 'Bearer error="invalid_token"' });
    for (const query of ['limit=0', 'limit=101', 'page=0', 'page=x', 'limit=1&limit=2'])
      expect(refused(parseRequest(raw({ target: `/v1/groups?${query}` }), ctx())), query).to.deep.include({ status: 400 });
  });

  it('refuses a sync payload whole when a member is not an object or lacks a reference_id, or there are too many', () => {
    for (const members of [[{ first_name: 'x' }], [{ reference_id: '' }], [{ reference_id: 7 }], [null], [], [1, 2, 3, 4]])
      expect(refused(parseRequest(post('/v1/groups/g/members/sync', { members }), ctx())), JSON.stringify(members)).to.deep.include({ status: 422 });
  });

  it('ignores the body, content type and Idempotency-Key of a GET', () => {
    const get = raw({ body: '{', headers: { authorization: 'Bearer k', 'content-type': 'text/plain', 'idempotency-key': '' } });
    expect(parsed(parseRequest(get, ctx()))).to.deep.include({ body: {}, idempotencyKey: undefined });
  });

  it('calls onParse once per parse, with the request id and the result', () => {
    const seen: Array<[string, boolean]> = [];
    const onParse = (id: string, result: E.Either<Refusal, ParsedRequest>): void => void seen.push([id, E.isRight(result)]);
    parseRequest(raw({ requestId: 'req_a' }), ctx({ onParse }));
    parseRequest(raw({ requestId: 'req_b', target: '/nope' }), ctx({ onParse }));
    expect(seen).to.deep.equal([
      ['req_a', true],
      ['req_b', false],
    ]);
  });
});
