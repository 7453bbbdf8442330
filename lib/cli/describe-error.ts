import { CommanderError } from 'commander';
import { ApiError, PollTimeoutError, VitableError } from '../errors';
import { CliError, ExitCode } from './cli-error';

/** What the command line prints for an error, and the exit status it ends with. */
export interface ErrorDescription {
  readonly exitCode: ExitCode;
  /** Lines for standard error (empty when commander already printed its own message). */
  readonly text: string;
}

const serverMessage = (body: unknown): string | undefined => {
  if (typeof body === 'string') return body.trim() === '' ? undefined : body.slice(0, 300);
  if (body === null || typeof body !== 'object') return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error === 'string') return error;
  if (error !== null && typeof error === 'object') {
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  const message = (body as { message?: unknown }).message;
  return typeof message === 'string' ? message : undefined;
};

/**
 * Maps anything a command throws to its exit status and a message a person can
 * act on:
 *
 * - usage errors (commander), {@link CliError}s, `ConfigError` and
 *   `ValidationError` (bad arguments, caught before sending): status 2;
 * - `AuthenticationError` (401) and `PermissionDeniedError` (403): status 2,
 *   since the fix is configuration (the key, `--base-url`, `--environment`);
 * - every other server answer (`ApiError`: status, server message, request id),
 *   connection failures, timeouts, `DecodeError`, `PollTimeoutError` (with the
 *   command to resume) and anything unexpected: status 1.
 *
 * @internal
 * @example
 * const { exitCode, text } = describeError(err);
 * process.stderr.write(text);
 * process.exitCode = exitCode;
 */
export const describeError = (err: unknown): ErrorDescription => {
  if (err instanceof CommanderError) {
    const ok =
      err.code === 'commander.helpDisplayed' ||
      err.code === 'commander.version' ||
      err.exitCode === 0;
    return { exitCode: ok ? ExitCode.Ok : ExitCode.Usage, text: '' };
  }
  if (err instanceof CliError) return { exitCode: err.exitCode, text: `error: ${err.message}\n` };
  if (err instanceof ApiError) {
    const auth = err._tag === 'AuthenticationError' || err._tag === 'PermissionDeniedError';
    const lines = [
      `error: the server answered ${err.status} (${err._tag}) to ${err.method} ${err.path}`,
      `  message:    ${serverMessage(err.body) ?? '(none)'}`,
      `  request id: ${err.requestId ?? '(none)'}`,
    ];
    if (auth)
      lines.push(
        '  check the API key (--api-key or VITABLE_CONNECT_API_KEY) and where it is sent (--base-url, --environment)',
      );
    return { exitCode: auth ? ExitCode.Usage : ExitCode.Failed, text: `${lines.join('\n')}\n` };
  }
  if (err instanceof PollTimeoutError)
    return {
      exitCode: ExitCode.Failed,
      text:
        `error: ${err.message}\n` +
        `  the server may still process it; resume with: vitable-connect sync-status ${err.groupId} ${err.requestId} --wait\n`,
    };
  if (err instanceof VitableError) {
    const usage = err._tag === 'ConfigError' || err._tag === 'ValidationError';
    const hint =
      err._tag === 'ConnectionError' || err._tag === 'TimeoutError'
        ? '  is the server reachable? check --base-url / --environment (or VITABLE_CONNECT_BASE_URL)\n'
        : '';
    return {
      exitCode: usage ? ExitCode.Usage : ExitCode.Failed,
      text: `error: ${err.message}\n${hint}`,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { exitCode: ExitCode.Failed, text: `error: unexpected failure: ${message}\n` };
};
