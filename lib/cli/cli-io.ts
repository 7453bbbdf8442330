import type { Readable } from 'node:stream';

/** A stream the CLI writes to, with what a terminal tells about itself. */
export type CliOutput = NodeJS.WritableStream & {
  readonly isTTY?: boolean;
  readonly columns?: number;
};

/** The signals a long command stops on. */
export type StopSignal = 'SIGINT' | 'SIGTERM';

/** The process's signals and its immediate exit, as the command line uses them. */
export interface CliSignals {
  on(signal: StopSignal, listener: () => void): void;
  off(signal: StopSignal, listener: () => void): void;
  /** Ends the process at once with `status` (a second Ctrl-C). */
  exit(status: number): void;
}

/**
 * Where the command line reads and writes, and its environment; `main` takes
 * one so the whole CLI can run inside a test with captured output. Without
 * `signals`, Ctrl-C is left to the host (nothing is listened to); `now`
 * defaults to `Date.now`.
 *
 * @internal
 * @example
 * const io: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
 */
export interface CliIo {
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  readonly stdin: Readable;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly signals?: CliSignals;
  readonly now?: () => number;
}

/**
 * The real process's streams and environment.
 *
 * @internal
 * @example
 * await main(process.argv.slice(2), processIo());
 */
export const processIo = (): CliIo => ({
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  signals: {
    on: (signal, listener) => void process.on(signal, listener),
    off: (signal, listener) => void process.off(signal, listener),
    exit: (status) => process.exit(status),
  },
  now: Date.now,
});
