/**
 * What a roster reader yields for each record of a file, in file order.
 *
 * - `member`: a parsed record, not yet validated (`syncRoster` validates it);
 * - `error`: a record that could not be parsed (a CSV row with the wrong number
 *   of columns, a broken quote, an NDJSON line that is not JSON). It still counts
 *   as read, and is reported as invalid with its line number. When `fatal` is
 *   true the reader could not safely go on and stopped after it.
 *
 * `index` is the 0-based position of the record among the file's records
 * (header and blank lines excluded); `line` is the 1-based line of the file
 * where the record ends.
 *
 * @internal
 * @example
 * // { kind: 'error', index: 16, line: 18, reason: 'line 18: expected 12 columns as in the header, got 11' }
 */
export type RosterRecord =
  | {
      readonly kind: 'member';
      readonly index: number;
      readonly line: number;
      readonly value: unknown;
    }
  | {
      readonly kind: 'error';
      readonly index: number;
      readonly line: number;
      readonly reason: string;
      readonly fatal?: boolean;
    };
