import { expect } from 'chai';
import { of, throwError } from 'rxjs';
import { AbortError, ConnectionError } from '../../lib/errors';
import { logFailure } from '../../lib/http/error-log';
import { recordingLog } from './pieces';

const info = { method: 'GET', path: '/v1/groups' };

describe('logFailure', () => {
  it('logs a final failure as an error, an abort at debug level, and passes both on', () => {
    const { lines, log } = recordingLog('debug');
    let error: unknown;
    throwError(() => new ConnectionError(info, 'reset'))
      .pipe(logFailure(log))
      .subscribe({ error: (e: unknown) => (error = e) });
    expect(error).to.be.instanceOf(ConnectionError);
    throwError(() => new AbortError(info))
      .pipe(logFailure(log))
      .subscribe({ error: () => undefined });
    expect(lines).to.deep.equal([
      'error [vitable-connect-rx] GET /v1/groups: connection failed: reset',
      "debug [vitable-connect-rx] GET /v1/groups: aborted by the caller's signal",
    ]);
  });

  it('logs nothing for a success', () => {
    const { lines, log } = recordingLog('debug');
    of(1).pipe(logFailure(log)).subscribe();
    expect(lines).to.deep.equal([]);
  });
});
