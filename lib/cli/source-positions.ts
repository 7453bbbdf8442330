/**
 * Maps the positions `syncRoster` reports back to the roster file.
 *
 * The command line hands `syncRoster` only the records it could parse; the
 * unparseable ones (a CSV row with the wrong column count, an NDJSON line that
 * is not JSON) are reported by the CLI itself. So `syncRoster`'s `index` k is
 * the k-th *parsed* record, and this class turns it into the record's index in
 * the file and its line number.
 *
 * Memory is proportional to the unparseable records and to the places where the
 * line number stops following the index (multi-line cells, blank lines), not to
 * the size of the file.
 *
 * @internal
 * @example
 * const positions = new SourcePositions();
 * positions.record(0, 2, false); // index 0 on line 2, parsed
 * positions.record(1, 3, true);  // index 1 on line 3, unparseable
 * positions.record(2, 4, false);
 * positions.fileIndex(1); // 2: the second parsed record is the third of the file
 * positions.lineOf(2);    // 4
 */
export class SourcePositions {
  /** File indices of unparseable records, ascending. */
  private readonly skipped: number[] = [];
  /** `skipped[j] - j`, non-decreasing, for the binary search. */
  private readonly skippedShift: number[] = [];
  /** File indices where `line - index` changes, ascending, and the new difference. */
  private readonly lineStarts: number[] = [];
  private readonly lineDeltas: number[] = [];

  /** Notes one record of the file, in file order. */
  record(fileIndex: number, line: number, unparseable: boolean): void {
    const delta = line - fileIndex;
    if (this.lineDeltas.length === 0 || this.lineDeltas[this.lineDeltas.length - 1] !== delta) {
      this.lineStarts.push(fileIndex);
      this.lineDeltas.push(delta);
    }
    if (unparseable) {
      this.skippedShift.push(fileIndex - this.skipped.length);
      this.skipped.push(fileIndex);
    }
  }

  /** How many unparseable records were noted. */
  get unparseable(): number {
    return this.skipped.length;
  }

  /** The file index of the `parsedIndex`-th parsed record (0-based). */
  fileIndex(parsedIndex: number): number {
    // the k-th parsed record sits after exactly the skipped records j with skipped[j] - j <= k
    return parsedIndex + upperBound(this.skippedShift, parsedIndex);
  }

  /** The line of the record at `fileIndex`, or undefined before any record was noted. */
  lineOf(fileIndex: number): number | undefined {
    const i = upperBound(this.lineStarts, fileIndex) - 1;
    return i < 0 ? undefined : fileIndex + this.lineDeltas[i]!;
  }
}

/** Number of elements of the ascending array `xs` that are <= `x`. */
const upperBound = (xs: ReadonlyArray<number>, x: number): number => {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};
