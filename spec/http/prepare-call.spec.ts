import { expect } from 'chai';
import * as t from 'io-ts';
import { makePrepareCall, mergeHeaders, queryString } from '../../lib/http/prepare-call';

const config = {
  apiKey: 'vc_prepare_key',
  baseURL: 'https://api.vitable.test',
  defaultHeaders: { 'X-Team': 'ops', accept: 'application/vnd.custom+json' },
  timeoutMs: 60_000,
  maxRetries: 2,
};
const decoder = t.unknown;

describe('makePrepareCall', () => {
  const prepare = makePrepareCall(config);

  it('builds the URL with the query, and the headers every request sends, defaultHeaders winning case-insensitively', () => {
    const c = prepare(
      'GET',
      { path: '/v1/groups', query: { page: 2, limit: undefined }, decoder },
      { headers: {} },
      undefined,
    );
    expect(c.spec.url).to.equal('https://api.vitable.test/v1/groups?page=2');
    expect(c.spec.headers).to.deep.equal({
      accept: 'application/vnd.custom+json',
      'User-Agent': c.spec.headers['User-Agent'],
      Authorization: 'Bearer vc_prepare_key',
      'X-Team': 'ops',
    });
    expect(c.spec.body).to.equal(undefined);
    expect(c).to.include({ timeoutMs: 60_000, maxRetries: 2, decoder });
  });

  it('uses the merged headers of the client as they are when the call adds none (the same object every time)', () => {
    const a = prepare('GET', { path: '/v1/groups', decoder }, { headers: {} }, undefined);
    const b = prepare('GET', { path: '/v1/groups/x', decoder }, { headers: {} }, undefined);
    expect(a.spec.headers).to.equal(b.spec.headers);
  });

  it('adds the Idempotency-Key and per-call headers, the call winning, without touching the shared headers', () => {
    const shared = prepare(
      'POST',
      { path: '/v1/groups', body: {}, decoder },
      { headers: {} },
      undefined,
    ).spec.headers;
    const c = prepare(
      'POST',
      { path: '/v1/groups', body: { a: 1 }, decoder },
      { headers: { 'x-team': 'mine' } },
      'key-1',
    );
    expect(c.spec.headers).to.include({
      'Idempotency-Key': 'key-1',
      'Content-Type': 'application/json',
      'x-team': 'mine',
    });
    expect(c.spec.headers).not.to.have.property('X-Team');
    expect(shared).to.include({ 'X-Team': 'ops' }).and.not.to.have.property('Idempotency-Key');
  });

  it('serialises the body once to UTF-8 bytes, and takes per-call timeoutMs, maxRetries and signal', () => {
    const signal = new AbortController().signal;
    const c = prepare(
      'PATCH',
      { path: '/v1/groups/x', body: { name: 'Zoë' }, decoder },
      { headers: {}, timeoutMs: 5, maxRetries: 0, signal },
      undefined,
    );
    expect(Buffer.isBuffer(c.spec.body)).to.equal(true);
    expect(c.spec.body!.toString('utf8')).to.equal('{"name":"Zoë"}');
    expect(c).to.include({ timeoutMs: 5, maxRetries: 0, signal });
    expect(c).not.to.have.property('body'); // the call keeps the bytes, not the endpoint's value
  });
});

describe('mergeHeaders and queryString', () => {
  it('merge later layers over earlier ones by lower-cased name, keeping the later spelling', () => {
    expect(mergeHeaders({ Accept: 'a', 'X-A': '1' }, { accept: 'b' })).to.deep.equal({
      accept: 'b',
      'X-A': '1',
    });
  });

  it('encode defined values only, and nothing for an empty query', () => {
    expect(queryString({ q: 'a b&c', n: 1, u: undefined })).to.equal('?q=a+b%26c&n=1');
    expect(queryString({})).to.equal('');
    expect(queryString(undefined)).to.equal('');
  });
});
