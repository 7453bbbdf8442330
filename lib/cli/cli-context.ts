import { Console } from 'node:console';
import { API_KEY_ENV, makeClient } from '../client';
import type { ClientOptions, Environment, VitableConnect } from '../types';
import { CliError, ExitCode } from './cli-error';
import type { CliIo } from './cli-io';
import { createInterrupts, type Interrupts } from './interrupts';

/** The global options every command accepts. */
export interface GlobalOptions {
  readonly apiKey?: string;
  readonly baseUrl?: string;
  readonly environment?: Environment;
}

/**
 * What every command gets: the streams, a way to build the client from the
 * global options, and the exit status to end with.
 *
 * @internal
 * @example
 * const ctx = createCliContext(processIo());
 * const client = ctx.client({ apiKey: 'vc_…' });
 * ctx.exitCode = ExitCode.Failed;
 */
export interface CliContext {
  readonly io: CliIo;
  /** The arguments the command line was run with (after the program name). */
  readonly argv: ReadonlyArray<string>;
  /** Milliseconds since the epoch (`io.now`, default `Date.now`). */
  readonly now: () => number;
  /** Ctrl-C, SIGTERM and a closed standard output, for commands that stop cleanly. */
  readonly interrupts: Interrupts;
  /** The exit status `main` returns (default 0). */
  exitCode: ExitCode;
  /** Builds a client; a missing key is a {@link CliError} naming `--api-key` and the env var. */
  client(
    globals: GlobalOptions,
    extra?: Pick<ClientOptions, 'onRetry' | 'maxRetries' | 'timeoutMs'>,
  ): VitableConnect;
}

/**
 * Creates the {@link CliContext} for one run of the command line. The client
 * logs to standard error (standard output carries results and `--json`), and
 * reads its environment variables from `io.env`.
 *
 * @internal
 * @example
 * const ctx = createCliContext(processIo(), ['groups', 'list']);
 */
export const createCliContext = (io: CliIo, argv: ReadonlyArray<string> = []): CliContext => ({
  io,
  argv,
  now: io.now ?? Date.now,
  interrupts: createInterrupts(io),
  exitCode: ExitCode.Ok,
  client(globals, extra = {}) {
    const apiKey = globals.apiKey ?? io.env[API_KEY_ENV];
    if (apiKey === undefined || apiKey.trim() === '')
      throw new CliError(
        `missing API key: pass --api-key <key> or set the ${API_KEY_ENV} environment variable ` +
          `(to try the CLI without one, run: vitable-connect demo)`,
        ExitCode.Usage,
      );
    return makeClient(
      {
        apiKey,
        ...(globals.baseUrl !== undefined ? { baseURL: globals.baseUrl } : {}),
        ...(globals.environment !== undefined ? { environment: globals.environment } : {}),
        logger: new Console({ stdout: io.stderr, stderr: io.stderr }),
        ...extra,
      },
      { env: io.env },
    );
  },
});
