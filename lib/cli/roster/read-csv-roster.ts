import { parse } from 'csv-parse';
import type { CsvError, InfoRecord, Options } from 'csv-parse';
import { pipeline, type Readable } from 'node:stream';
import { CliError, ExitCode } from '../cli-error';
import { checkHeader, rowToMember } from './roster-columns';
import type { RosterRecord } from './roster-record';
import { Utf8Lines } from './utf8-lines';

/** Longest CSV record accepted, in characters; a longer one (often an unclosed quote) stops reading. */
export const MAX_CSV_RECORD_CHARS = 1_000_000;

/** Errors after which csv-parse cannot find the next record boundary again. */
const UNRECOVERABLE = new Set([
  'CSV_INVALID_CLOSING_QUOTE',
  'CSV_QUOTE_NOT_CLOSED',
  'CSV_MAX_RECORD_SIZE',
]);

interface Parsed {
  readonly cells: string[];
  readonly line: number;
  /** 1-based count of records parsed so far, this one included (the header is 1). */
  readonly ordinal: number;
}

interface Skipped {
  /** How many records had been parsed when this one failed. */
  readonly after: number;
  readonly line: number;
  readonly reason: string;
  readonly fatal: boolean;
}

const isParsed = (u: unknown): u is Parsed =>
  typeof u === 'object' && u !== null && Array.isArray((u as Parsed).cells);

/**
 * Reads a CSV roster lazily: a header row of `MemberInput` field names (the
 * address flattened to `address_line_1`, `address_line_2`, `city`, `state`,
 * `zipcode`), then one member per row. Rows are pulled from `input` only as the
 * consumer asks for them, so a file of any size is never held whole.
 *
 * Cells are trimmed and an empty cell is an absent field. A row with the wrong
 * number of columns, a misplaced quote, or bytes that are not UTF-8 (see
 * {@link Utf8Lines}; it is never yielded with U+FFFD in place of them) is
 * yielded as an `error` record naming its line; reading goes on. A broken quote that leaves the rest of the
 * file ambiguous (or a record over {@link MAX_CSV_RECORD_CHARS}) is yielded as a
 * `fatal` error record and reading stops there, so no row is silently merged
 * or dropped. A bad header (or one that is not UTF-8) throws a {@link CliError} (exit status 2) naming the
 * unknown, repeated or missing columns; so does an empty input and a read error.
 *
 * @internal
 * @example
 * // roster.csv:
 * // reference_id,first_name,last_name,date_of_birth,phone,plan_id,address_line_1,city,state,zipcode
 * // EMP-1,Jane,Doe,1990-05-15,4155550100,pln_1,1 Main St,Austin,TX,78701
 * for await (const record of readCsvRoster(fs.createReadStream('roster.csv'), 'roster.csv')) {
 *   // { kind: 'member', index: 0, line: 2, value: { reference_id: 'EMP-1', …, address: { … } } }
 * }
 */
export async function* readCsvRoster(
  input: Readable,
  source: string,
): AsyncGenerator<RosterRecord> {
  const skipped: Skipped[] = [];
  let parsedCount = 0;
  const options: Options<Parsed, string[]> = {
    bom: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
    skip_records_with_error: true,
    max_record_size: MAX_CSV_RECORD_CHARS,
    on_record: (cells: string[], info: InfoRecord): Parsed => ({
      cells,
      line: info.lines,
      ordinal: ++parsedCount,
    }),
    on_skip: (err: CsvError | undefined): undefined => {
      const context = err as (CsvError & { lines?: number }) | undefined;
      skipped.push({
        after: parsedCount,
        line: context?.lines ?? 0,
        reason: (err?.message ?? 'unreadable record').replace(/\s+on line \d+$/, ''),
        fatal: err !== undefined && UNRECOVERABLE.has(err.code),
      });
      return undefined;
    },
  };
  // csv-parse's untyped-columns overload assumes on_record returns string[]; ours wraps the record
  const parser = parse(options as unknown as Options);
  const utf8 = new Utf8Lines();
  let readError: Error | undefined;
  pipeline(input, utf8.transform(), parser, (err) => {
    if (err) readError = err;
  });

  let header: string[] | undefined;
  let index = 0;
  let lastGoodLine = 0;
  const skippedRecord = (s: Skipped): RosterRecord => {
    utf8.takeUpTo(s.line); // already refused, whatever its bytes
    return skippedRecordOf(s);
  };
  const skippedRecordOf = (s: Skipped): RosterRecord => ({
    kind: 'error',
    index: index++,
    line: s.line,
    reason: s.fatal
      ? `line ${s.line}: ${s.reason}; reading stopped: the rows after line ${lastGoodLine} cannot be read reliably and were not read (fix the file and sync again)`
      : `line ${s.line}: ${s.reason}`,
    fatal: s.fatal,
  });

  try {
    for await (const parsed of parser as AsyncIterable<unknown>) {
      if (!isParsed(parsed)) continue;
      if (header === undefined) {
        if (skipped.length > 0 && skipped[0]!.after === 0)
          throw new CliError(
            `${source}: the header row cannot be parsed: ${skipped[0]!.reason}`,
            ExitCode.Usage,
          );
        if (utf8.takeUpTo(parsed.line).length > 0)
          throw new CliError(
            `${source}: the header row is not valid UTF-8 text (save the file as UTF-8)`,
            ExitCode.Usage,
          );
        const problems = checkHeader(parsed.cells);
        if (problems.length > 0)
          throw new CliError(
            `${source}: bad header row: ${problems.join('; ')} (columns are MemberInput field names, the address flattened)`,
            ExitCode.Usage,
          );
        header = parsed.cells;
        lastGoodLine = parsed.line;
        continue;
      }
      // a record skipped before this one was, in the file, before it
      while (skipped.length > 0 && skipped[0]!.after < parsed.ordinal) {
        const s = skipped.shift()!;
        yield skippedRecord(s);
        if (s.fatal) return;
      }
      lastGoodLine = parsed.line;
      const notUtf8 = utf8.takeUpTo(parsed.line);
      if (notUtf8.length > 0) {
        const at = notUtf8[0] === parsed.line ? '' : ` (at line ${notUtf8[0]})`;
        yield {
          kind: 'error',
          index: index++,
          line: parsed.line,
          reason: `line ${parsed.line}: not valid UTF-8 text${at}: bytes in another encoding, such as Latin-1 (save the file as UTF-8)`,
        };
        continue;
      }
      if (parsed.cells.length !== header.length) {
        yield {
          kind: 'error',
          index: index++,
          line: parsed.line,
          reason: `line ${parsed.line}: expected ${header.length} columns as in the header, got ${parsed.cells.length}`,
        };
        continue;
      }
      yield {
        kind: 'member',
        index: index++,
        line: parsed.line,
        value: rowToMember(header, parsed.cells),
      };
    }
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw readFailure(source, readError ?? err);
  } finally {
    parser.destroy();
    input.destroy();
  }
  if (readError !== undefined) throw readFailure(source, readError);
  if (header === undefined) {
    if (skipped.length > 0)
      throw new CliError(
        `${source}: the header row cannot be parsed: ${skipped[0]!.reason}`,
        ExitCode.Usage,
      );
    throw new CliError(
      `${source}: the file is empty; expected a header row of MemberInput field names`,
      ExitCode.Usage,
    );
  }
  for (const s of skipped) {
    yield skippedRecord(s);
    if (s.fatal) return;
  }
}

const readFailure = (source: string, err: unknown): CliError =>
  new CliError(
    `cannot read roster ${source}: ${err instanceof Error ? err.message : String(err)}`,
    ExitCode.Usage,
  );
