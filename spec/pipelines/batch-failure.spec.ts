import { expect } from 'chai';
import {
  AbortError,
  apiErrorFor,
  ConnectionError,
  DecodeError,
  PollTimeoutError,
  TimeoutError,
  ValidationError,
  type VitableError,
} from '../../lib/errors';
import { batchFailure, isPushBack, rateLimitWaitMs, submitMayHaveApplied } from '../../lib/pipelines/batch-failure';

const info = { method: 'POST', path: '/v1/groups/grp_1/members/sync' };
const status = (code: number, headers: Record<string, string> = {}) =>
  apiErrorFor({ ...info, status: code, body: {}, headers, requestId: undefined });

describe('submitMayHaveApplied', () => {
  it('is true when the answer was lost or unclear: a dropped connection, a timeout, an undecodable 2xx, a 409 or a 5xx', () => {
    const maybe: VitableError[] = [
      new ConnectionError(info, 'socket hang up'),
      new TimeoutError(info, 60_000),
      new DecodeError({ ...info, codec: 'SyncSubmission' }, [], {}),
      status(409),
      status(500),
      status(503),
    ];
    for (const e of maybe) expect(submitMayHaveApplied(e), e.message).to.equal(true);
  });

  it('is false when the server refused the batch or it was never sent: a 4xx but 409, a cancellation, a validation error', () => {
    const no: VitableError[] = [status(400), status(401), status(422), status(429), new AbortError(info), new ValidationError('sync', [])];
    for (const e of no) expect(submitMayHaveApplied(e), e.message).to.equal(false);
  });
});

describe('isPushBack', () => {
  it('is true for a 429, a 5xx, a timeout and a dropped connection; false for other answers', () => {
    expect([status(429), status(500), new TimeoutError(info, 1000), new ConnectionError(info, 'reset')].map(isPushBack)).to.deep.equal([
      true,
      true,
      true,
      true,
    ]);
    expect([status(400), status(409), new AbortError(info)].map(isPushBack)).to.deep.equal([false, false, false]);
  });
});

describe('rateLimitWaitMs', () => {
  it('takes retry-after-ms first, then Retry-After seconds, else 1 s', () => {
    expect(rateLimitWaitMs(status(429, { 'retry-after-ms': '250', 'retry-after': '3' }))).to.equal(250);
    expect(rateLimitWaitMs(status(429, { 'retry-after': '2' }))).to.equal(2000);
    expect(rateLimitWaitMs(status(429))).to.equal(1000);
    expect(rateLimitWaitMs(status(429, { 'retry-after': 'soon', 'retry-after-ms': '-5' }))).to.equal(1000);
  });

  it('keeps the wait between 100 ms and 60 s', () => {
    expect(rateLimitWaitMs(status(429, { 'retry-after-ms': '1' }))).to.equal(100);
    expect(rateLimitWaitMs(status(429, { 'retry-after': '3600' }))).to.equal(60_000);
  });
});

describe('batchFailure', () => {
  it('after a 202 says the server accepted the batch and names the request id and the call to check it', () => {
    const failure = batchFailure('grp_1', status(500), 'grpmsr_9');
    expect(failure).to.deep.include({ requestId: 'grpmsr_9', mayHaveApplied: true });
    expect(failure.reason).to.contain('the server accepted this batch (request grpmsr_9)');
    expect(failure.reason).to.contain("client.members.sync.retrieve('grp_1', 'grpmsr_9')");
  });

  it('after a poll timeout says the server may still process it and how to resume', () => {
    const failure = batchFailure('grp_1', new PollTimeoutError('grp_1', 'grpmsr_9', 900_000), 'grpmsr_9');
    expect(failure.mayHaveApplied).to.equal(true);
    expect(failure.reason).to.match(/the server may still process it: resume with client\.members\.sync\.retrieve\('grp_1', 'grpmsr_9'\)$/);
  });

  it('without a request id: may have applied when the submit answer was lost, not when the server refused it', () => {
    const lost = batchFailure('grp_1', new ConnectionError(info, 'socket hang up'));
    expect(lost).to.not.have.property('requestId');
    expect(lost.mayHaveApplied).to.equal(true);
    expect(lost.reason).to.match(/the server may have applied this batch: its answer to the submit was lost or unclear$/);
    const refused = batchFailure('grp_1', status(422));
    expect(refused).to.deep.equal({ error: refused.error, reason: refused.error.message, mayHaveApplied: false });
  });
});
