import { promises as fs } from 'node:fs';
import { CliError, ExitCode } from './cli-error';

/**
 * Whether two paths name the same existing file: the same device and inode,
 * so another spelling (`./r.csv`, `dir/../r.csv`), a symbolic link or a hard
 * link to it all count. A path that does not exist is no file's.
 *
 * @internal
 * @example
 * await sameFile('roster.csv', './roster.csv'); // true
 */
export const sameFile = async (a: string, b: string): Promise<boolean> => {
  const [sa, sb] = await Promise.all([statOrUndefined(a), statOrUndefined(b)]);
  return sa !== undefined && sb !== undefined && sa.dev === sb.dev && sa.ino === sb.ino;
};

/**
 * Refuses an output file (`--report`, `--journal`) that is the roster itself,
 * before anything is opened or written: writing it would destroy the input
 * the command is about to read. A {@link CliError} with exit status 2 naming
 * the flag; nothing happens for a roster read from standard input (`-`) or an
 * absent flag.
 *
 * @internal
 * @example
 * await refuseRosterAsOutput('roster.csv', opts.report, '--report');
 * await refuseRosterAsOutput('roster.csv', opts.journal, '--journal');
 */
export const refuseRosterAsOutput = async (
  roster: string,
  output: string | undefined,
  flag: string,
): Promise<void> => {
  if (output === undefined || roster === '-') return;
  if (await sameFile(roster, output))
    throw new CliError(
      `${flag} '${output}' is the roster file '${roster}' itself; writing it would destroy the roster: ` +
        `give ${flag} another path (nothing was read or written)`,
      ExitCode.Usage,
    );
};

const statOrUndefined = async (path: string) => {
  try {
    return await fs.stat(path);
  } catch {
    return undefined;
  }
};
