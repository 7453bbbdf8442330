import type { RosterRecord } from './roster-record';

/**
 * Reads the first record of a roster now, so that what stops the command
 * before any member (a bad CSV header, an empty or unreadable file) is thrown
 * here, before the sync starts, prints or writes anything; resolves with the
 * records again from the first.
 *
 * @internal
 * @example
 * const records = await primeRecords(roster.records); // throws CliError (exit 2) on a bad header
 * syncFile(client, groupId, records);
 */
export const primeRecords = async (
  records: AsyncIterable<RosterRecord>,
): Promise<AsyncIterable<RosterRecord>> => {
  const iterator = records[Symbol.asyncIterator]();
  const first = await iterator.next();
  async function* replay(): AsyncGenerator<RosterRecord> {
    try {
      if (first.done) return;
      yield first.value;
      for (let next = await iterator.next(); !next.done; next = await iterator.next())
        yield next.value;
    } finally {
      await iterator.return?.();
    }
  }
  return replay();
};
