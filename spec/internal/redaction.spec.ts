// The API key never leaves the client, even through a server that echoes it
// (API.md, Errors): error fields, inspect, String, JSON, log lines, onResponse
// and onRetry payloads.
import { expect } from 'chai';
import nock from 'nock';
import { inspect } from 'node:util';
import { lastValueFrom } from 'rxjs';
import { ApiError } from '../../lib/errors';
import { redact, REDACTED, registerSecret } from '../../lib/internal/redaction';
import type { ResponseEvent, RetryEvent } from '../../lib/types';
import { API, KEY, recordingLogger, testClient } from '../http/fixtures';

describe('redact', () => {
  const SECRET = 'vc_redaction_spec_0001';
  before(() => registerSecret(SECRET));

  it('replaces every registered secret in strings, arrays, objects and keys, deeply, and leaves other values alone', () => {
    const input = { [`k_${SECRET}`]: [`a ${SECRET} b ${SECRET}`, 1, null, { deep: SECRET }], n: 2 };
    expect(redact(input)).to.deep.equal({
      [`k_${REDACTED}`]: [`a ${REDACTED} b ${REDACTED}`, 1, null, { deep: REDACTED }],
      n: 2,
    });
    expect(input[`k_${SECRET}`]![0]).to.contain(SECRET); // not changed in place
    expect(redact(42)).to.equal(42);
    expect(redact(undefined)).to.equal(undefined);
  });

  it('ignores secrets too short to be told from ordinary text', () => {
    registerSecret('abc');
    expect(redact('abc abc')).to.equal('abc abc');
  });

  it('stops at 32 levels instead of overflowing the stack on a deep or cyclic value', () => {
    const cyclic: Record<string, unknown> = { s: SECRET };
    cyclic['self'] = cyclic;
    const out = redact(cyclic) as Record<string, unknown>;
    expect(out['s']).to.equal(REDACTED);
  });

  const nested = (levels: number, leaf: unknown): unknown => {
    let value = leaf;
    for (let i = 0; i < levels; i++) value = { next: value };
    return value;
  };

  it('past 32 levels replaces a part holding a secret by the marker, and keeps one without', () => {
    const deep = JSON.stringify(redact(nested(40, { echo: `Bearer ${SECRET}` })));
    expect(deep).to.not.contain(SECRET);
    expect(deep).to.contain(REDACTED);
    expect(redact(nested(40, { echo: 'nothing secret' }))).to.deep.equal(nested(40, { echo: 'nothing secret' }));
  });

  it('keeps an error that shows no secret as it is: its class, message and cause', () => {
    const cause = new TypeError('socket hang up');
    const error = new RangeError('outer', { cause });
    expect(redact(error)).to.equal(error);
    expect(redact({ cause }).cause).to.equal(cause);
  });

  it('copies an error that shows a secret, anywhere in it or its causes, keeping its class', () => {
    const cause = new TypeError(`rejected Bearer ${SECRET}`);
    const error = Object.assign(new RangeError('outer', { cause }), { detail: { echo: SECRET } });
    const out = redact(error);
    expect(out).to.be.instanceOf(RangeError).and.not.equal(error);
    expect(out.message).to.equal('outer');
    expect(out.cause).to.be.instanceOf(TypeError);
    expect((out.cause as Error).message).to.equal(`rejected Bearer ${REDACTED}`);
    expect(inspect(out, { depth: 5 })).to.not.contain(SECRET);
    expect(JSON.stringify(out)).to.not.contain(SECRET);
    expect(error.cause).to.equal(cause); // not changed in place
  });
});

describe('the API key, echoed by a server', () => {
  it('appears in no error field, inspect, String, JSON, log line, onResponse or onRetry payload', async () => {
    const echo = { 'x-request-id': KEY, 'x-echo': `Bearer ${KEY}`, 'retry-after-ms': '1' };
    nock(API)
      .get(`/v1/groups/grp_1`)
      .times(2)
      .reply(503, { error: { message: `bad key ${KEY}` }, key: KEY }, echo);
    const { lines, logger } = recordingLogger();
    const responses: ResponseEvent[] = [];
    const retries: RetryEvent[] = [];
    const client = testClient({
      maxRetries: 1,
      logger,
      logLevel: 'debug',
      onResponse: (e) => responses.push(e),
      onRetry: (e) => retries.push(e),
    });
    const err = await lastValueFrom(client.groups.retrieve('grp_1')).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ApiError);
    const apiError = err as ApiError;
    expect(apiError.requestId).to.equal(REDACTED);
    expect(apiError.headers['x-echo']).to.equal(`Bearer ${REDACTED}`);
    const texts = [
      apiError.message,
      String(apiError),
      JSON.stringify(apiError),
      inspect(apiError, { depth: 10, showHidden: true }),
      JSON.stringify(apiError.body),
      JSON.stringify(apiError.headers),
      String(apiError.requestId),
      ...lines,
      JSON.stringify(responses),
      JSON.stringify(retries),
    ];
    for (const text of texts) expect(text).not.to.contain(KEY);
    expect(responses).to.have.length(2);
    for (const r of responses) expect(r.requestId).to.equal(REDACTED);
    expect(lines.length).to.be.above(0);
  });

  it('in a path parameter never reaches an error or an event', async () => {
    nock(API).get(`/v1/groups/${KEY}`).reply(404, {});
    const responses: ResponseEvent[] = [];
    const client = testClient({ maxRetries: 0, onResponse: (e) => responses.push(e) });
    const err = await lastValueFrom(client.groups.retrieve(KEY)).catch((e: unknown) => e);
    expect(inspect(err, { depth: 10 })).not.to.contain(KEY);
    expect(JSON.stringify(responses)).not.to.contain(KEY);
  });
});
