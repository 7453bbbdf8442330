import { pipeline, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { CliError, ExitCode } from '../cli-error';
import type { RosterRecord } from './roster-record';
import { Utf8Lines } from './utf8-lines';

/** Longest NDJSON line accepted, in characters; a longer one is reported invalid and skipped. */
export const MAX_NDJSON_LINE_CHARS = 1_000_000;

/**
 * Reads an NDJSON roster lazily: one JSON member per line, blank lines
 * ignored. Chunks are pulled from `input` only as the consumer asks for
 * records, so a file of any size is never held whole.
 *
 * A line that is not JSON, or that holds bytes that are not UTF-8 (never
 * decoded with U+FFFD in their place), is yielded as an `error` record naming
 * its line and the reason; a line over {@link MAX_NDJSON_LINE_CHARS} likewise
 * (without being buffered whole). Anything that is JSON is yielded as a
 * `member` for `syncRoster` to validate. A read error throws a
 * {@link CliError} (exit status 2) naming the source and the reason.
 *
 * @internal
 * @example
 * // roster.ndjson:
 * // {"reference_id":"EMP-1","first_name":"Jane",…}
 * for await (const record of readNdjsonRoster(fs.createReadStream('roster.ndjson'), 'roster.ndjson')) {
 *   // { kind: 'member', index: 0, line: 1, value: { reference_id: 'EMP-1', … } }
 * }
 */
export async function* readNdjsonRoster(
  input: Readable,
  source: string,
): AsyncGenerator<RosterRecord> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let overlong = false;
  let line = 0;
  let index = 0;

  const utf8 = new Utf8Lines();
  const checked = utf8.transform();
  let pipeError: Error | undefined;
  pipeline(input, checked, (err) => {
    if (err) pipeError = err;
  });

  function* lineRecord(text: string): Generator<RosterRecord> {
    line++;
    if (utf8.takeUpTo(line).length > 0) {
      yield {
        kind: 'error',
        index: index++,
        line,
        reason: `line ${line}: not valid UTF-8 text: bytes in another encoding, such as Latin-1 (save the file as UTF-8)`,
      };
      return;
    }
    const body = (line === 1 ? text.replace(/^\uFEFF/, '') : text).replace(/\r$/, '');
    if (body.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(body) as unknown;
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      yield {
        kind: 'error',
        index: index++,
        line,
        reason: `line ${line}: not valid JSON (${why})`,
      };
      return;
    }
    yield { kind: 'member', index: index++, line, value };
  }

  function* overlongRecord(): Generator<RosterRecord> {
    line++;
    utf8.takeUpTo(line);
    yield {
      kind: 'error',
      index: index++,
      line,
      reason: `line ${line}: longer than ${MAX_NDJSON_LINE_CHARS} characters; a member is far smaller`,
    };
  }

  try {
    for await (const chunk of checked as AsyncIterable<Buffer>) {
      const text = decoder.write(chunk);
      let start = 0;
      let nl = text.indexOf('\n');
      while (nl !== -1) {
        if (overlong) {
          overlong = false;
          yield* overlongRecord();
        } else if (pending.length + (nl - start) > MAX_NDJSON_LINE_CHARS) {
          pending = '';
          yield* overlongRecord();
        } else {
          const full = pending + text.slice(start, nl);
          pending = '';
          yield* lineRecord(full);
        }
        start = nl + 1;
        nl = text.indexOf('\n', start);
      }
      if (!overlong) {
        pending += text.slice(start);
        if (pending.length > MAX_NDJSON_LINE_CHARS) {
          overlong = true;
          pending = '';
        }
      }
    }
    if (pipeError !== undefined) throw pipeError;
  } catch (err) {
    const cause = pipeError ?? err;
    throw new CliError(
      `cannot read roster ${source}: ${cause instanceof Error ? cause.message : String(cause)}`,
      ExitCode.Usage,
    );
  } finally {
    checked.destroy();
    input.destroy();
  }
  const rest = pending + decoder.end();
  if (overlong) yield* overlongRecord();
  else if (rest.trim() !== '') yield* lineRecord(rest);
}
