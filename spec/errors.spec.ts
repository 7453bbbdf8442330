import { expect } from 'chai';
import { inspect } from 'node:util';
import {
  AbortError,
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConfigError,
  ConflictError,
  ConnectionError,
  DecodeError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  PollTimeoutError,
  RateLimitError,
  REDACTED,
  TimeoutError,
  UnprocessableEntityError,
  ValidationError,
  VitableError,
  apiErrorFor,
  messageOf,
  registerSecret,
  toVitableError,
} from '../lib/errors';

const SECRET = 'vc_errors_spec_SECRET_42';
const info = { method: 'POST', path: '/v1/groups' };

describe('VitableError and its subclasses', () => {
  before(() => registerSecret(SECRET));

  it('map every status to its class with a matching _tag, all ApiErrors and VitableErrors', () => {
    const table: Array<[number, new (...a: never[]) => ApiError]> = [
      [400, BadRequestError],
      [401, AuthenticationError],
      [403, PermissionDeniedError],
      [404, NotFoundError],
      [409, ConflictError],
      [422, UnprocessableEntityError],
      [429, RateLimitError],
      [500, InternalServerError],
      [504, InternalServerError],
      [402, ApiError],
    ];
    for (const [status, cls] of table) {
      const err = apiErrorFor({
        ...info,
        status,
        body: { error: { message: 'm' } },
        headers: { 'x-request-id': 'req_9' },
        requestId: 'req_9',
      });
      expect(err, String(status))
        .to.be.instanceOf(cls)
        .and.instanceOf(ApiError)
        .and.instanceOf(VitableError)
        .and.instanceOf(Error);
      expect(err._tag).to.equal(cls.name);
      expect(err.name).to.equal(cls.name);
      expect(err.requestId).to.equal('req_9');
      expect(err.message).to.equal(
        `POST /v1/groups failed with status ${status}: m (request id req_9)`,
      );
    }
  });

  it('support an exhaustive switch on _tag', () => {
    const errors: VitableError[] = [
      new ConfigError('c'),
      new ValidationError('ctx', [{ path: 'a', message: 'b' }]),
      new ConnectionError(info, 'ECONNRESET'),
      new TimeoutError(info, 5),
      new AbortError(info),
      new DecodeError(
        { ...info, codec: 'Group' },
        [{ path: 'data.id', message: 'is required' }],
        {},
      ),
      new PollTimeoutError('grp_1', 'grpmsr_1', 1000),
    ];
    const tags = errors.map((e) => {
      switch (e._tag) {
        case 'ConfigError':
        case 'ValidationError':
        case 'ConnectionError':
        case 'TimeoutError':
        case 'AbortError':
        case 'DecodeError':
        case 'PollTimeoutError':
          return e._tag;
        default:
          return 'other';
      }
    });
    expect(tags).to.deep.equal([
      'ConfigError',
      'ValidationError',
      'ConnectionError',
      'TimeoutError',
      'AbortError',
      'DecodeError',
      'PollTimeoutError',
    ]);
  });

  it('carry their public fields in JSON', () => {
    const v = new ValidationError('groups.create', [
      { path: 'name', message: 'must not be empty' },
    ]);
    expect(v.message).to.equal('groups.create: name: must not be empty');
    expect(JSON.parse(JSON.stringify(v))).to.deep.include({
      _tag: 'ValidationError',
      issues: [{ path: 'name', message: 'must not be empty' }],
    });
    const p = new PollTimeoutError('grp_1', 'grpmsr_1', 1000);
    expect(JSON.parse(JSON.stringify(p))).to.deep.include({
      groupId: 'grp_1',
      requestId: 'grpmsr_1',
      timeoutMs: 1000,
    });
  });

  it('never contain a registered secret in message, String(err) or JSON.stringify(err)', () => {
    const errors: VitableError[] = [
      apiErrorFor({
        ...info,
        status: 401,
        body: { error: { message: `bad key ${SECRET}` }, [SECRET]: [SECRET] },
        headers: { echo: SECRET },
        requestId: undefined,
      }),
      apiErrorFor({
        ...info,
        status: 500,
        body: `Bearer ${SECRET}`,
        headers: {},
        requestId: undefined,
      }),
      new DecodeError({ ...info, codec: 'Group' }, [{ path: 'data', message: `got ${SECRET}` }], {
        token: SECRET,
      }),
      new ConnectionError(info, `refused for ${SECRET}`, { cause: new Error(SECRET) }),
      new ValidationError(`ctx ${SECRET}`, [{ path: SECRET, message: SECRET }]),
      new VitableError(`x ${SECRET}`),
    ];
    for (const err of errors) {
      for (const text of [err.message, String(err), JSON.stringify(err), err.stack ?? ''])
        expect(text).not.to.contain(SECRET);
      expect(`${err.message}${JSON.stringify(err)}`).to.contain(REDACTED);
    }
  });

  it('never contain it in a field or util.inspect, even when the server echoes it in x-request-id or a path holds it', () => {
    const errors: VitableError[] = [
      apiErrorFor({ ...info, status: 429, body: {}, headers: { 'x-request-id': SECRET }, requestId: SECRET }),
      new DecodeError({ ...info, codec: 'Group', requestId: `req_${SECRET}` }, [], {}),
      new ConnectionError({ method: 'GET', path: `/v1/groups/${SECRET}` }, 'reset'),
      new TimeoutError({ method: 'GET', path: `/v1/groups/${SECRET}` }, 10),
      new AbortError({ method: 'GET', path: `/v1/groups/${SECRET}` }),
      new PollTimeoutError(SECRET, SECRET, 10),
    ];
    for (const err of errors) {
      const fields = Object.values(err).map((v) => JSON.stringify(v) ?? String(v));
      for (const text of [inspect(err, { depth: 10, showHidden: true }), ...fields, String(err)])
        expect(text).not.to.contain(SECRET);
    }
    expect((errors[0] as ApiError).requestId).to.equal(REDACTED);
  });

  it('messageOf describes anything thrown, and never throws itself', () => {
    expect(messageOf(new Error('boom'))).to.equal('boom');
    expect(messageOf(1)).to.equal('1');
    expect(messageOf(Object.create(null))).to.be.a('string');
    const hostile = new Error('x');
    Object.defineProperty(hostile, 'message', { get: () => { throw new Error('no'); } });
    expect(messageOf(hostile)).to.be.a('string');
    expect(messageOf({ toString: () => { throw new Error('no'); } })).to.be.a('string');
  });

  it('toVitableError keeps VitableErrors and wraps anything else', () => {
    const nf = new NotFoundError({
      ...info,
      status: 404,
      body: {},
      headers: {},
      requestId: undefined,
    });
    expect(toVitableError(nf)).to.equal(nf);
    expect(toVitableError(new RangeError('r')).message).to.equal('r');
    expect(toVitableError('plain')).to.be.instanceOf(VitableError);
  });
});
