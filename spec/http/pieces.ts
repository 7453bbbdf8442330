// Shared fixtures of the specs of the HTTP layer's pieces: a prepared call,
// an attempt, raw responses, a log that records.
import * as t from 'io-ts';
import type { Attempt, PreparedCall } from '../../lib/http/exchange';
import { makeLog } from '../../lib/http/log';
import type { RawResponse } from '../../lib/http/send';
import type { LogLevel } from '../../lib/types';
import { recordingLogger } from './fixtures';

/** A GET call of `/v1/groups/grp_1` decoding any JSON. */
export const call = (overrides: Partial<PreparedCall> = {}): PreparedCall => ({
  spec: {
    method: 'GET',
    url: 'https://api.vitable.test/v1/groups/grp_1',
    headers: {},
    info: { method: 'GET', path: '/v1/groups/grp_1' },
  },
  info: { method: 'GET', path: '/v1/groups/grp_1' },
  timeoutMs: 1000,
  maxRetries: 2,
  decoder: t.unknown,
  ...overrides,
});

/** Attempt `number` of `c`, released at `releasedAt`. */
export const attemptOf = (c: PreparedCall, number = 1, releasedAt = 0): Attempt => ({
  call: c,
  number,
  ticket: { releasedAt, held: false },
});

/** A raw response. */
export const raw = (
  status: number,
  body: unknown = '{}',
  headers: Record<string, string> = {},
): RawResponse => ({ status, body, headers });

/** A Log at `level` whose lines are kept. */
export const recordingLog = (level: LogLevel = 'debug') => {
  const { lines, logger } = recordingLogger();
  return { lines, log: makeLog(logger, level) };
};
