import { expect } from 'chai';
import { makeLog, LOG_LEVELS } from '../../lib/http/log';
import type { LogLevel } from '../../lib/types';
import { recordingLogger } from './fixtures';


describe('makeLog', () => {
  it('says a level is enabled exactly when a message at that level is written', () => {
    const written = (level: LogLevel): string[] => {
      const { lines, logger } = recordingLogger();
      const log = makeLog(logger, level);
      const enabled = (['error', 'warn', 'info', 'debug'] as const).filter((l) => log.enabled(l));
      log.error('e');
      log.warn('w');
      log.info('i');
      log.debug('d');
      expect(lines.map((l) => l.split(' ')[0])).to.deep.equal(enabled);
      return enabled;
    };
    expect(LOG_LEVELS.map(written)).to.deep.equal([
      [],
      ['error'],
      ['error', 'warn'],
      ['error', 'warn', 'info'],
      ['error', 'warn', 'info', 'debug'],
    ]);
  });

  it('prefixes every line with the package name', () => {
    const { lines, logger } = recordingLogger();
    makeLog(logger, 'debug').debug('hello');
    expect(lines).to.deep.equal(['debug [vitable-connect-rx] hello']);
  });
});
