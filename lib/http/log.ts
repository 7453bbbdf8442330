import { redact } from '../errors';
import type { Logger, LogLevel } from '../types';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A logger already filtered by level; every line is redacted. @internal */
export interface Log {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

/** The accepted log levels, quietest first. */
export const LOG_LEVELS: ReadonlyArray<LogLevel> = ['off', 'error', 'warn', 'info', 'debug'];

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Wraps `logger` so that only messages at `level` or more severe are written,
 * each prefixed with the package name and with every registered secret (the
 * API key) replaced by a marker. A logger that throws is ignored.
 *
 * @example
 * // internal (lib/http/log.ts), not part of the package root
 * const log = makeLog(console, 'warn');
 * log.debug('not printed');
 * log.warn('printed');
 *
 * @internal
 */
export const makeLog = (logger: Logger, level: LogLevel): Log => {
  const threshold = LOG_LEVELS.indexOf(level);
  const write =
    (method: Exclude<LogLevel, 'off'>) =>
    (message: string): void => {
      if (LOG_LEVELS.indexOf(method) > threshold) return;
      try {
        logger[method](redact(`[vitable-connect-rx] ${message}`));
      } catch {
        // a broken logger must not break a request
      }
    };
  return { error: write('error'), warn: write('warn'), info: write('info'), debug: write('debug') };
};
