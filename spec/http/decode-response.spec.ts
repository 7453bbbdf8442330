import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { of } from 'rxjs';
import { DecodeError, NotFoundError, RateLimitError } from '../../lib/errors';
import { decodeInto, decodeResponse } from '../../lib/http/decode-response';
import { raw } from './pieces';

const info = { method: 'GET', path: '/v1/groups/grp_1' };
const Named = t.type({ name: t.string }, 'Named');

describe('decodeResponse', () => {
  it('decodes a 2xx JSON body with the decoder into a Right', () => {
    expect(decodeResponse(raw(200, '{"name":"a"}'), Named, info)).to.deep.equal(
      E.right({ name: 'a' }),
    );
    expect(decodeResponse(raw(204, '{"name":"b"}'), Named, info)).to.deep.equal(
      E.right({ name: 'b' }),
    );
  });

  it('makes a non-2xx the ApiError of its status, body parsed when JSON and kept as text otherwise', () => {
    const notFound = decodeResponse(
      raw(404, '{"error":{"message":"no"}}', { 'x-request-id': 'req_1' }),
      Named,
      info,
    );
    expect(E.isLeft(notFound) && notFound.left)
      .to.be.instanceOf(NotFoundError)
      .and.to.include({ requestId: 'req_1', status: 404 });
    expect(E.isLeft(notFound) && (notFound.left as NotFoundError).body).to.deep.equal({
      error: { message: 'no' },
    });
    const limited = decodeResponse(raw(429, 'slow down'), Named, info);
    expect(E.isLeft(limited) && (limited.left as RateLimitError).body).to.equal('slow down');
  });

  it('makes a 2xx body that is not JSON, or not of the shape, a DecodeError keeping the body and naming the paths', () => {
    const text = decodeResponse(raw(200, 'not json'), Named, info);
    expect(E.isLeft(text) && text.left)
      .to.be.instanceOf(DecodeError)
      .and.to.include({ body: 'not json' });
    const shape = decodeResponse(raw(200, '{"name":1}'), Named, info);
    expect(E.isLeft(shape) && (shape.left as DecodeError).issues.map((i) => i.path)).to.deep.equal([
      'name',
    ]);
    expect(E.isLeft(shape) && shape.left.message).to.contain('Named');
  });

  it('decodes a body a custom axios instance already parsed', () => {
    expect(decodeResponse(raw(200, { name: 'c' }), Named, info)).to.deep.equal(
      E.right({ name: 'c' }),
    );
  });
});

describe('decodeInto', () => {
  it('emits the Right and sends a Left down the error channel', () => {
    const values: unknown[] = [];
    of(raw(200, '{"name":"a"}'))
      .pipe(decodeInto(Named, info))
      .subscribe((v) => values.push(v));
    expect(values).to.deep.equal([{ name: 'a' }]);
    let error: unknown;
    of(raw(404))
      .pipe(decodeInto(Named, info))
      .subscribe({ error: (e: unknown) => (error = e) });
    expect(error).to.be.instanceOf(NotFoundError);
  });
});
