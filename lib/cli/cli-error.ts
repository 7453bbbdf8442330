/**
 * Exit statuses of the `vitable-connect` command line, and the error type that
 * carries one.
 *
 * @packageDocumentation
 */

/** The exit statuses: every member synced, some failed, the command could not run as asked, or it was interrupted. */
export const ExitCode = {
  /** Everything asked for was done (every member synced). */
  Ok: 0,
  /** The command ran but something failed: members invalid or rejected, a server or network error. */
  Failed: 1,
  /** Usage or configuration error: bad arguments, missing or rejected API key, unreadable file. */
  Usage: 2,
  /** Stopped before the end: Ctrl-C (SIGINT), SIGTERM, or standard output closed (128 + SIGINT's number, as shells report it). */
  Interrupted: 130,
} as const;

/** One of {@link ExitCode}'s values. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error raised by the command line itself (not by the client), with the
 * exit status it ends the process with and a message written for a person.
 *
 * Internal to the command line (not exported by the package root).
 *
 * @internal
 * @example
 * // inside a command:
 * throw new CliError("cannot read roster file 'x.csv': ENOENT: no such file or directory", ExitCode.Usage);
 * // the shell sees:  $ vitable-connect sync x.csv --group grp_1; echo $?   →   2
 */
export class CliError extends Error {
  readonly _tag = 'CliError' as const;
  readonly exitCode: ExitCode;

  constructor(message: string, exitCode: ExitCode) {
    super(message);
    this.exitCode = exitCode;
    Object.defineProperty(this, 'name', {
      value: 'CliError',
      enumerable: false,
      writable: true,
      configurable: true,
    });
  }
}
