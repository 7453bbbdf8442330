import { expect } from 'chai';
import { of } from 'rxjs';
import { withDebugLog } from '../../lib/http/debug-log';
import { attemptOf, call, raw, recordingLog } from './pieces';

describe('withDebugLog', () => {
  it('logs the attempt as it goes, then its response with the request id', () => {
    const { lines, log } = recordingLog('debug');
    let sent = 0;
    const exchange = withDebugLog(log)(() => {
      sent += 1;
      expect(lines).to.have.length(1); // logged before sending
      return of(raw(200, '{}', { 'x-request-id': 'req_9' }));
    });
    exchange(attemptOf(call(), 3)).subscribe();
    expect(sent).to.equal(1);
    expect(lines).to.deep.equal([
      'debug [vitable-connect-rx] → GET https://api.vitable.test/v1/groups/grp_1 (attempt 3)',
      'debug [vitable-connect-rx] ← 200 GET /v1/groups/grp_1 (request id req_9)',
    ]);
  });

  it('logs nothing until subscribed', () => {
    const { lines, log } = recordingLog('debug');
    withDebugLog(log)(() => of(raw(200)))(attemptOf(call()));
    expect(lines).to.deep.equal([]);
  });
});
