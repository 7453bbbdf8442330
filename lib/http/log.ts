import { redact } from '../internal/redaction';
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
  /**
   * Whether a message at `level` would be written: callers check it before
   * building a message that costs something (a per-request debug line).
   */
  enabled(level: Exclude<LogLevel, 'off'>): boolean;
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
 * if (log.enabled('debug')) log.debug(expensiveDescription());
 *
 * @internal
 */
export const makeLog = (logger: Logger, level: LogLevel): Log => {
  const threshold = LOG_LEVELS.indexOf(level);
  const enabled = (method: Exclude<LogLevel, 'off'>): boolean =>
    LOG_LEVELS.indexOf(method) <= threshold;
  const write =
    (method: Exclude<LogLevel, 'off'>) =>
    (message: string): void => {
      if (!enabled(method)) return;
      try {
        logger[method](redact(`[vitable-connect-rx] ${message}`));
      } catch {
        // a broken logger must not break a request
      }
    };
  return {
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: write('debug'),
    enabled,
  };
};
