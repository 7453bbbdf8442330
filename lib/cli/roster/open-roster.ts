import { promises as fs } from 'node:fs';
import { extname } from 'node:path';
import { Readable } from 'node:stream';
import { CliError, ExitCode } from '../cli-error';
import { readCsvRoster } from './read-csv-roster';
import { readNdjsonRoster } from './read-ndjson-roster';
import type { RosterRecord } from './roster-record';

/** The two roster formats. */
export type RosterFormat = 'csv' | 'ndjson';

/** An opened roster: its records, read lazily, and what is known of its size. */
export interface OpenedRoster {
  /** How messages name it: the path, or `standard input`. */
  readonly source: string;
  readonly format: RosterFormat;
  /** Size in bytes of a file; undefined for standard input. */
  readonly sizeBytes: number | undefined;
  /** Bytes pulled from the file so far (for progress estimates). */
  readonly bytesRead: () => number;
  readonly records: AsyncIterable<RosterRecord>;
  /** Releases the file (or standard input) when the records will not be read to the end; safe twice. */
  close(): void;
}

/** Where `-` reads from, and the format it is in when not sniffed. */
export interface OpenRosterOptions {
  readonly stdin: Readable;
  /** Forces the format; default: by extension (`.csv`, `.ndjson`, `.jsonl`), else sniffed. */
  readonly format?: RosterFormat | undefined;
}

const byExtension = (path: string): RosterFormat | undefined => {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  return undefined;
};

/** NDJSON when the first non-blank character opens a JSON object, else CSV. */
const sniff = (head: string): RosterFormat =>
  head
    .replace(/^\uFEFF/, '')
    .trimStart()
    .startsWith('{')
    ? 'ndjson'
    : 'csv';

const reader = (format: RosterFormat) => (format === 'csv' ? readCsvRoster : readNdjsonRoster);

/**
 * Opens a roster file (or `-` for standard input) for lazy reading. A file
 * that cannot be opened or is a directory throws a {@link CliError} (exit
 * status 2) naming the path and the reason.
 *
 * @internal
 * @example
 * const roster = await openRoster('roster.csv', { stdin: process.stdin });
 * for await (const record of roster.records) console.log(record.kind, record.line);
 */
export const openRoster = async (
  path: string,
  options: OpenRosterOptions,
): Promise<OpenedRoster> => {
  if (path === '-') return openStdin(options);
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, 'r');
  } catch (err) {
    throw new CliError(`cannot read roster file '${path}': ${reasonOf(err)}`, ExitCode.Usage);
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory())
      throw new CliError(`cannot read roster file '${path}': it is a directory`, ExitCode.Usage);
    let format = options.format ?? byExtension(path);
    if (format === undefined) {
      const head = Buffer.alloc(256);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      format = sniff(head.subarray(0, bytesRead).toString('utf8'));
    }
    const stream = handle.createReadStream({ start: 0, highWaterMark: 64 * 1024 });
    return {
      source: `'${path}'`,
      format,
      sizeBytes: stat.size,
      bytesRead: () => stream.bytesRead,
      records: reader(format)(stream, `file '${path}'`),
      close: () => stream.destroy(),
    };
  } catch (err) {
    await handle.close().catch(() => undefined);
    if (err instanceof CliError) throw err;
    throw new CliError(`cannot read roster file '${path}': ${reasonOf(err)}`, ExitCode.Usage);
  }
};

const openStdin = async (options: OpenRosterOptions): Promise<OpenedRoster> => {
  let bytes = 0;
  const source = 'standard input';
  if (options.format !== undefined) {
    const counted = countBytes(options.stdin, (n) => (bytes += n));
    return {
      source,
      format: options.format,
      sizeBytes: undefined,
      bytesRead: () => bytes,
      records: reader(options.format)(counted, source),
      close: () => counted.destroy(),
    };
  }
  // peek at the first chunk to tell NDJSON from CSV, then replay it
  const iterator = (options.stdin as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  let first: IteratorResult<Buffer | string>;
  try {
    first = await iterator.next();
  } catch (err) {
    throw new CliError(`cannot read roster from ${source}: ${reasonOf(err)}`, ExitCode.Usage);
  }
  const head = first.done
    ? ''
    : typeof first.value === 'string'
      ? first.value
      : first.value.toString('utf8');
  const format = sniff(head);
  async function* replay(): AsyncGenerator<Buffer | string> {
    if (first.done) return;
    yield first.value;
    for (let next = await iterator.next(); !next.done; next = await iterator.next())
      yield next.value;
  }
  const counted = countBytes(Readable.from(replay(), { objectMode: false }), (n) => (bytes += n));
  return {
    source,
    format,
    sizeBytes: undefined,
    bytesRead: () => bytes,
    records: reader(format)(counted, source),
    close: () => counted.destroy(),
  };
};

const countBytes = (input: Readable, add: (n: number) => void): Readable => {
  async function* counting(): AsyncGenerator<Buffer | string> {
    for await (const chunk of input as AsyncIterable<Buffer | string>) {
      add(chunk.length);
      yield chunk;
    }
  }
  return Readable.from(counting(), { objectMode: false });
};

const reasonOf = (err: unknown): string => {
  const code = (err as { code?: unknown } | null)?.code;
  const messages: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EISDIR: 'it is a directory',
    EMFILE: 'too many open files',
  };
  if (typeof code === 'string' && messages[code]) return `${messages[code]} (${code})`;
  return err instanceof Error ? err.message : String(err);
};
