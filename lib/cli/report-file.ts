import { promises as fs } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { redact } from '../errors';
import { CliError, ExitCode } from './cli-error';

// model

/**
 * A `--report` file about to be written: a temporary file next to it, renamed
 * over it once complete, so the report is either the previous one or the whole
 * new one, never a half-written or 0-byte file. A symbolic link is followed
 * (the file it names gets the report, the link stays); a path that is not a
 * regular file (a device such as `/dev/stdout`, a named pipe) is written in
 * place.
 */
export interface ReportFile {
  readonly path: string;
  /** Writes `report` as JSON (the API key redacted), syncs it and renames it into place. */
  write(report: unknown): Promise<void>;
  /** Removes the temporary file when no report will be written; safe after `write` and twice. */
  discard(): Promise<void>;
}

// constructors

let opened = 0;

const reason = (err: unknown): string => (err instanceof Error ? err.message : String(err));

const cannotWrite = (path: string, err: unknown): CliError =>
  new CliError(`cannot write report file '${path}': ${reason(err)}`, ExitCode.Usage);

/**
 * Where a symbolic link at `path` leads (followed all the way, a dangling one
 * to where it points), so that the report is renamed over the file the link
 * names, and the link the user gave stays a link; `path` itself otherwise.
 */
const linkTarget = async (path: string): Promise<string> => {
  const link = await fs.lstat(path).catch(() => undefined);
  if (!link?.isSymbolicLink()) return path;
  return fs.realpath(path).catch(async () => resolve(dirname(path), await fs.readlink(path)));
};

/** A report written straight into something that is not a regular file (a device, a pipe), opened only to write it. */
const streamReportFile = (path: string, target: string): ReportFile => {
  let done = false;
  return {
    path,
    async write(report) {
      if (done) throw cannotWrite(path, new Error('already written'));
      done = true;
      try {
        await fs.writeFile(target, `${redact(JSON.stringify(report, null, 2))}\n`, 'utf8');
      } catch (err) {
        throw cannotWrite(path, err);
      }
    },
    async discard() {
      done = true;
    },
  };
};

/**
 * Prepares the `--report` file before any work starts (undefined without the
 * flag): a path that cannot be written, or a directory, fails at once (exit
 * status 2), not after a long sync, and nothing of the path is touched until
 * the report is written whole.
 *
 * @internal
 * @example
 * const reportFile = await openReportFile(opts.report);
 * try {
 *   await reportFile?.write(report);
 * } finally {
 *   await reportFile?.discard();
 * }
 */
export const openReportFile = async (path: string | undefined): Promise<ReportFile | undefined> => {
  if (path === undefined) return undefined;
  const target = await linkTarget(path);
  const existing = await fs.stat(target).catch(() => undefined);
  if (existing?.isDirectory()) throw cannotWrite(path, new Error('it is a directory'));
  // a terminal, a pipe, /dev/stdout: written in place (there is nothing to rename over)
  if (existing !== undefined && !existing.isFile()) return streamReportFile(path, target);
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}-${++opened}.tmp`);
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(temp, 'wx');
  } catch (err) {
    throw cannotWrite(path, err);
  }
  let done = false;
  const close = async (): Promise<void> => {
    const h = handle;
    handle = undefined;
    await h?.close().catch(() => undefined);
  };
  return {
    path,
    async write(report) {
      if (done || handle === undefined) throw cannotWrite(path, new Error('already written'));
      try {
        await handle.writeFile(`${redact(JSON.stringify(report, null, 2))}\n`, 'utf8');
        await handle.sync();
        await close();
        await fs.rename(temp, target);
        done = true;
      } catch (err) {
        throw cannotWrite(path, err);
      }
    },
    async discard() {
      await close();
      if (!done) {
        done = true;
        await fs.unlink(temp).catch(() => undefined);
      }
    },
  };
};
