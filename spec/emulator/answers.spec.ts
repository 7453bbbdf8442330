import { expect } from 'chai';
import { badQuery, fail, invalid, rateLimited, toText } from '../../lib/emulator/answers';

describe('answers', () => {
  it('fail gives the JSON error body, with details only when given', () => {
    expect(fail(404, 'not_found_error', 'gone')).to.deep.equal({ status: 404, body: { error: { type: 'not_found_error', message: 'gone' } } });
    const details = [{ path: 'name', message: 'name is required' }];
    expect(fail(422, 'validation_error', 'bad', details).body).to.deep.equal({ error: { type: 'validation_error', message: 'bad', details } });
  });

  it('invalid is a 422 and badQuery a 400, each joining its problems into the message', () => {
    const problems = [
      { path: 'a', message: 'a is required' },
      { path: 'b', message: 'b must be a string, got number' },
    ];
    expect(invalid(problems)).to.deep.equal({
      status: 422,
      body: { error: { type: 'validation_error', message: 'Invalid request body: a is required; b must be a string, got number', details: problems } },
    });
    expect(badQuery(problems).status).to.equal(400);
    expect(badQuery(problems).body).to.deep.include({ error: { type: 'invalid_request_error', message: 'Invalid query: a is required; b must be a string, got number', details: problems } });
  });

  it('rateLimited sends whole seconds rounded up (at least 1), and the exact ms only when asked', () => {
    expect(rateLimited(1500, 'slow down', false).headers).to.deep.equal({ 'retry-after': '2' });
    expect(rateLimited(1, 'slow down', false).headers).to.deep.equal({ 'retry-after': '1' });
    expect(rateLimited(3000, 'slow down', false).headers).to.deep.equal({ 'retry-after': '3' });
    expect(rateLimited(2001, 'slow down', true).headers).to.deep.equal({ 'retry-after': '3', 'retry-after-ms': '2001' });
    expect(rateLimited(10, 'slow down', true)).to.deep.include({ status: 429, body: { error: { type: 'rate_limit_error', message: 'slow down' } } });
  });

  it('toText serialises the body once and keeps status and headers', () => {
    expect(toText({ status: 201, body: { data: { id: 'grp_1' } } })).to.deep.equal({ status: 201, body: '{"data":{"id":"grp_1"}}' });
    expect(toText({ status: 405, body: null, headers: { allow: 'GET' } })).to.deep.equal({ status: 405, body: 'null', headers: { allow: 'GET' } });
  });
});
