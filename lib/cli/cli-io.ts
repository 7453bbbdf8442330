import type { Readable } from 'node:stream';

/** A stream the CLI writes to, with what a terminal tells about itself. */
export type CliOutput = NodeJS.WritableStream & {
  readonly isTTY?: boolean;
  readonly columns?: number;
};

/**
 * Where the command line reads and writes, and its environment; `main` takes
 * one so the whole CLI can run inside a test with captured output.
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
});
