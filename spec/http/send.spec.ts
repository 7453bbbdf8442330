import axios from 'axios';
import { expect } from 'chai';
import nock from 'nock';
import { lastValueFrom } from 'rxjs';
import { ConnectionError } from '../../lib/errors';
import { cancelSignalCanceller } from '../../lib/http/request-canceller';
import { send, type SendSpec } from '../../lib/http/send';
import { API, manualAxios } from './fixtures';

const spec = (overrides: Partial<SendSpec> = {}): SendSpec => ({
  method: 'GET',
  url: `${API}/v1/groups`,
  headers: { Accept: 'application/json' },
  info: { method: 'GET', path: '/v1/groups' },
  ...overrides,
});

describe('send', () => {
  it('sends nothing until subscribed, then emits the response of any status with lower-cased headers and the body as text', async () => {
    const scope = nock(API)
      .get('/v1/groups')
      .reply(503, '{"error":1}', { 'X-Request-Id': 'req_1' });
    const exchange = send(axios.create(), spec());
    expect(scope.isDone()).to.equal(false);
    const res = await lastValueFrom(exchange);
    expect(res).to.deep.include({ status: 503, body: '{"error":1}' });
    expect(res.headers).to.include({ 'x-request-id': 'req_1' });
  });

  it('sends the body bytes as they are, and the headers given', async () => {
    let seen: { body: unknown; type: string | undefined } | undefined;
    nock(API)
      .post('/v1/groups')
      .reply(function (_path, body) {
        seen = { body, type: this.req.headers['content-type'] as string | undefined };
        return [201, '{}'];
      });
    await lastValueFrom(
      send(
        axios.create(),
        spec({
          method: 'POST',
          body: Buffer.from('{"a":1}'),
          headers: { 'Content-Type': 'application/json' },
        }),
      ),
    );
    expect(seen).to.deep.equal({ body: { a: 1 }, type: 'application/json' });
  });

  it('errors with ConnectionError when no response came', async () => {
    nock(API)
      .get('/v1/groups')
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const error = await lastValueFrom(send(axios.create(), spec())).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ConnectionError);
    expect((error as ConnectionError).message).to.contain('ECONNRESET');
  });

  it('never follows a redirect: a 3xx is the answer', async () => {
    nock(API).get('/v1/groups').reply(302, '', { Location: 'https://elsewhere.test/' });
    const res = await lastValueFrom(send(axios.create(), spec()));
    expect(res.status).to.equal(302);
  });

  it('aborts the request through its canceller when unsubscribed before the answer', () => {
    const { instance, held } = manualAxios();
    const sub = send(instance, spec()).subscribe();
    expect(held).to.have.length(1);
    expect(held[0]!.signal?.aborted).to.equal(false);
    sub.unsubscribe();
    expect(held[0]!.signal?.aborted).to.equal(true);
  });

  it('hands axios the lighter CancelSignal when asked', () => {
    const seen: unknown[] = [];
    const instance = axios.create({
      adapter: (config) => {
        seen.push(config.signal);
        return new Promise(() => undefined);
      },
    });
    send(instance, spec(), cancelSignalCanceller).subscribe().unsubscribe();
    expect(seen[0]).to.not.be.instanceOf(AbortSignal);
    expect((seen[0] as { aborted: boolean }).aborted).to.equal(true);
  });
});
